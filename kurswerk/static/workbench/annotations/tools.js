// What the pointer does on a page, by tool: "highlight" leaves the text layer to the
// browser's selection and turns the selection into highlights on release; "note" and
// "freetext" place one (a click; a text box may be dragged open); "ink" draws a stroke.
// "select" (the default) lets the annotations be clicked. Pages listen once each.
import { liveStroke } from "./draw.js";

const MIN_DRAG = 0.01; // a drag shorter than this (fraction of the page) is a click
const MAX_POINTS = 2000;
const MIN_STEP = 0.6; // points: a stroke's points closer than this are dropped

export class Pointer {
  constructor(bench) {
    this.bench = bench;
    this.viewer = bench.viewer;
    this.stroke = null;
    const pages = this.viewer.container;
    pages.addEventListener("pointerdown", (event) => this.down(event));
    pages.addEventListener("pointermove", (event) => this.move(event));
    pages.addEventListener("pointerup", (event) => this.up(event));
    pages.addEventListener("pointercancel", () => this.cancel());
    pages.addEventListener("keyup", (event) => {
      if (this.bench.tool === "highlight" && event.shiftKey) { this.bench.highlightSelection(); }
    });
  }

  where(event) {
    const div = event.target.closest && event.target.closest(".pdf-page");
    if (!div) { return null; }
    const view = this.viewer.pages[Number(div.dataset.page) - 1];
    if (!view || !view.vp1) { return null; }
    const box = div.getBoundingClientRect();
    return { view, fx: (event.clientX - box.left) / box.width, fy: (event.clientY - box.top) / box.height };
  }

  down(event) {
    const tool = this.bench.tool;
    if (event.button !== 0 || !this.bench.editable || event.target.closest(".kw-editor")) { return; }
    if (tool === "select" || tool === "highlight") { return; }
    const at = this.where(event);
    if (!at) { return; }
    event.preventDefault();
    this.viewer.container.setPointerCapture(event.pointerId);
    this.stroke = { ...at, points: [[at.fx, at.fy]], tool };
    if (tool === "ink") {
      this.stroke.live = liveStroke(at.view, this.bench.colors.ink, 2);
    } else if (tool === "freetext") {
      this.stroke.live = this.bench.dragBox(at.view);
    }
  }

  move(event) {
    if (!this.stroke) { return; }
    const { view, points, tool } = this.stroke;
    const box = view.div.getBoundingClientRect();
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const each of events.length ? events : [event]) {
      const point = [(each.clientX - box.left) / box.width, (each.clientY - box.top) / box.height];
      if (tool === "ink") { points.push(point); } else { points[1] = point; }
    }
    if (tool === "ink") { this.stroke.live.show(points); }
    if (tool === "freetext" && points[1]) { this.stroke.live.show(points[0], points[1]); }
  }

  up(event) {
    if (this.bench.tool === "highlight" && this.bench.editable) {
      this.bench.highlightSelection();
      return;
    }
    const stroke = this.stroke;
    if (!stroke) { return; }
    this.stroke = null;
    if (stroke.live) { stroke.live.remove(); }
    this.viewer.container.releasePointerCapture(event.pointerId);
    const { view, points } = stroke;
    const clamp = (value) => Math.max(0, Math.min(1, value));
    const end = points[points.length - 1];
    const moved = Math.hypot(end[0] - points[0][0], end[1] - points[0][1]) > MIN_DRAG;
    if (stroke.tool === "note") {
      this.bench.newNote(view, stroke.fx, stroke.fy);
    } else if (stroke.tool === "freetext") {
      const box = moved
        ? [clamp(Math.min(points[0][0], end[0])), clamp(Math.min(points[0][1], end[1])), clamp(Math.max(points[0][0], end[0])), clamp(Math.max(points[0][1], end[1]))]
        : null;
      this.bench.newFreetext(view, stroke.fx, stroke.fy, box);
    } else if (stroke.tool === "ink" && points.length > 1) {
      this.bench.newInk(view, thin(view, points.map(([fx, fy]) => [clamp(fx), clamp(fy)])));
    }
  }

  cancel() {
    if (this.stroke && this.stroke.live) { this.stroke.live.remove(); }
    this.stroke = null;
  }
}

// Page points of a stroke, without points closer than MIN_STEP, at most MAX_POINTS.
function thin(view, fractions) {
  const points = [];
  for (const [fx, fy] of fractions) {
    const point = view.toPdf(fx, fy);
    const last = points[points.length - 1];
    if (!last || Math.hypot(point[0] - last[0], point[1] - last[1]) >= MIN_STEP) { points.push(point); }
  }
  if (points.length <= MAX_POINTS) { return points; }
  const step = points.length / MAX_POINTS;
  return Array.from({ length: MAX_POINTS }, (_, index) => points[Math.floor(index * step)]);
}
