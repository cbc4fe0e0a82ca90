// Starts each PDF viewer of a page (``[data-pdf-viewer]``, see feedback/_pdf_viewer.html).
// Progressive enhancement: without JavaScript, or if PDF.js cannot load, the page keeps
// its links ("Im Browser lesen", "Herunterladen") and the viewer stays hidden.
//
// The first page comes first: this module runs as soon as it is loaded (``async``, at
// the end of the body, so the viewers are parsed), not once every other script has run.
// It starts PDF.js's worker (its parser, the larger half of PDF.js) at once, so the
// worker loads and compiles on its own thread while the library loads on this one,
// rather than once the library has loaded and asked for it; one worker serves every
// viewer of the page. The PDF starts loading before the page's layout is ready. The
// page's head preloads the library and this module's imports (``viewer_head``).
// Performance marks ("kw-viewer:…") let bench/workbench_viewer.py tell where the time
// goes.
import { PdfViewer } from "./viewer.js";

let worker = null;

// The page parsed and its stylesheets loaded (what the viewer's layout needs): this
// module runs as soon as it is loaded (``async``), the PDF loading meanwhile.
async function parsed() {
  if (document.readyState === "loading") {
    await new Promise((resolve) => {
      document.addEventListener("DOMContentLoaded", resolve, { once: true });
    });
  }
  const pending = Array.from(document.querySelectorAll("link[rel='stylesheet']"))
    .filter((link) => !link.sheet);
  await Promise.all(pending.map((link) => new Promise((resolve) => {
    link.addEventListener("load", resolve, { once: true });
    link.addEventListener("error", resolve, { once: true });
  })));
}

// The page's one PDF.js worker, and a promise that rejects if it cannot start (its
// script fails to load): PDF.js itself would wait for its answer for ever.
function startWorker(config) {
  if (!worker) {
    const thread = new Worker(config.pdfjs.worker, { type: "module" });
    const broken = new Promise((resolve, reject) => {
      thread.addEventListener("error", reject, { once: true });
    });
    broken.catch(() => {}); // only the opening waits for it
    worker = { thread, broken };
  }
  return worker;
}

async function start(root) {
  const config = JSON.parse(root.querySelector("script[data-viewer-config]").textContent);
  performance.mark("kw-viewer:start");
  let viewer = null;
  try {
    const { thread, broken } = startWorker(config);
    const pdfjs = await import(config.pdfjs.module);
    performance.mark("kw-viewer:library");
    pdfjs.GlobalWorkerOptions.workerSrc = config.pdfjs.worker;
    pdfjs.GlobalWorkerOptions.workerPort = thread;
    const task = PdfViewer.load(pdfjs, config);
    await parsed();
    root.hidden = false;
    viewer = new PdfViewer(root, pdfjs, config);
    await Promise.race([viewer.open(task), broken]);
  } catch (error) {
    if (viewer) { viewer.failed(error); } else { root.hidden = true; }
    return;
  }
  if (config.annotations) {
    const { Workbench } = await import("./annotations/workbench.js");
    await new Workbench(viewer, config.annotations).start();
  } else if (config.pdfAnnotations) {
    const { listPdfAnnotations } = await import("./pdf-annotations.js");
    await listPdfAnnotations(viewer, root.querySelector("[data-pdf-annotation-list]"));
  }
}

for (const root of document.querySelectorAll("[data-pdf-viewer]")) {
  start(root);
}
