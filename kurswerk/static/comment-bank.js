// The comment bank's keyboard insertion (feedback/comment_bank): a WAI-ARIA 1.2
// combobox ("list" autocomplete, the listbox popup) that finds the course's snippets
// while the tutor types and inserts the chosen one at the caret of a textarea.
//
// Any <textarea data-comment-bank="SEARCH_URL" data-comment-bank-csrf="TOKEN"> gets it:
// the URL is the route comment_bank_search with the exercise and industry (and the page
// token) already in its query; this script only adds "q". Open it with "//" typed at the
// start of a word (the two slashes are replaced by the snippet), Alt+K, or the button
// "Textbaustein einfügen"; type to filter; ArrowUp/ArrowDown choose; Enter inserts;
// Escape closes and returns to the text where it was. Each insertion posts once to the
// snippet's use URL (its use count; CSRF token in the X-CSRF-Token header).
//
// Other editors on the page (the annotation notes) call
//   window.KurswerkCommentBank.attach(textarea[, {url, csrf}])
// and get the same (null where the page has no comment bank); without options, a
// textarea without the attributes takes those of the page's feedback text. A script that
// may run before this module waits for the document event "kurswerk:comment-bank-ready".
// The translated parts come from <template id="kw-comment-bank-ui">
// (feedback/templates/feedback/comment_bank/_review.html); without it nothing is attached.
// A file, not an inline script: the CSP allows only 'self' scripts. Without JavaScript
// the review page links to the bank page, whose snippets can be copied.

const DEBOUNCE_MS = 120;
const controllers = new WeakMap();
let serial = 0;

function fill(text, values) {
  return text.replace(/%\((\w+)\)s/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

function announce(text) {
  const region = document.getElementById("kw-comment-bank-status");
  if (!region) return;
  // A change of text is what a live region reports: clear first, so the same message
  // twice in a row is read twice.
  region.textContent = "";
  window.setTimeout(() => { region.textContent = text; }, 30);
}

function defaults() {
  const first = document.querySelector("textarea[data-comment-bank]");
  return first ? optionsOf(first) : {};
}

function optionsOf(textarea) {
  return {
    url: textarea.getAttribute("data-comment-bank") || "",
    csrf: textarea.getAttribute("data-comment-bank-csrf") || "",
  };
}

class Picker {
  constructor(textarea, options, ui) {
    this.textarea = textarea;
    this.url = options.url;
    this.csrf = options.csrf;
    this.messages = ui.dataset;
    this.results = [];
    this.active = -1;
    this.range = null;
    this.timer = 0;
    this.pending = null;
    this.inserting = false;
    this.build(ui);
    this.listen();
  }

  build(ui) {
    const id = `kw-comment-bank-${++serial}`;
    const parts = ui.content.cloneNode(true);
    this.panel = parts.querySelector(".comment-bank-picker");
    this.button = parts.querySelector("[data-part=button]");
    this.input = parts.querySelector("[data-part=input]");
    this.listbox = parts.querySelector("[data-part=listbox]");
    const label = parts.querySelector("[data-part=label]");
    const hint = parts.querySelector("[data-part=hint]");
    this.panel.id = `${id}-panel`;
    this.input.id = `${id}-input`;
    this.listbox.id = `${id}-list`;
    hint.id = `${id}-hint`;
    label.htmlFor = this.input.id;
    this.input.setAttribute("aria-controls", this.listbox.id);
    this.input.setAttribute("aria-describedby", hint.id);
    this.button.setAttribute("aria-controls", this.panel.id);
    this.optionPrefix = `${id}-option-`;
    const box = document.createElement("div");
    box.className = "comment-bank";
    box.append(this.button, this.panel);
    this.textarea.insertAdjacentElement("afterend", box);
    this.box = box;
  }

  listen() {
    this.textarea.addEventListener("keydown", (event) => {
      if (event.altKey && !event.ctrlKey && !event.metaKey && event.code === "KeyK") {
        event.preventDefault();
        this.open(null);
      }
    });
    this.textarea.addEventListener("input", () => this.maybeTrigger());
    this.button.addEventListener("click", () => (this.isOpen() ? this.close(true) : this.open(null)));
    this.input.addEventListener("input", () => this.schedule());
    this.input.addEventListener("keydown", (event) => this.onKey(event));
    this.listbox.addEventListener("mousedown", (event) => event.preventDefault()); // keep focus
    this.listbox.addEventListener("click", (event) => {
      const option = event.target.closest("[role=option]");
      if (option) this.insert(Number(option.dataset.index));
    });
    this.box.addEventListener("focusout", (event) => {
      if (this.isOpen() && !this.box.contains(event.relatedTarget)) this.close(false);
    });
  }

  isOpen() {
    return !this.panel.hidden;
  }

  // "//" typed at the start of a word (after a space, a line break or at the very start).
  maybeTrigger() {
    if (this.inserting) return;
    const { value, selectionStart: end, selectionEnd } = this.textarea;
    if (end !== selectionEnd || end < 2 || value.slice(end - 2, end) !== "//") return;
    const before = end > 2 ? value[end - 3] : "";
    if (before && !/\s/.test(before)) return;
    this.open({ start: end - 2, end });
  }

  open(trigger) {
    const { selectionStart, selectionEnd } = this.textarea;
    this.range = trigger || { start: selectionStart, end: selectionEnd };
    this.panel.hidden = false;
    this.button.setAttribute("aria-expanded", "true");
    this.input.value = "";
    this.input.focus();
    this.search();
  }

  close(refocus) {
    if (!this.isOpen()) return;
    if (this.pending) this.pending.abort();
    window.clearTimeout(this.timer);
    this.panel.hidden = true;
    this.button.setAttribute("aria-expanded", "false");
    this.show([], false);
    if (refocus) {
      this.textarea.focus();
      if (this.range) this.textarea.setSelectionRange(this.range.end, this.range.end);
    }
  }

  schedule() {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => this.search(), DEBOUNCE_MS);
  }

  search() {
    if (this.pending) this.pending.abort();
    const pending = new AbortController();
    this.pending = pending;
    const url = new URL(this.url, window.location.href);
    url.searchParams.set("q", this.input.value.trim().slice(0, 100));
    fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: pending.signal,
    })
      .then((response) => {
        if (!response.ok) throw new Error(`comment bank: ${response.status}`);
        return response.json();
      })
      .then((data) => {
        if (this.pending !== pending || !this.isOpen()) return;
        this.show(data.results || [], Boolean(data.more));
      })
      .catch((error) => {
        if (error.name !== "AbortError") announce(this.messages.failed);
      });
  }

  show(results, more) {
    this.results = results;
    this.listbox.replaceChildren(
      ...results.map((item, index) => {
        const option = document.createElement("li");
        option.id = this.optionPrefix + index;
        option.className = "comment-bank-option";
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.dataset.index = String(index);
        const title = document.createElement("span");
        title.className = "comment-bank-option__title";
        title.textContent = item.title;
        option.append(title);
        if (item.industry) {
          const meta = document.createElement("span");
          meta.className = "comment-bank-option__meta";
          meta.textContent = item.industry;
          option.append(meta);
        }
        const excerpt = document.createElement("span");
        excerpt.className = "comment-bank-option__excerpt";
        excerpt.textContent = item.excerpt;
        option.append(excerpt);
        return option;
      }),
    );
    const expanded = results.length > 0 && this.isOpen();
    this.listbox.hidden = !expanded;
    this.input.setAttribute("aria-expanded", String(expanded));
    this.select(results.length ? 0 : -1);
    if (!this.isOpen()) return;
    if (!results.length) announce(this.messages.none);
    else if (more) announce(fill(this.messages.foundMore, { num: results.length }));
    else if (results.length === 1) announce(this.messages.foundOne);
    else announce(fill(this.messages.foundMany, { num: results.length }));
  }

  select(index) {
    const options = this.listbox.querySelectorAll("[role=option]");
    options.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
    this.active = index;
    if (index >= 0) {
      this.input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  }

  onKey(event) {
    const count = this.results.length;
    if (event.key === "ArrowDown" && count) {
      event.preventDefault();
      this.select((this.active + 1) % count);
    } else if (event.key === "ArrowUp" && count) {
      event.preventDefault();
      this.select((this.active - 1 + count) % count);
    } else if (event.key === "Enter") {
      event.preventDefault(); // never submit the feedback form from here
      if (this.active >= 0) this.insert(this.active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      this.close(true);
    }
  }

  insert(index) {
    const item = this.results[index];
    if (!item || !this.range) return;
    const { start, end } = this.range;
    this.panel.hidden = true; // before the focus moves back: no focusout bookkeeping
    this.button.setAttribute("aria-expanded", "false");
    this.show([], false);
    this.textarea.focus();
    this.textarea.setSelectionRange(start, end);
    this.inserting = true;
    let done = false;
    try {
      // Through the editing commands: the insertion is one step of the browser's undo.
      done = document.execCommand("insertText", false, item.body);
    } catch (error) {
      done = false;
    }
    if (!done || this.textarea.value.slice(start, start + item.body.length) !== item.body) {
      this.textarea.setRangeText(item.body, start, end, "end");
      this.textarea.dispatchEvent(new Event("input", { bubbles: true }));
    }
    this.inserting = false;
    const caret = start + item.body.length;
    this.textarea.setSelectionRange(caret, caret);
    this.range = { start: caret, end: caret };
    announce(fill(this.messages.inserted, { title: item.title }));
    this.count(item);
  }

  count(item) {
    if (!item.use_url) return;
    fetch(item.use_url, {
      method: "POST",
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRF-Token": this.csrf },
    }).catch(() => { /* the count is a hint; the text is inserted either way */ });
  }
}

export function attach(textarea, options) {
  if (!(textarea instanceof HTMLTextAreaElement)) return null;
  if (controllers.has(textarea)) return controllers.get(textarea);
  const ui = document.getElementById("kw-comment-bank-ui");
  const own = textarea.hasAttribute("data-comment-bank") ? optionsOf(textarea) : defaults();
  const settings = { ...own, ...(options || {}) };
  if (!ui || !settings.url || !window.fetch) return null;
  const picker = new Picker(textarea, settings, ui);
  controllers.set(textarea, picker);
  document.querySelectorAll("[data-comment-bank-keys]").forEach((hint) => { hint.hidden = false; });
  return picker;
}

window.KurswerkCommentBank = { attach };
document.querySelectorAll("textarea[data-comment-bank]").forEach((textarea) => attach(textarea));
// For editors whose script ran first (modules run in order, but a classic script may not wait).
document.dispatchEvent(new CustomEvent("kurswerk:comment-bank-ready"));
