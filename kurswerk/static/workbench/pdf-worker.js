// PDF.js's worker (its parser, the larger half of PDF.js) for the viewers of a page, one
// for all of them. The page's head loads this module (``async``, feedback/_pdf_viewer.html)
// so the worker starts as soon as the head is read: it loads and compiles on its own
// thread while the rest of the page, the library and the viewer load. main.js imports
// this module from the same URL (the same instance) and takes the worker started here.
// The worker's versioned URL is in the head's <meta name="kw-pdf-worker">.
let started = null;

// The page's worker, and a promise that rejects if it cannot start (its script fails to
// load): PDF.js itself would wait for its answer for ever.
export function pdfWorker(url) {
  if (!started) {
    const thread = new Worker(url, { type: "module" });
    const broken = new Promise((resolve, reject) => {
      thread.addEventListener("error", reject, { once: true });
    });
    broken.catch(() => {}); // only the viewer's opening waits for it
    started = { thread, broken };
  }
  return started;
}

const meta = document.querySelector("meta[name='kw-pdf-worker']");
if (meta) {
  try {
    pdfWorker(meta.content);
  } catch (error) {
    // The viewer tries again and, failing, keeps the page's links.
  }
}
