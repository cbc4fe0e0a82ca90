// Similar questions while a learner writes a new forum question (progressive
// enhancement: without JavaScript the "check similar questions" button does the same).
// Fetches an HTML fragment rendered by the tool (titles and excerpts only) and puts it
// into the page's live region. Loaded as a file: the CSP allows only 'self' scripts.
(function () {
  "use strict";
  var form = document.getElementById("kw-new-question");
  if (!form || !window.fetch) { return; }
  var url = form.getAttribute("data-suggest-url");
  var region = document.getElementById("kw-suggestions");
  var title = document.getElementById("kw-title");
  var body = document.getElementById("kw-body");
  if (!url || !region || !title || !body) { return; }
  var timer = null;
  var last = "";
  var pending = null;

  function query() {
    return (title.value + "\n" + body.value.slice(0, 500)).trim();
  }

  function update() {
    var text = query();
    if (text === last || text.length < 3) { return; }
    last = text;
    if (pending) { pending.abort(); }
    pending = new AbortController();
    var separator = url.indexOf("?") === -1 ? "?" : "&";
    fetch(url + separator + "text=" + encodeURIComponent(text), {
      credentials: "same-origin",
      headers: { "Accept": "text/html" },
      signal: pending.signal
    }).then(function (response) {
      if (!response.ok) { throw new Error("suggestions: " + response.status); }
      return response.text();
    }).then(function (html) {
      var template = document.createElement("template");
      template.innerHTML = html;
      region.replaceChildren(template.content);
      region.setAttribute("data-state", "loaded");
    }).catch(function (error) {
      // Keep the form usable (the button still works); a failed request (not one replaced
      // by a newer one) is tried again on the next keystroke instead of being remembered.
      if (!error || error.name !== "AbortError") { last = ""; }
    });
  }

  function schedule() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(update, 350);
  }

  title.addEventListener("input", schedule);
  body.addEventListener("input", schedule);
}());
