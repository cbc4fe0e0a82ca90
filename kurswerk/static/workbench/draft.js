// The feedback text's autosave: progressive enhancement of the review page's draft form
// (feedback/review_submission.html, feedback/routes/draft.py). The text is sent through
// the form's own save, revision check included, 2 s after typing stops and when the page
// is hidden or left (a keepalive request); a polite status says where it stands, and
// leaving the page warns while a change is unsaved. When another tab saved another text
// in between (409), that text is shown beside the tutor's, and nothing more is saved
// automatically: the tutor merges the two and saves with the button. Without JavaScript
// the form's buttons do the same.
import { clock } from "./annotations/save.js";

const DELAY_MS = 2000;
const RETRY_MS = 15000;
const KEEPALIVE_LIMIT = 60000; // bytes a keepalive request may carry (browsers allow 64 KiB)

class DraftAutosave {
  constructor(form) {
    this.form = form;
    this.textarea = form.querySelector("textarea[name='body']");
    this.revision = form.querySelector("[data-draft-revision]");
    this.status = form.querySelector("[data-draft-status]");
    this.conflictBox = form.querySelector("[data-draft-conflict]");
    this.labels = this.status.dataset;
    // A page shown again after a refusal holds text that is not the saved one.
    this.saved = this.textarea.hasAttribute("data-draft-unsaved") ? null : this.textarea.value;
    this.paused = !this.conflictBox.hidden; // until the tutor saves the merged text
    this.savedStatus = "";
    this.timer = 0;
    this.saving = null;
    this.again = false;
    this.submitting = false;
    this.textarea.addEventListener("input", () => this.changed());
    form.addEventListener("submit", (event) => this.submit(event));
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "hidden") { this.flush(true); }
    });
    window.addEventListener("pagehide", () => this.flush(true));
    window.addEventListener("pageshow", () => { this.submitting = false; });
    window.addEventListener("beforeunload", (event) => {
      if (this.dirty && !this.submitting) { event.preventDefault(); event.returnValue = ""; }
    });
  }

  get dirty() { return this.textarea.value !== this.saved; }

  show(text, state) {
    if (this.status.textContent !== text) { this.status.textContent = text; }
    this.status.dataset.state = state;
  }

  changed() {
    clearTimeout(this.timer);
    if (this.paused) { return; }
    if (!this.dirty) {
      this.show(this.savedStatus, "saved");
      return;
    }
    this.show(this.labels.pending, "pending");
    this.timer = setTimeout(() => this.flush(), DELAY_MS);
  }

  async flush(leaving = false) {
    clearTimeout(this.timer);
    if (!this.dirty || this.paused || this.submitting) { return; }
    if (this.saving) { this.again = true; return; }
    this.saving = this.send(leaving);
    try {
      await this.saving;
    } finally {
      this.saving = null;
    }
    if (this.again) {
      this.again = false;
      if (this.dirty) { this.changed(); }
    }
  }

  async send(leaving) {
    const text = this.textarea.value;
    const body = new URLSearchParams(new FormData(this.form)).toString();
    let response = null;
    let answer = {};
    try {
      // The attribute: ``form.action`` is the button named "action".
      response = await fetch(this.form.getAttribute("action"), {
        method: "POST",
        credentials: "same-origin",
        keepalive: leaving && body.length < KEEPALIVE_LIMIT,
        headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
        body,
      });
      answer = await response.json().catch(() => ({}));
    } catch (error) {
      response = null;
    }
    if (response && response.ok) {
      this.revision.value = answer.revision;
      this.saved = text;
      this.savedStatus = this.labels.saved.replace("{time}", clock(answer.saved_at));
      this.show(this.savedStatus, "saved");
    } else if (response && response.status === 409 && typeof answer.text === "string") {
      this.conflict(answer);
    } else if (response && response.status < 500) {
      // Refused (no longer the claim's holder, too long, ...): the tutor acts; the next
      // change tries again.
      this.show(answer.message || this.labels.refused, "error");
    } else {
      this.show(this.labels.failed, "error");
      this.timer = setTimeout(() => this.flush(), RETRY_MS);
    }
  }

  // Another text was saved since: show it, keep the tutor's, and let the next save (the
  // button's) build on the saved one.
  conflict(answer) {
    this.paused = true;
    this.revision.value = answer.revision;
    this.conflictBox.querySelector("textarea").value = answer.text;
    this.conflictBox.hidden = false;
    this.show(answer.message, "error");
  }

  // The form's own buttons: wait for a save on its way, so that the form carries the
  // revision it leaves behind.
  async submit(event) {
    clearTimeout(this.timer);
    if (this.saving) {
      event.preventDefault();
      const submitter = event.submitter;
      await this.saving;
      this.form.requestSubmit(submitter);
      return;
    }
    this.submitting = true;
  }
}

const form = document.querySelector("[data-draft-form]");
if (form) { new DraftAutosave(form); }
