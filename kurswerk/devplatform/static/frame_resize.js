// The tool frame follows the tool's "lti.frameResize" messages, as Canvas does (its
// window.postMessage API for tools): {subject: "lti.frameResize", height: <px>}, an object
// or the same as a JSON string. Honoured only from the tool frame's own window and the
// tool's origin; any other sender is ignored. The height is clamped: never below Canvas's
// smallest tool height (450 px), never above MAX_HEIGHT; a height that is no number sets
// the smallest. Canvas answers "lti.frameResize.response"; so does this.
(function () {
  "use strict";
  var MIN_HEIGHT = 450;
  var MAX_HEIGHT = 100000;
  var frame = document.getElementById("contentframe");
  if (!frame || !frame.dataset.toolOrigin) {
    return;
  }

  function parsed(data) {
    if (typeof data === "string") {
      try {
        return JSON.parse(data);
      } catch (error) {
        return null;
      }
    }
    return data;
  }

  function clamped(value) {
    var height = Number(value);
    if (typeof value === "boolean" || !isFinite(height)) {
      return MIN_HEIGHT;
    }
    return Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, Math.ceil(height)));
  }

  window.addEventListener("message", function (event) {
    if (event.source !== frame.contentWindow || event.origin !== frame.dataset.toolOrigin) {
      return;
    }
    var message = parsed(event.data);
    if (!message || typeof message !== "object" || message.subject !== "lti.frameResize") {
      return;
    }
    // The frame's borders are not the tool's: its viewport gets the height asked for.
    var borders = frame.offsetHeight - frame.clientHeight;
    frame.style.height = clamped(message.height) + borders + "px";
    frame.dataset.resized = String(Number(frame.dataset.resized || 0) + 1);
    var response = { subject: "lti.frameResize.response" };
    if (message.message_id) {
      response.message_id = message.message_id;
    }
    event.source.postMessage(response, event.origin);
  });
})();
