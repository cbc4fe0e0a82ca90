// Saving the set as the tutor works: a PUT a moment after the last change, at once when
// the page loses the focus or is hidden; the status says where it stands (a polite live
// region). A save based on a revision that is no longer the server's (another tab or
// tutor saved in between) is refused with 409: ``onConflict`` merges this tab's changes
// into the server's set and saves again (Workbench.conflict), ``notice`` then heads the
// status until the next change.
const DELAY_MS = 1200;
const RETRY_MS = 15000;
const KEEPALIVE_LIMIT = 60000; // bytes a keepalive request may carry (browsers allow 64 KiB)

export class Autosave {
  constructor({ store, config, labels, status, retry, onConflict, onRefused }) {
    this.store = store;
    this.config = config;
    this.labels = labels;
    this.status = status;
    this.retryButton = retry;
    this.onConflict = onConflict;
    this.onRefused = onRefused;
    this.savedSeq = store.seq;
    this.timer = 0;
    this.saving = null;
    this.stopped = false;
    this.notice = "";
    retry.addEventListener("click", () => this.flush());
    window.addEventListener("blur", () => this.flush());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") { this.flush(true); }
    });
    window.addEventListener("pagehide", () => this.flush(true));
    window.addEventListener("beforeunload", (event) => {
      if (this.dirty) { event.preventDefault(); event.returnValue = ""; }
    });
  }

  get dirty() { return !this.stopped && this.store.seq !== this.savedSeq; }

  changed() {
    if (this.stopped) { return; }
    this.notice = "";
    this.show(this.labels.unsaved, "pending");
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), DELAY_MS);
  }

  show(text, state) {
    this.status.textContent = text;
    this.status.dataset.state = state;
    this.retryButton.hidden = state !== "error";
  }

  async flush(leaving = false) {
    clearTimeout(this.timer);
    if (!this.dirty) { return; }
    if (this.saving) { this.again = true; return; }
    const seq = this.store.seq;
    const base = this.store.revision;
    const items = this.store.list();
    const body = JSON.stringify({ revision: base, annotations: items });
    this.show(this.labels.saving, "saving");
    this.saving = fetch(this.config.save, {
      method: "PUT",
      credentials: "same-origin",
      keepalive: leaving && body.length < KEEPALIVE_LIMIT,
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": this.config.csrf },
      body,
    });
    let response = null;
    let answer = {};
    try {
      response = await this.saving;
      answer = await response.json().catch(() => ({}));
    } catch (error) {
      response = null;
    } finally {
      this.saving = null;
    }
    if (response && response.ok) {
      this.store.synced(items, answer.revision);
      this.savedSeq = seq;
      const saved = this.labels.saved.replace("{time}", clock(answer.saved_at));
      this.show(this.notice ? `${this.notice} ${saved}` : saved, "saved");
    } else if (response && response.status === 409 && Number.isInteger(answer.revision) && answer.revision !== base) {
      await this.onConflict();
      return;
    } else if (response && [403, 409, 404].includes(response.status)) {
      this.stop(this.labels.refused + (answer.message ? ` ${answer.message}` : ""));
      this.onRefused();
      return;
    } else if (response && [400, 413, 415, 422].includes(response.status)) {
      this.show(`${this.labels.invalid}${answer.message ? ` ${answer.message}` : ""}`, "error");
      return;
    } else {
      this.show(this.labels.failed, "error");
      this.timer = setTimeout(() => this.flush(), RETRY_MS);
      return;
    }
    if (this.again || this.dirty) {
      this.again = false;
      this.changed();
    }
  }

  stop(message) {
    this.stopped = true;
    clearTimeout(this.timer);
    this.show(message, "error");
    this.retryButton.hidden = true;
  }
}

// The time of a save (``iso``, else now) as hours and minutes in the page's language.
export function clock(iso) {
  const when = iso ? new Date(iso) : new Date();
  const lang = document.documentElement.lang || "de";
  return new Intl.DateTimeFormat(lang, { hour: "2-digit", minute: "2-digit" }).format(when);
}
