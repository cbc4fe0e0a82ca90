// Keyboard shortcuts for the tutors' frequent actions (progressive enhancement).
//
// The page lists its shortcuts in a disclosure (feedback/_shortcuts.html): each row names
// the button or link it presses (data-kw-target, a CSS selector) and its keys
// (data-kw-keys, in the syntax of aria-keyshortcuts: "N", "Control+S Alt+S", "Escape").
// Here the list is shown, rows whose target is not on this page are hidden, and every
// target gets its keys as aria-keyshortcuts. A key presses its target like a click.
//
// Shortcuts without Control/Alt never fire while the focus is in a field (typing "n" in
// the feedback must stay an "n"), and a person may switch them off (WCAG 2.1.4); the
// choice is kept in this browser. Control/Alt combinations (save) work everywhere.

const STORE_KEY = "kurswerk.shortcuts.single-keys";
const EDITABLE = "input, textarea, select, [contenteditable=''], [contenteditable='true']";
const IS_MAC = /Mac|iPhone|iPad/.test(navigator.platform || "");

function parseCombo(text) {
  const parts = text.split("+");
  const key = parts.pop();
  const mods = new Set(parts.map((part) => part.toLowerCase()));
  return {
    text,
    key: key.toLowerCase(),
    control: mods.has("control"),
    alt: mods.has("alt"),
    shift: mods.has("shift"),
    modified: mods.has("control") || mods.has("alt") || mods.has("meta"),
  };
}

function keyMatches(event, combo) {
  if (event.key && event.key.toLowerCase() === combo.key) return true;
  // Alt (Option on a Mac) changes the character a letter types: compare the key itself.
  return combo.key.length === 1 && event.code === "Key" + combo.key.toUpperCase();
}

function matches(event, combo) {
  const control = IS_MAC ? event.ctrlKey || event.metaKey : event.ctrlKey;
  if (control !== combo.control || event.altKey !== combo.alt) return false;
  if (event.shiftKey !== combo.shift) return false;
  if (!IS_MAC && event.metaKey) return false;
  return keyMatches(event, combo);
}

function readChoice() {
  try {
    return window.localStorage.getItem(STORE_KEY) !== "off";
  } catch (error) {
    return true; // storage blocked (an LMS iframe): the default, on
  }
}

function storeChoice(on) {
  try {
    window.localStorage.setItem(STORE_KEY, on ? "on" : "off");
  } catch (error) {
    // storage blocked: the choice holds for this page only
  }
}

function setUp(list) {
  const bindings = [];
  for (const row of list.querySelectorAll("[data-kw-target]")) {
    const target = document.querySelector(row.dataset.kwTarget);
    if (!target) {
      row.hidden = true;
      continue;
    }
    const combos = row.dataset.kwKeys.split(/\s+/).filter(Boolean).map(parseCombo);
    bindings.push({ target, combos });
  }
  if (bindings.length === 0) return;
  list.hidden = false;

  const toggle = list.querySelector("[data-kw-single-keys]");
  const status = list.querySelector("[data-kw-shortcuts-status]");
  let singleKeys = readChoice();

  function announce() {
    for (const { target, combos } of bindings) {
      const active = combos.filter((combo) => singleKeys || combo.modified);
      if (active.length) {
        target.setAttribute("aria-keyshortcuts", active.map((combo) => combo.text).join(" "));
      } else {
        target.removeAttribute("aria-keyshortcuts");
      }
    }
  }

  if (toggle) {
    toggle.checked = singleKeys;
    toggle.addEventListener("change", () => {
      singleKeys = toggle.checked;
      storeChoice(singleKeys);
      announce();
      if (status) status.textContent = singleKeys ? status.dataset.on : status.dataset.off;
    });
  }
  announce();

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.isComposing || event.repeat) return;
    const typing = event.target instanceof Element && event.target.closest(EDITABLE);
    for (const { target, combos } of bindings) {
      for (const combo of combos) {
        if (!matches(event, combo)) continue;
        if (!combo.modified && (!singleKeys || typing)) continue;
        if (target.disabled || !target.isConnected) continue;
        event.preventDefault();
        target.click();
        return;
      }
    }
  });
}

const list = document.querySelector("[data-kw-shortcuts]");
if (list) setUp(list);
