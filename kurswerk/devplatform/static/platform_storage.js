// Canvas-like platform storage (1EdTech LTI Client Side postMessages, Platform Storage):
// this hidden frame of the course page answers lti.capabilities, lti.put_data and
// lti.get_data from any window, keeping each origin's data apart, for as long as the
// course page lives (Canvas keeps it in the page too).
(function () {
  var store = {};
  var SUBJECTS = ["lti.capabilities", "lti.put_data", "lti.get_data"];

  function answer(event, body) {
    event.source.postMessage(body, event.origin);
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || typeof data !== "object" || SUBJECTS.indexOf(data.subject) < 0) {
      return;
    }
    var response = { subject: data.subject + ".response", message_id: data.message_id };
    if (data.subject === "lti.capabilities") {
      response.supported_messages = [
        { subject: "lti.capabilities" },
        { subject: "lti.put_data", frame: window.name },
        { subject: "lti.get_data", frame: window.name }
      ];
      answer(event, response);
      return;
    }
    if (typeof data.key !== "string" || !data.key) {
      response.error = { code: "bad_request", message: "key missing" };
      answer(event, response);
      return;
    }
    var mine = store[event.origin] || (store[event.origin] = {});
    response.key = data.key;
    if (data.subject === "lti.put_data") {
      mine[data.key] = String(data.value);
      response.value = mine[data.key];
    } else if (Object.prototype.hasOwnProperty.call(mine, data.key)) {
      response.value = mine[data.key];
    } else {
      response.value = null;
    }
    answer(event, response);
  });
})();
