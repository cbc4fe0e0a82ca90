// How an annotation shows on its page: positioned in fractions of the page box, so zoom
// needs no redraw. Each is focusable (Tab), named for screen readers, and selectable.
const SVG = "http://www.w3.org/2000/svg";
const NOTE_SIZE = 20; // points: the note's icon

function pct(value) { return `${(value * 100).toFixed(4)}%`; }

// The box (fractions of the page, top left origin) of a rectangle in page points.
export function boxOf(view, [x0, y0, x1, y1]) {
  const [ax, ay] = view.toBox(x0, y0);
  const [bx, by] = view.toBox(x1, y1);
  return { left: Math.min(ax, bx), top: Math.min(ay, by), right: Math.max(ax, bx), bottom: Math.max(ay, by) };
}

function place(element, box) {
  element.style.left = pct(box.left);
  element.style.top = pct(box.top);
  element.style.width = pct(box.right - box.left);
  element.style.height = pct(box.bottom - box.top);
}

function union(boxes) {
  return {
    left: Math.min(...boxes.map((b) => b.left)),
    top: Math.min(...boxes.map((b) => b.top)),
    right: Math.max(...boxes.map((b) => b.right)),
    bottom: Math.max(...boxes.map((b) => b.bottom)),
  };
}

export function noteRect(item) {
  const [x, y] = item.at;
  return [x, y - NOTE_SIZE, x + NOTE_SIZE, y];
}

function inkRect(item, pad) {
  const xs = item.paths.flat().map((point) => point[0]);
  const ys = item.paths.flat().map((point) => point[1]);
  return [Math.min(...xs) - pad, Math.min(...ys) - pad, Math.max(...xs) + pad, Math.max(...ys) + pad];
}

export function describe(item, labels) {
  const kind = labels[`kind_${item.type}`] || item.type;
  const words = item.type === "highlight" ? (item.text || item.quote || "") : (item.text || "");
  const short = words.length > 80 ? `${words.slice(0, 79)}…` : words;
  return short ? `${kind}: ${short}` : kind;
}

export function draw(view, item, labels) {
  const element = document.createElement("div");
  element.className = `kw-annot kw-annot--${item.type}`;
  element.dataset.annotation = item.id;
  element.tabIndex = 0;
  element.setAttribute("role", "button");
  element.setAttribute("aria-label", describe(item, labels));
  element.title = describe(item, labels);
  element.style.setProperty("--annot-color", item.color);
  if (item.type === "highlight") {
    const boxes = item.rects.map((rect) => boxOf(view, rect));
    const outer = union(boxes);
    place(element, outer);
    const width = outer.right - outer.left || 1;
    const height = outer.bottom - outer.top || 1;
    for (const box of boxes) {
      const part = document.createElement("span");
      part.className = "kw-annot__rect";
      place(part, {
        left: (box.left - outer.left) / width,
        top: (box.top - outer.top) / height,
        right: (box.right - outer.left) / width,
        bottom: (box.bottom - outer.top) / height,
      });
      element.append(part);
    }
  } else if (item.type === "note") {
    place(element, boxOf(view, noteRect(item)));
    element.setAttribute("aria-haspopup", "dialog");
  } else if (item.type === "freetext") {
    place(element, boxOf(view, item.rect));
    element.style.fontSize = `calc(var(--total-scale-factor) * ${item.size || 12}px)`;
    element.textContent = item.text;
  } else if (item.type === "ink") {
    const rect = inkRect(item, (item.width || 2) * 2);
    place(element, boxOf(view, rect));
    element.append(inkSvg(view, item, rect));
  }
  return element;
}

// The paths in the page's unscaled viewport units, in an SVG stretched over their box.
function inkSvg(view, item, rect) {
  const svg = document.createElementNS(SVG, "svg");
  const [ax, ay] = view.vp1.convertToViewportPoint(rect[0], rect[1]);
  const [bx, by] = view.vp1.convertToViewportPoint(rect[2], rect[3]);
  const x = Math.min(ax, bx);
  const y = Math.min(ay, by);
  svg.setAttribute("viewBox", `${x} ${y} ${Math.abs(bx - ax)} ${Math.abs(by - ay)}`);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  for (const path of item.paths) {
    const line = document.createElementNS(SVG, "polyline");
    line.setAttribute("points", path.map(([px, py]) => view.vp1.convertToViewportPoint(px, py).join(",")).join(" "));
    line.setAttribute("fill", "none");
    line.setAttribute("stroke", item.color);
    line.setAttribute("stroke-width", String(item.width || 2));
    line.setAttribute("stroke-linecap", "round");
    line.setAttribute("stroke-linejoin", "round");
    svg.append(line);
  }
  return svg;
}

// A stroke being drawn (fractions of the page box), shown until the pointer is released.
export function liveStroke(view, color, width) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("class", "kw-live-stroke");
  svg.setAttribute("viewBox", `0 0 ${view.vp1.width} ${view.vp1.height}`);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.setAttribute("aria-hidden", "true");
  const line = document.createElementNS(SVG, "polyline");
  line.setAttribute("fill", "none");
  line.setAttribute("stroke", color);
  line.setAttribute("stroke-width", String(width));
  line.setAttribute("stroke-linecap", "round");
  svg.append(line);
  view.overlay.append(svg);
  return {
    show(points) {
      line.setAttribute("points", points.map(([fx, fy]) => `${fx * view.vp1.width},${fy * view.vp1.height}`).join(" "));
    },
    remove() { svg.remove(); },
  };
}
