// One page of the PDF viewer: a box of the page's size (so the document scrolls as a
// whole), and while it is near the viewport its canvas, its text layer (selectable
// text) and, for read-only viewers, PDF.js's annotation layer (the PDF's own notes and
// links). A page far from the viewport gives its canvas back (bounded memory).

const MAX_CANVAS_PIXELS = 16777216; // 4096 x 4096: beyond, the canvas gets a lower resolution

export class PageView {
  constructor(viewer, number, size) {
    this.viewer = viewer;
    this.number = number;
    this.size = size; // {width, height} in PDF points, as the page shows (rotation applied)
    this.known = false; // the size is the page's own, not its neighbour's estimate
    this.page = null;
    this.vp1 = null; // the page's viewport at scale 1 (points), for coordinates
    this.rendered = 0; // the scale it is rendered at, 0: not rendered
    this.task = null;
    this.drawing = null; // {scale, done}: the drawing under way
    this.textLayer = null;
    this.div = document.createElement("div");
    this.div.className = "pdf-page";
    this.div.dataset.page = String(number);
    this.div.setAttribute("role", "group");
    this.div.setAttribute("aria-label", viewer.text("page", { page: number }));
    this.canvasBox = document.createElement("div");
    this.canvasBox.className = "pdf-page__canvas";
    this.textDiv = document.createElement("div");
    this.textDiv.className = "textLayer";
    // Annotations of the workbench (``annotations/``) live in this layer, above the text.
    this.overlay = document.createElement("div");
    this.overlay.className = "pdf-page__overlay";
    this.div.append(this.canvasBox, this.textDiv, this.overlay);
  }

  layout(scale) {
    this.div.style.width = `${Math.floor(this.size.width * scale)}px`;
    this.div.style.height = `${Math.floor(this.size.height * scale)}px`;
  }

  async load() {
    if (this.page) { return this.page; }
    if (!this.loading) {
      this.loading = this.viewer.doc.getPage(this.number).then((page) => {
        this.page = page;
        this.vp1 = page.getViewport({ scale: 1 });
        const size = { width: this.vp1.width, height: this.vp1.height };
        this.known = true;
        if (size.width !== this.size.width || size.height !== this.size.height) {
          this.viewer.resized(this, size);
        }
        this.viewer.loaded(this);
        return page;
      });
    }
    return this.loading;
  }

  // Draws the page at ``scale``. Asked again for the same scale while drawing (the
  // viewer's first page and the pages near the viewport ask for page 1 at once), it waits
  // for that drawing rather than cancelling it and starting over.
  async render(scale) {
    if (this.rendered === scale) { return; }
    if (this.drawing && this.drawing.scale === scale) { return this.drawing.done; }
    const done = this.draw(scale);
    this.drawing = { scale, done };
    try {
      await done;
    } finally {
      if (this.drawing && this.drawing.done === done) { this.drawing = null; }
    }
  }

  async draw(scale) {
    const page = await this.load();
    if (this.task) { this.task.cancel(); }
    const viewport = page.getViewport({ scale });
    const ratio = Math.min(
      window.devicePixelRatio || 1,
      Math.sqrt(MAX_CANVAS_PIXELS / (viewport.width * viewport.height)),
    );
    const canvas = document.createElement("canvas");
    canvas.width = Math.floor(viewport.width * ratio);
    canvas.height = Math.floor(viewport.height * ratio);
    canvas.setAttribute("aria-hidden", "true");
    const transform = ratio !== 1 ? [ratio, 0, 0, ratio, 0, 0] : null;
    this.task = page.render({
      canvas,
      canvasContext: canvas.getContext("2d", { alpha: false }),
      viewport,
      transform,
      annotationMode: this.viewer.annotationMode,
    });
    try {
      await this.task.promise;
    } catch (error) {
      releaseCanvas(canvas);
      if (error && error.name === "RenderingCancelledException") { return; }
      throw error;
    } finally {
      this.task = null;
    }
    const old = this.canvasBox.firstChild;
    this.canvasBox.replaceChildren(canvas);
    if (old) { releaseCanvas(old); }
    this.rendered = scale;
    this.div.dataset.rendered = "true";
    await this.renderText(page, viewport);
    if (this.viewer.showPdfAnnotations) { await this.renderPdfAnnotations(page, viewport); }
  }

  async renderText(page, viewport) {
    if (this.textLayer) { this.textLayer.cancel(); }
    const div = document.createElement("div");
    div.className = "textLayer";
    this.textLayer = new this.viewer.pdfjs.TextLayer({
      textContentSource: page.streamTextContent({ includeMarkedContent: true }),
      container: div,
      viewport,
    });
    try {
      await this.textLayer.render();
    } catch (error) {
      if (error && error.name === "AbortException") { return; }
      throw error;
    }
    const end = document.createElement("div");
    end.className = "endOfContent";
    div.append(end);
    this.textDiv.replaceWith(div);
    this.textDiv = div;
    this.div.dataset.text = "true";
  }

  async renderPdfAnnotations(page, viewport) {
    const annotations = await page.getAnnotations({ intent: "display" });
    const div = document.createElement("div");
    div.className = "annotationLayer";
    if (annotations.length) {
      const layer = new this.viewer.pdfjs.AnnotationLayer({
        div,
        page,
        viewport: viewport.clone({ dontFlip: true }),
        linkService: this.viewer.linkService,
        accessibilityManager: null,
        annotationCanvasMap: null,
        annotationEditorUIManager: null,
        structTreeLayer: null,
      });
      await layer.render({
        annotations,
        viewport: viewport.clone({ dontFlip: true }),
        linkService: this.viewer.linkService,
        imageResourcesPath: this.viewer.config.pdfjs.images,
        renderForms: false,
        enableScripting: false,
        hasJSActions: false,
      });
    }
    // PDF.js names its note icons through its own translations, which we do not load.
    for (const image of div.querySelectorAll("img:not([alt])")) {
      image.alt = this.viewer.text("kind_note");
    }
    const old = this.div.querySelector(".annotationLayer");
    if (old) { old.replaceWith(div); } else { this.overlay.before(div); }
  }

  // Give the canvas and the text back (the page left the viewport's neighbourhood).
  reset() {
    this.drawing = null;
    if (this.task) { this.task.cancel(); this.task = null; }
    if (this.textLayer) { this.textLayer.cancel(); this.textLayer = null; }
    const canvas = this.canvasBox.firstChild;
    if (canvas) { releaseCanvas(canvas); this.canvasBox.replaceChildren(); }
    const text = document.createElement("div");
    text.className = "textLayer";
    this.textDiv.replaceWith(text);
    this.textDiv = text;
    const annotations = this.div.querySelector(".annotationLayer");
    if (annotations) { annotations.remove(); }
    delete this.div.dataset.rendered;
    delete this.div.dataset.text;
    this.rendered = 0;
    if (this.page) { this.page.cleanup(); }
  }

  // Page points -> fractions of the page box (0..1, top left origin), and back.
  toBox(x, y) {
    const [vx, vy] = this.vp1.convertToViewportPoint(x, y);
    return [vx / this.vp1.width, vy / this.vp1.height];
  }

  toPdf(fx, fy) {
    const [x, y] = this.vp1.convertToPdfPoint(fx * this.vp1.width, fy * this.vp1.height);
    return [round(x), round(y)];
  }
}

function round(value) {
  return Math.round(value * 100) / 100;
}

function releaseCanvas(canvas) {
  // Chromium frees a canvas's backing store only once its size is zero.
  canvas.width = 0;
  canvas.height = 0;
}
