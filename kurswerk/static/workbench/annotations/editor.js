// The small editor of a note's, a text box's or a highlight's text: opens beside the
// annotation on its page, takes the focus, Esc cancels, Ctrl+Enter or "Fertig" keeps.
// The comment bank (another part of the workbench) offers its snippets in the textarea
// through ``window.KurswerkCommentBank.attach`` when it is on the page.

let open = null;

export function closeEditor() {
  if (open) { open.cancel(); }
}

export function openEditor({ view, box, title, text, readOnly, labels, onDone, onDelete, returnFocus }) {
  closeEditor();
  const editor = document.createElement("div");
  editor.className = "kw-editor";
  editor.setAttribute("role", "dialog");
  editor.style.left = `${Math.min(box.left, 0.6) * 100}%`;
  editor.style.top = `${Math.min(box.bottom, 0.85) * 100}%`;
  const id = `kw-editor-${Math.random().toString(36).slice(2)}`;
  const label = document.createElement("label");
  label.htmlFor = id;
  label.id = `${id}-label`;
  editor.setAttribute("aria-labelledby", label.id);
  label.textContent = title;
  const area = document.createElement("textarea");
  area.id = id;
  area.rows = 4;
  area.maxLength = 5000;
  area.value = text || "";
  area.readOnly = Boolean(readOnly);
  const buttons = document.createElement("div");
  buttons.className = "kw-editor__buttons";
  const button = (name, className, action) => {
    const element = document.createElement("button");
    element.type = "button";
    element.className = className;
    element.textContent = name;
    element.addEventListener("click", action);
    buttons.append(element);
    return element;
  };
  const finish = (keep) => {
    editor.remove();
    open = null;
    if (keep && onDone) { onDone(area.value.trim()); }
    if (returnFocus && returnFocus.isConnected) { returnFocus.focus({ preventScroll: true }); }
  };
  if (readOnly) {
    button(labels.close, "pdf-button", () => finish(false));
  } else {
    button(labels.done, "pdf-button pdf-button--primary", () => finish(true));
    button(labels.cancel, "pdf-button", () => finish(false));
    if (onDelete) {
      button(labels.delete, "pdf-button", () => { finish(false); onDelete(); });
    }
  }
  editor.addEventListener("keydown", (event) => {
    event.stopPropagation(); // the viewer's and the tools' keys stay out of the text
    if (event.key === "Escape") { event.preventDefault(); finish(false); }
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && !readOnly) {
      event.preventDefault();
      finish(true);
    }
  });
  editor.addEventListener("pointerdown", (event) => event.stopPropagation());
  editor.append(label, area, buttons);
  view.overlay.append(editor);
  open = { cancel: () => finish(false), element: editor };
  const bank = window.KurswerkCommentBank;
  if (!readOnly && bank && typeof bank.attach === "function") {
    try { bank.attach(area); } catch (error) { /* the editor works without the bank */ }
  }
  area.focus({ preventScroll: true });
  editor.scrollIntoView({ block: "nearest" });
  return editor;
}
