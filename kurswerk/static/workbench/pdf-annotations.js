// The PDF's own annotations (a released feedback PDF's notes, highlights, text boxes and
// drawings) as a list beside the viewer: what PDF.js shows on the page, readable with a
// screen reader and the keyboard, each with a way to its page.
const KINDS = { Highlight: "highlight", Text: "note", FreeText: "freetext", Ink: "ink" };
const SHOWN = new Set(["Highlight", "Underline", "StrikeOut", "Squiggly", "Text", "FreeText", "Ink", "Square", "Circle", "Line", "Polygon", "PolyLine"]);

export async function listPdfAnnotations(viewer, section) {
  if (!section) { return; }
  const list = document.createElement("ol");
  for (let number = 1; number <= viewer.doc.numPages; number += 1) {
    const page = await viewer.doc.getPage(number);
    const annotations = await page.getAnnotations({ intent: "display" });
    for (const annotation of annotations) {
      if (!SHOWN.has(annotation.subtype)) { continue; }
      list.append(item(viewer, number, annotation));
    }
    page.cleanup();
  }
  if (list.childElementCount) {
    section.append(list);
  } else {
    const none = document.createElement("p");
    none.textContent = viewer.text("pdf_annotations_none");
    section.append(none);
  }
  section.hidden = false;
}

function item(viewer, number, annotation) {
  const li = document.createElement("li");
  const head = document.createElement("p");
  const kind = KINDS[annotation.subtype] || "other";
  const title = annotation.titleObj && annotation.titleObj.str;
  head.textContent = `${viewer.text("page", { page: number })} · ${viewer.text(`kind_${kind}`)}`
    + (title ? ` ${viewer.text("by", { name: title })}` : "");
  const go = document.createElement("button");
  go.type = "button";
  go.className = "pdf-button";
  go.textContent = viewer.text("go_to");
  go.setAttribute("aria-label", viewer.text("go_to_page", { page: number }));
  go.addEventListener("click", () => viewer.goTo(number, true));
  head.append(" ", go);
  li.append(head);
  const contents = annotation.contentsObj && annotation.contentsObj.str;
  if (contents) {
    const quote = document.createElement("blockquote");
    quote.textContent = contents;
    li.append(quote);
  }
  return li;
}
