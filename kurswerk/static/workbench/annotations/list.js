// The annotations as a list by page: the accessible way to find, open and delete them
// ("Zeigen" scrolls to the annotation and focuses it, "Löschen" deletes, undoable).
import { describe } from "./draw.js";

export class AnnotationList {
  constructor(bench, section) {
    this.bench = bench;
    this.section = section;
    this.list = section.querySelector("[data-annotation-items]");
    this.count = section.querySelector("[data-annotation-count]");
    this.empty = section.querySelector("[data-annotation-empty]");
    this.list.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-list-action]");
      if (!button) { return; }
      const id = button.closest("li").dataset.item;
      if (button.dataset.listAction === "show") { this.bench.show(id); }
      if (button.dataset.listAction === "delete") { this.remove(id); }
    });
  }

  remove(id) {
    const items = Array.from(this.list.querySelectorAll("li"));
    const index = items.findIndex((li) => li.dataset.item === id);
    this.bench.store.remove(id);
    const rest = Array.from(this.list.querySelectorAll("li"));
    const next = rest[Math.min(index, rest.length - 1)];
    const target = next ? next.querySelector("button") : this.section.querySelector("h3");
    if (target) {
      if (!next) { target.tabIndex = -1; }
      target.focus();
    }
  }

  render() {
    const labels = this.bench.labels;
    const items = [...this.bench.store.items].sort((a, b) => a.page - b.page);
    this.count.textContent = String(items.length);
    this.empty.hidden = items.length > 0;
    const fragment = document.createDocumentFragment();
    for (const item of items) {
      const li = document.createElement("li");
      li.dataset.item = item.id;
      const text = document.createElement("span");
      text.textContent = `${this.bench.viewer.text("page", { page: item.page })} · ${describe(item, labels)}`;
      li.append(text, " ");
      li.append(this.button("show", labels.show, labels.show_named, item));
      if (this.bench.editable) {
        li.append(" ", this.button("delete", labels.delete, labels.delete_named, item));
      }
      fragment.append(li);
    }
    this.list.replaceChildren(fragment);
  }

  button(action, text, named, item) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "pdf-button";
    button.dataset.listAction = action;
    button.textContent = text;
    button.setAttribute("aria-label", named.replace("{what}", describe(item, this.bench.labels)).replace("{page}", String(item.page)));
    return button;
  }
}
