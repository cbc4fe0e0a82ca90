// The PDF viewer of the workbench: continuous scrolling through page boxes, pages
// rendered only near the viewport, zoom (buttons, keys), "page x of n" and "go to page".
// Markup and texts come from the template (feedback/_pdf_viewer.html); this module only
// fills in numbers and pages.
import { PageView } from "./page.js";

const CSS_UNITS = 96 / 72; // 100 % zoom: one PDF point is 1/72 in, one CSS pixel 1/96 in
const ZOOMS = [0.25, 0.5, 0.67, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3, 4];
const NEAR = "150% 0px"; // rendered: the viewport and one and a half of it above and below
const MAX_RENDERED = 12; // never more canvases than this, however small the zoom
// The PDF is read in parts of this size (PDF.js's default: 64 KiB). Twice that reads the
// header and, in most PDFs, the first page's objects in one request: one round trip less
// before the first page.
const RANGE_CHUNK = 131072;

export class PdfViewer {
  constructor(root, pdfjs, config) {
    this.root = root;
    this.pdfjs = pdfjs;
    this.config = config;
    this.labels = config.labels;
    this.pages = [];
    this.zoom = 0; // 0: fit the page width
    this.scale = 1;
    this.current = 1;
    this.near = new Set();
    this.listeners = new Set();
    this.annotationMode = pdfjs.AnnotationMode.ENABLE;
    this.showPdfAnnotations = Boolean(config.pdfAnnotations);
    this.container = root.querySelector("[data-pages]");
    this.status = root.querySelector("[data-viewer-status]");
    this.pageInput = root.querySelector("[data-page-input]");
    this.pageCount = root.querySelector("[data-page-count]");
    this.zoomValue = root.querySelector("[data-zoom-value]");
    this.linkService = new LinkService(this);
  }

  text(key, values = {}) {
    let text = this.labels[key] || key;
    for (const [name, value] of Object.entries(values)) {
      text = text.replaceAll(`{${name}}`, String(value));
    }
    return text;
  }

  // Starts loading the PDF (PDF.js's loading task): main.js starts it before the page
  // is laid out, so the document loads meanwhile. Range requests, no streaming and no
  // fetching ahead: PDF.js asks the server for the parts it needs (the end with the cross
  // references, then the first page's objects), not for the whole file.
  // With the PDF's length in the config (the review page knows it), PDF.js asks for its
  // parts at once (``RangeFetcher``); without, it first opens the whole file to learn the
  // length and whether the server answers ranges, and drops that request once it knows.
  static load(pdfjs, config) {
    const ranges = config.length > 0 ? new (rangeFetcher(pdfjs))(config.src, config.length) : null;
    const task = pdfjs.getDocument({
      ...(ranges ? { range: ranges, length: config.length } : { url: config.src }),
      isEvalSupported: false,
      enableXfa: false,
      disableAutoFetch: true,
      disableStream: true,
      rangeChunkSize: RANGE_CHUNK,
      cMapUrl: config.pdfjs.cmaps,
      cMapPacked: true,
      standardFontDataUrl: config.pdfjs.fonts,
      wasmUrl: config.pdfjs.wasm,
      useWasm: true,
    });
    // Rejects when a part of the PDF cannot be had (never without ranges: PDF.js's own
    // requests fail its promises).
    task.failure = ranges ? ranges.failure : new Promise(() => {});
    return task;
  }

  async open(task = PdfViewer.load(this.pdfjs, this.config)) {
    this.say(this.text("loading"));
    this.doc = await Promise.race([task.promise, task.failure]);
    task.failure.catch((error) => this.failed(error));
    performance.mark("kw-viewer:document");
    const first = await this.doc.getPage(1);
    const vp1 = first.getViewport({ scale: 1 });
    const estimate = { width: vp1.width, height: vp1.height };
    const fragment = document.createDocumentFragment();
    for (let number = 1; number <= this.doc.numPages; number += 1) {
      const view = new PageView(this, number, estimate);
      this.pages.push(view);
      fragment.append(view.div);
    }
    this.container.replaceChildren(fragment);
    this.pageInput.max = String(this.doc.numPages);
    this.pageCount.textContent = this.text("of_pages", { pages: this.doc.numPages });
    this.applyScale();
    this.observe();
    this.bind();
    this.say("");
    await this.pages[0].render(this.scale);
    this.root.dataset.ready = "true";
    this.update();
  }

  // --- layout and zoom ------------------------------------------------------------

  fitScale() {
    const width = this.container.clientWidth - 24; // the pages' margin and a scrollbar's slack
    const page = this.pages[this.current - 1] || this.pages[0];
    return Math.max(0.25, Math.min(4, width / page.size.width));
  }

  applyScale() {
    this.scale = this.zoom ? this.zoom * CSS_UNITS : this.fitScale();
    this.container.style.setProperty("--total-scale-factor", String(this.scale));
    for (const view of this.pages) { view.layout(this.scale); }
    const percent = Math.round((this.scale / CSS_UNITS) * 100);
    this.zoomValue.textContent = this.text("zoom_value", { percent });
    this.root.querySelector("[data-action='fit']").setAttribute("aria-pressed", String(!this.zoom));
  }

  setZoom(zoom) {
    const view = this.pages[this.current - 1];
    const within = view ? (this.container.scrollTop - view.div.offsetTop) / view.div.offsetHeight : 0;
    this.zoom = zoom;
    this.applyScale();
    if (view) { this.container.scrollTop = view.div.offsetTop + within * view.div.offsetHeight; }
    this.update();
  }

  zoomBy(step) {
    const now = this.scale / CSS_UNITS;
    const next = step > 0 ? ZOOMS.find((z) => z > now + 0.001) : [...ZOOMS].reverse().find((z) => z < now - 0.001);
    if (next) { this.setZoom(next); }
  }

  resized(view, size) {
    const above = view.div.offsetTop < this.container.scrollTop;
    const before = view.div.offsetHeight;
    view.size = size;
    view.layout(this.scale);
    if (above) { this.container.scrollTop += view.div.offsetHeight - before; }
  }

  loaded(view) {
    for (const listener of this.listeners) { listener("page", view); }
  }

  on(listener) { this.listeners.add(listener); }

  // --- which pages to render ------------------------------------------------------

  observe() {
    this.observer = new IntersectionObserver((entries) => {
      this.observed = true;
      for (const entry of entries) {
        const number = Number(entry.target.dataset.page);
        if (entry.isIntersecting) { this.near.add(number); } else { this.near.delete(number); }
      }
      this.update();
    }, { root: this.container, rootMargin: NEAR });
    for (const view of this.pages) { this.observer.observe(view.div); }
  }

  update() {
    if (this.pending) { return; }
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.track();
      this.renderNear();
    });
  }

  async renderNear() {
    // Until the observer's first report, which pages are near is not known: a page being
    // drawn (the first, by open()) is not given back for being absent from an empty set.
    if (!this.observed) { return; }
    const wanted = [...this.near]
      .sort((a, b) => Math.abs(a - this.current) - Math.abs(b - this.current))
      .slice(0, MAX_RENDERED);
    const keep = new Set(wanted);
    for (const view of this.pages) {
      if ((view.rendered || view.task) && !keep.has(view.number)) { view.reset(); }
    }
    if (this.rendering) { this.again = true; return; }
    this.rendering = true;
    try {
      for (const number of wanted) {
        if (!this.near.has(number)) { continue; }
        await this.pages[number - 1].render(this.scale);
      }
    } catch (error) {
      this.failed(error);
    } finally {
      this.rendering = false;
    }
    if (this.again) { this.again = false; this.renderNear(); }
  }

  // The current page: the one under the top third of the viewport.
  track() {
    const line = this.container.scrollTop + this.container.clientHeight / 3;
    let low = 0;
    let high = this.pages.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (this.pages[middle].div.offsetTop <= line) { low = middle; } else { high = middle - 1; }
    }
    const current = low + 1;
    if (current !== this.current || this.pageInput.value === "") {
      this.current = current;
      if (document.activeElement !== this.pageInput) { this.pageInput.value = String(current); }
      for (const listener of this.listeners) { listener("current", this.pages[current - 1]); }
    }
  }

  goTo(number, focus = false) {
    const target = Math.max(1, Math.min(this.pages.length, Math.round(number) || 1));
    const view = this.pages[target - 1];
    this.container.scrollTop = view.div.offsetTop - 8;
    this.current = target;
    this.pageInput.value = String(target);
    if (focus) { this.container.focus({ preventScroll: true }); }
    this.say(this.text("page_of", { page: target, pages: this.pages.length }));
    this.update();
    return view;
  }

  // --- controls -------------------------------------------------------------------

  bind() {
    const actions = {
      prev: () => this.goTo(this.current - 1),
      next: () => this.goTo(this.current + 1),
      "zoom-in": () => this.zoomBy(1),
      "zoom-out": () => this.zoomBy(-1),
      fit: () => this.setZoom(0),
    };
    const bar = this.root.querySelector("[data-viewer-bar]");
    bar.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-action]");
      if (button && actions[button.dataset.action]) { actions[button.dataset.action](); }
    });
    bar.addEventListener("keydown", (event) => moveAlong(bar, event));
    this.root.querySelector("[data-page-form]").addEventListener("submit", (event) => {
      event.preventDefault();
      this.goTo(Number(this.pageInput.value), true);
    });
    this.container.addEventListener("scroll", () => this.update(), { passive: true });
    this.container.addEventListener("keydown", (event) => this.key(event, actions));
    new ResizeObserver(() => { if (!this.zoom) { this.setZoom(0); } }).observe(this.container);
  }

  key(event, actions) {
    if (event.target.closest("input, textarea, select, [contenteditable]")) { return; }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    const keys = { "+": "zoom-in", "=": "zoom-in", "-": "zoom-out", 0: "fit", n: "next", p: "prev" };
    const action = keys[event.key];
    if (action) {
      event.preventDefault();
      actions[action]();
    } else if (event.key === "g") {
      event.preventDefault();
      this.pageInput.focus();
      this.pageInput.select();
    }
  }

  say(message) {
    this.status.textContent = message;
  }

  failed(error) {
    this.root.dataset.failed = "true";
    this.say(this.text("open_failed"));
    if (window.console) { console.error(error); }
  }
}

// PDF.js's range transport for a PDF of known length: each part PDF.js asks for is one
// request with a Range header, answered with 206 and exactly those bytes (or, where Range
// is ignored, 200 and the whole file, taken once for every part). PDF.js waits
// for a part for ever, so a part that cannot be had (the session ended, the file is
// gone) rejects ``failure`` instead, and the viewer says it cannot show the PDF.
function rangeFetcher(pdfjs) {
  return class RangeFetcher extends pdfjs.PDFDataRangeTransport {
    constructor(url, length) {
      super(length, null);
      this.url = url;
      this.controller = new AbortController();
      const { promise, reject } = Promise.withResolvers();
      this.failure = promise;
      this.fail = reject;
      promise.catch(() => {}); // the viewer listens once it is open
    }

    requestDataRange(begin, end) {
      this.fetchRange(begin, end).catch((error) => {
        if (!this.controller.signal.aborted) { this.fail(error); }
      });
    }

    async fetchRange(begin, end) {
      if (this.whole) { return this.whole; } // every part is there already
      const response = await fetch(this.url, {
        headers: { Range: `bytes=${begin}-${end - 1}` },
        credentials: "same-origin",
        signal: this.controller.signal,
      });
      if (response.status === 200) {
        // A proxy or server that ignores Range sends the whole file: take it, once, as
        // every part (PDF.js then asks for none); slower, but the PDF is shown.
        this.whole ??= this.takeWhole(response);
        return this.whole;
      }
      if (response.status !== 206) {
        throw new Error(`PDF bytes ${begin}-${end - 1}: HTTP ${response.status}`);
      }
      const chunk = new Uint8Array(await response.arrayBuffer());
      if (chunk.length !== end - begin) {
        throw new Error(`PDF bytes ${begin}-${end - 1}: ${chunk.length} bytes`);
      }
      this.onDataRange(begin, chunk);
    }

    async takeWhole(response) {
      const data = new Uint8Array(await response.arrayBuffer());
      if (data.length !== this.length) {
        throw new Error(`PDF: ${data.length} bytes, not ${this.length}`);
      }
      this.onDataRange(0, data);
    }

    abort() {
      this.controller.abort();
    }
  };
}

// ArrowLeft/ArrowRight on a toolbar's button: to the previous/next button (wrapping).
export function moveAlong(bar, event) {
  if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") { return; }
  const buttons = Array.from(bar.querySelectorAll("button:not(:disabled):not([hidden])"));
  const index = buttons.indexOf(document.activeElement);
  if (index < 0) { return; }
  event.preventDefault();
  const step = event.key === "ArrowRight" ? 1 : -1;
  buttons[(index + step + buttons.length) % buttons.length].focus();
}

// What PDF.js's annotation layer asks of a viewer for the links in a PDF: web links
// open in a new tab; links inside the document scroll to their page.
class LinkService {
  constructor(viewer) {
    this.viewer = viewer;
    this.externalLinkEnabled = true;
    this.eventBus = null;
  }

  get pagesCount() { return this.viewer.pages.length; }
  get page() { return this.viewer.current; }
  set page(value) { this.viewer.goTo(value); }
  get rotation() { return 0; }
  get isInPresentationMode() { return false; }

  addLinkAttributes(link, url) {
    link.href = url;
    link.target = "_blank";
    link.rel = "noopener noreferrer nofollow";
  }

  getDestinationHash() { return "#"; }
  getAnchorUrl() { return "#"; }
  async goToDestination(dest) {
    const explicit = typeof dest === "string" ? await this.viewer.doc.getDestination(dest) : dest;
    if (!Array.isArray(explicit)) { return; }
    const index = typeof explicit[0] === "object" ? await this.viewer.doc.getPageIndex(explicit[0]) : explicit[0];
    this.viewer.goTo(index + 1, true);
  }
  goToPage(number) { this.viewer.goTo(number, true); }
  executeNamedAction() {}
  executeSetOCGState() {}
}
