// A text selection in the viewer's text layers as highlights: per page, one rectangle
// per line (the selected pieces of a line joined), in page points, with the quote.
const MAX_RECTS = 200;
const MAX_QUOTE = 2000;

function within(range, node) {
  const part = document.createRange();
  part.selectNodeContents(node);
  if (range.compareBoundaryPoints(Range.END_TO_START, part) >= 0) { return null; } // range ends before
  if (range.compareBoundaryPoints(Range.START_TO_END, part) <= 0) { return null; } // range starts after
  if (range.compareBoundaryPoints(Range.START_TO_START, part) > 0) {
    part.setStart(range.startContainer, range.startOffset);
  }
  if (range.compareBoundaryPoints(Range.END_TO_END, part) < 0) {
    part.setEnd(range.endContainer, range.endOffset);
  }
  return part;
}

function lines(rects) {
  const sorted = rects
    .filter((rect) => rect.width > 0.5 && rect.height > 0.5)
    .sort((a, b) => a.top - b.top || a.left - b.left);
  const joined = [];
  for (const rect of sorted) {
    const last = joined[joined.length - 1];
    const middle = rect.top + rect.height / 2;
    if (last && middle > last.top && middle < last.bottom) {
      last.left = Math.min(last.left, rect.left);
      last.right = Math.max(last.right, rect.right);
      last.top = Math.min(last.top, rect.top);
      last.bottom = Math.max(last.bottom, rect.bottom);
    } else {
      joined.push({ left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom });
    }
  }
  return joined;
}

// [{view, rects: [[x0, y0, x1, y1], ...], quote}] for the pages the selection covers.
export function selectedText(viewer) {
  const selection = window.getSelection();
  if (!selection || selection.isCollapsed || !selection.rangeCount) { return []; }
  const range = selection.getRangeAt(0);
  const found = [];
  for (const view of viewer.pages) {
    if (!view.vp1 || !view.div.dataset.text) { continue; }
    const part = within(range, view.textDiv);
    if (!part) { continue; }
    const quote = part.toString().replace(/\s+/g, " ").trim();
    if (!quote) { continue; }
    const page = view.div.getBoundingClientRect();
    const rects = lines(Array.from(part.getClientRects())).slice(0, MAX_RECTS).map((line) => {
      const [x0, y0] = view.toPdf((line.left - page.left) / page.width, (line.top - page.top) / page.height);
      const [x1, y1] = view.toPdf((line.right - page.left) / page.width, (line.bottom - page.top) / page.height);
      return [Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1)];
    });
    if (rects.length) { found.push({ view, rects, quote: quote.slice(0, MAX_QUOTE) }); }
  }
  return found;
}
