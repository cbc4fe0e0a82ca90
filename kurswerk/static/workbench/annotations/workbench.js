// The tutor's annotations on the PDF: loaded from and saved to the workbench's API
// (feedback_annotations / feedback_annotations_save), drawn on each page as it loads,
// edited with the tools of the toolbar (when the tutor holds the claim and the feedback
// is not released), listed by page below the viewer. Read-only for everyone else.
import { AnnotationList } from "./list.js";
import { Autosave } from "./save.js";
import { boxOf, draw, noteRect } from "./draw.js";
import { closeEditor, openEditor } from "./editor.js";
import { selectedText } from "./selection.js";
import { Pointer } from "./tools.js";
import { Store, newId } from "./store.js";
import { moveAlong } from "../viewer.js";

const TOOL_KEYS = { v: "select", h: "highlight", t: "note", f: "freetext", d: "ink" };
const TEXT_BOX = [0.3, 0.06]; // a text box placed by a click: fractions of the page

export class Workbench {
  constructor(viewer, config) {
    this.viewer = viewer;
    this.config = config;
    this.labels = viewer.labels;
    this.root = viewer.root;
    this.editable = Boolean(config.editable);
    this.tool = "select";
    this.colors = { highlight: "#ffd400", note: "#ffd400", freetext: "#c00000", ink: "#c00000" };
    this.store = new Store();
    this.selected = null;
    this.section = this.root.querySelector("[data-annotations]");
    this.toolbar = this.root.querySelector("[data-tools]");
  }

  async start() {
    this.section.hidden = false;
    this.list = new AnnotationList(this, this.section.querySelector("[data-annotation-list]"));
    this.store.on((change) => this.changed(change));
    this.viewer.on((what, view) => { if (what === "page") { this.drawPage(view); } });
    if (!(await this.load())) { return; }
    if (this.editable) { this.startEditing(); }
  }

  async load() {
    const set = await this.fetchSet();
    if (!set) {
      this.viewer.say(this.labels.load_failed);
      this.editable = false;
      return false;
    }
    this.store.replaceAll(set.annotations || [], set.revision || 0);
    this.root.dataset.annotations = "loaded";
    return true;
  }

  // The set as the server has it now, or null.
  async fetchSet() {
    try {
      const response = await fetch(this.config.url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) { throw new Error(`annotations: ${response.status}`); }
      return await response.json();
    } catch (error) {
      return null;
    }
  }

  startEditing() {
    this.toolbar.hidden = false;
    this.root.dataset.tool = this.tool;
    this.saver = new Autosave({
      store: this.store,
      config: this.config,
      labels: this.labels,
      status: this.toolbar.querySelector("[data-save-status]"),
      retry: this.toolbar.querySelector("[data-save-retry]"),
      onConflict: () => this.conflict(),
      onRefused: () => this.readOnly(),
    });
    new Pointer(this);
    this.toolbar.addEventListener("click", (event) => {
      const button = event.target.closest("button");
      if (!button) { return; }
      if (button.dataset.tool) { this.choose(button.dataset.tool); }
      if (button.dataset.command) { this.command(button.dataset.command); }
    });
    this.toolbar.addEventListener("keydown", (event) => moveAlong(this.toolbar, event));
    this.root.addEventListener("keydown", (event) => this.keys(event));
    this.root.addEventListener("focusin", (event) => this.focused(event));
    this.viewer.container.addEventListener("click", (event) => this.clicked(event));
    this.buttons();
  }

  readOnly() {
    this.editable = false;
    this.toolbar.hidden = true;
    this.root.dataset.tool = "select";
    closeEditor();
    this.list.render();
  }

  // Another tab or tutor saved the set since this tab's revision: nothing of this tab's
  // is dropped. Its changes go on top of the server's set (Store.rebase), the status
  // says so, and the merged set is saved with the server's revision.
  async conflict() {
    const set = await this.fetchSet();
    if (!set) {
      this.saver.show(this.labels.failed, "error");
      return;
    }
    this.store.rebase(set.annotations || [], set.revision || 0);
    if (this.selected && !this.store.get(this.selected)) { this.selected = null; }
    this.buttons();
    this.saver.notice = this.labels.conflict;
    await this.saver.flush();
  }

  // --- store -> pages, list, buttons, autosave -------------------------------------

  changed(change) {
    if (change.kind === "reset") {
      for (const view of this.viewer.pages) { this.drawPage(view); }
    } else {
      const view = this.viewer.pages[change.item.page - 1];
      const old = view.overlay.querySelector(`[data-annotation="${change.item.id}"]`);
      if (old) { old.remove(); }
      if (change.kind !== "remove" && view.vp1) { view.overlay.append(this.element(view, change.item)); }
      if (change.kind === "remove" && this.selected === change.item.id) { this.selected = null; }
      if (this.saver) { this.saver.changed(); }
    }
    this.list.render();
    this.buttons();
  }

  drawPage(view) {
    if (!view.vp1) { return; }
    for (const old of view.overlay.querySelectorAll("[data-annotation]")) { old.remove(); }
    for (const item of this.store.onPage(view.number)) { view.overlay.append(this.element(view, item)); }
  }

  element(view, item) {
    const element = draw(view, item, this.labels);
    if (item.id === this.selected) { element.classList.add("is-selected"); }
    return element;
  }

  elementOf(id) {
    return this.viewer.container.querySelector(`[data-annotation="${id}"]`);
  }

  buttons() {
    if (!this.editable) { return; }
    this.toolbar.querySelector("[data-command='undo']").disabled = !this.store.done.length;
    this.toolbar.querySelector("[data-command='redo']").disabled = !this.store.undone.length;
    this.toolbar.querySelector("[data-command='delete']").disabled = !this.selected;
  }

  // --- tools and commands ----------------------------------------------------------

  choose(tool) {
    if (tool === "highlight" && this.highlightSelection()) { return; }
    this.tool = tool;
    this.root.dataset.tool = tool;
    for (const button of this.toolbar.querySelectorAll("[data-tool]")) {
      button.setAttribute("aria-pressed", String(button.dataset.tool === tool));
    }
    this.viewer.say(this.labels[`hint_${tool}`] || "");
  }

  command(name) {
    if (name === "undo") { this.store.undo(); }
    if (name === "redo") { this.store.redo(); }
    if (name === "delete" && this.selected) { this.store.remove(this.selected); }
    this.buttons();
  }

  select(id) {
    if (this.selected === id) { return; }
    const old = this.selected && this.elementOf(this.selected);
    if (old) { old.classList.remove("is-selected"); }
    this.selected = id;
    const element = id && this.elementOf(id);
    if (element) { element.classList.add("is-selected"); }
    this.buttons();
  }

  // Highlights from the current text selection; true if there was one.
  highlightSelection() {
    if (!this.editable) { return false; }
    const found = selectedText(this.viewer);
    for (const { view, rects, quote } of found) {
      this.store.add({ id: newId(), type: "highlight", page: view.number, rects, color: this.colors.highlight, text: "", quote });
    }
    if (found.length) {
      window.getSelection().removeAllRanges();
      this.viewer.say(this.labels.highlighted);
    }
    return found.length > 0;
  }

  newNote(view, fx, fy) {
    const at = view.toPdf(fx, fy);
    const item = { id: newId(), type: "note", page: view.number, at, text: "", color: this.colors.note };
    this.edit(view, item, boxOf(view, noteRect(item)), true);
  }

  newFreetext(view, fx, fy, box) {
    const [left, top, right, bottom] = box || [fx, fy, Math.min(1, fx + TEXT_BOX[0]), Math.min(1, fy + TEXT_BOX[1])];
    const [x0, y0] = view.toPdf(left, bottom);
    const [x1, y1] = view.toPdf(right, top);
    const rect = [Math.min(x0, x1), Math.min(y0, y1), Math.max(x0, x1), Math.max(y0, y1)];
    const item = { id: newId(), type: "freetext", page: view.number, rect, text: "", size: 12, color: this.colors.freetext };
    this.edit(view, item, { left, top, right, bottom }, true);
  }

  newInk(view, points) {
    this.store.add({ id: newId(), type: "ink", page: view.number, paths: [points], color: this.colors.ink, width: 2 });
  }

  // A rectangle shown while a text box is dragged open.
  dragBox(view) {
    const box = document.createElement("div");
    box.className = "kw-drag-box";
    view.overlay.append(box);
    return {
      show([ax, ay], [bx, by]) {
        box.style.left = `${Math.min(ax, bx) * 100}%`;
        box.style.top = `${Math.min(ay, by) * 100}%`;
        box.style.width = `${Math.abs(bx - ax) * 100}%`;
        box.style.height = `${Math.abs(by - ay) * 100}%`;
      },
      remove() { box.remove(); },
    };
  }

  // The editor of an annotation's text; a new note or text box is added once it has text.
  edit(view, item, box, isNew = false) {
    const titles = { note: "edit_note", freetext: "edit_freetext", highlight: "edit_highlight" };
    const returnFocus = isNew ? this.viewer.container : this.elementOf(item.id);
    openEditor({
      view,
      box,
      title: this.labels[titles[item.type]],
      text: item.text,
      readOnly: !this.editable,
      labels: this.labels,
      returnFocus,
      onDone: (text) => {
        if (isNew) {
          if (text) { this.store.add({ ...item, text }); this.select(item.id); }
        } else if (item.type !== "highlight" && !text) {
          this.store.remove(item.id);
        } else {
          this.store.update(item.id, { text });
        }
      },
      onDelete: isNew ? null : () => this.store.remove(item.id),
    });
  }

  open(id) {
    const item = this.store.get(id);
    if (!item || item.type === "ink") { return; }
    const view = this.viewer.pages[item.page - 1];
    const element = this.elementOf(id);
    if (!element) { return; }
    this.edit(view, item, boxOf(view, item.type === "note" ? noteRect(item) : item.rect || item.rects[0]));
  }

  // "Zeigen" in the list: scroll to the page, then focus the annotation when it is drawn.
  async show(id) {
    const item = this.store.get(id);
    if (!item) { return; }
    const view = this.viewer.goTo(item.page);
    await view.load();
    const element = this.elementOf(id);
    if (element) {
      element.scrollIntoView({ block: "center" });
      element.focus({ preventScroll: true });
      this.select(id);
    }
  }

  // --- events ----------------------------------------------------------------------

  clicked(event) {
    const element = event.target.closest("[data-annotation]");
    if (event.target.closest(".kw-editor")) { return; }
    if (!element) {
      if (this.tool === "select") { this.select(null); }
      return;
    }
    const id = element.dataset.annotation;
    const item = this.store.get(id);
    this.select(id);
    if (!this.editable || (item && item.type === "note") || event.detail >= 2) { this.open(id); }
  }

  focused(event) {
    const element = event.target.closest && event.target.closest("[data-annotation]");
    if (element) { this.select(element.dataset.annotation); }
  }

  keys(event) {
    if (event.target.closest("input, textarea, select, .kw-editor")) { return; }
    const key = event.key.toLowerCase();
    const ctrl = event.ctrlKey || event.metaKey;
    if (ctrl && (key === "z" || key === "y")) {
      event.preventDefault();
      this.command(key === "y" || event.shiftKey ? "redo" : "undo");
      return;
    }
    if (ctrl || event.altKey) { return; }
    const annotation = event.target.closest("[data-annotation]");
    if (annotation && (event.key === "Delete" || event.key === "Backspace")) {
      event.preventDefault();
      this.store.remove(annotation.dataset.annotation);
      this.viewer.container.focus();
    } else if (annotation && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      this.open(annotation.dataset.annotation);
    } else if (TOOL_KEYS[key] && event.target.closest("[data-pages], [data-tools]")) {
      event.preventDefault();
      this.choose(TOOL_KEYS[key]);
    } else if (event.key === "Enter" && event.target === this.viewer.container) {
      this.placeByKeyboard(event);
    }
  }

  // Enter in the pages with the note or text box tool: place it at the top of the
  // visible part of the current page.
  placeByKeyboard(event) {
    if (this.tool !== "note" && this.tool !== "freetext") { return; }
    event.preventDefault();
    const view = this.viewer.pages[this.viewer.current - 1];
    if (!view.vp1) { return; }
    const top = Math.max(0, (this.viewer.container.scrollTop - view.div.offsetTop) / view.div.offsetHeight);
    const fy = Math.min(0.9, top + 0.05);
    if (this.tool === "note") { this.newNote(view, 0.08, fy); } else { this.newFreetext(view, 0.08, fy, null); }
  }
}
