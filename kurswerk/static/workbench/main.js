// Starts each PDF viewer of a page (``[data-pdf-viewer]``, see feedback/_pdf_viewer.html).
// Progressive enhancement: without JavaScript, or if PDF.js cannot load, the page keeps
// its links ("Im Browser lesen", "Herunterladen") and the viewer stays hidden.
//
// The first page comes first: this module runs as soon as it is loaded (``async``, at
// the end of the body, so the viewers are parsed), not once every other script has run.
// PDF.js's worker (its parser, the larger half of PDF.js) is already started by the
// page's head (pdf-worker.js), so it loads and compiles on its own thread while the
// library loads on this one, rather than once the library has loaded and asked for it.
// The PDF starts loading before the page's layout is ready. The page's head preloads the
// library and this module's imports (``viewer_head``).
// Performance marks ("kw-viewer:…") let bench/workbench_viewer.py tell where the time
// goes.
import { pdfWorker } from "./pdf-worker.js";
import { PdfViewer } from "./viewer.js";

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

async function start(root) {
  const config = JSON.parse(root.querySelector("script[data-viewer-config]").textContent);
  performance.mark("kw-viewer:start");
  let viewer = null;
  try {
    const { thread, broken } = pdfWorker(config.pdfjs.worker);
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
