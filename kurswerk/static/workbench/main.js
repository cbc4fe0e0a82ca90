// Starts each PDF viewer of a page (``[data-pdf-viewer]``, see feedback/_pdf_viewer.html).
// Progressive enhancement: without JavaScript, or if PDF.js cannot load, the page keeps
// its links ("Im Browser lesen", "Herunterladen") and the viewer stays hidden.
import { PdfViewer } from "./viewer.js";

async function start(root) {
  const config = JSON.parse(root.querySelector("script[data-viewer-config]").textContent);
  let viewer = null;
  try {
    const pdfjs = await import(config.pdfjs.module);
    pdfjs.GlobalWorkerOptions.workerSrc = config.pdfjs.worker;
    root.hidden = false;
    viewer = new PdfViewer(root, pdfjs, config);
    await viewer.open();
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
