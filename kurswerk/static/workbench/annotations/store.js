// The annotation set being edited: the list, the server revision it is based on (and
// ``base``, the set as the server had it then), and the history for undo/redo. Every
// change is a command that knows its inverse; each change counts up ``seq`` (the
// autosave compares it with what it last saved).

export class Store {
  constructor() {
    this.items = [];
    this.revision = 0;
    this.base = [];
    this.seq = 0;
    this.done = [];
    this.undone = [];
    this.listeners = new Set();
  }

  on(listener) { this.listeners.add(listener); }

  emit(change) {
    for (const listener of this.listeners) { listener(change); }
  }

  get(id) { return this.items.find((item) => item.id === id) || null; }

  onPage(number) { return this.items.filter((item) => item.page === number); }

  list() { return this.items.map((item) => ({ ...item })); }

  // The set as the server has it (the first load): no history to undo.
  replaceAll(items, revision) {
    this.items = items.map((item) => ({ ...item }));
    this.synced(items, revision);
    this.done = [];
    this.undone = [];
    this.emit({ kind: "reset" });
  }

  // The server holds ``items`` as ``revision`` now (loaded, or saved by us).
  synced(items, revision) {
    this.base = items.map((item) => ({ ...item }));
    this.revision = revision;
  }

  // After a conflict: the server's set (``items``, ``revision``: another tab or tutor
  // saved it) with this tab's changes since ``base`` applied on top (mergeSets). The
  // result is a change to save. The history stays: its commands name items by id, so
  // undo still takes back this tab's own changes; one whose item the other side deleted
  // meanwhile does nothing (``run``).
  rebase(items, revision) {
    this.items = mergeSets(this.base, this.items, items);
    this.synced(items, revision);
    this.seq += 1;
    this.emit({ kind: "reset" });
  }

  add(item) { this.apply({ kind: "add", item: { ...item } }); }

  remove(id) {
    const index = this.items.findIndex((item) => item.id === id);
    if (index >= 0) { this.apply({ kind: "remove", item: this.items[index], index }); }
  }

  update(id, changes) {
    const item = this.get(id);
    if (!item) { return; }
    const before = {};
    for (const key of Object.keys(changes)) { before[key] = item[key]; }
    if (Object.keys(changes).every((key) => changes[key] === item[key])) { return; }
    this.apply({ kind: "update", id, before, after: { ...changes } });
  }

  apply(command, fromHistory = false) {
    this.run(command);
    this.done.push(command);
    if (!fromHistory) { this.undone = []; }
  }

  run(command) {
    if (command.kind === "add") {
      if (this.get(command.item.id)) { return; } // there already (merged from elsewhere)
      this.items.splice(command.index ?? this.items.length, 0, command.item);
      this.emit({ kind: "add", item: command.item });
    } else if (command.kind === "remove") {
      this.items = this.items.filter((item) => item.id !== command.item.id);
      this.emit({ kind: "remove", item: command.item });
    } else if (command.kind === "update") {
      const item = this.get(command.id);
      if (!item) { return; } // deleted by the other side of a merge
      Object.assign(item, command.after);
      this.emit({ kind: "update", item });
    }
    this.seq += 1;
  }

  inverse(command) {
    if (command.kind === "add") { return { kind: "remove", item: command.item }; }
    if (command.kind === "remove") { return { kind: "add", item: command.item, index: command.index }; }
    return { kind: "update", id: command.id, before: command.after, after: command.before };
  }

  undo() {
    const command = this.done.pop();
    if (!command) { return null; }
    this.run(this.inverse(command));
    this.undone.push(command);
    return command;
  }

  redo() {
    const command = this.undone.pop();
    if (!command) { return null; }
    this.apply(command, true);
    return command;
  }
}

// Three-way merge by id, deterministic: the server's set, less what this tab deleted
// (in ``base``, not in ``local``), with what this tab added or changed (in ``local``, not
// in ``base`` as it is there) in place of the server's item of that id or, if new,
// appended in this tab's order. An item both sides changed keeps this tab's version.
export function mergeSets(base, local, server) {
  const before = new Map(base.map((item) => [item.id, JSON.stringify(item)]));
  const kept = new Set(local.map((item) => item.id));
  const deleted = new Set(base.map((item) => item.id).filter((id) => !kept.has(id)));
  const mine = new Map(
    local.filter((item) => before.get(item.id) !== JSON.stringify(item)).map((item) => [item.id, item]),
  );
  const merged = [];
  for (const item of server) {
    if (deleted.has(item.id)) { continue; }
    merged.push({ ...(mine.get(item.id) || item) });
    mine.delete(item.id);
  }
  for (const item of mine.values()) { merged.push({ ...item }); }
  return merged;
}

export function newId() {
  const bytes = new Uint8Array(8);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
