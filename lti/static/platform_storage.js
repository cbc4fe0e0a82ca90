// Platform storage (1EdTech LTI Client Side postMessages): keeps this login's state and
// nonce in the platform's window named by lti_storage_target ("put"), or reads them back
// and posts the launch again ("get"). Messages go to the platform's origin only, and only
// its answers count. Without an answer the page goes on without the storage: to the
// platform ("put"; the state cookie may still work) or to the launch, which then offers a
// new window ("get").
(function () {
  var form = document.getElementById("lti-storage");
  if (!form) {
    return;
  }
  var mode = form.getAttribute("data-mode");
  var origin = form.getAttribute("data-origin");
  var targetName = form.getAttribute("data-target");
  var TIMEOUT_MS = 5000;
  var pending = {};
  var sequence = 0;

  function platformWindow() {
    try {
      if (targetName === "_parent") {
        return window.parent !== window ? window.parent : null;
      }
      return window.parent.frames[targetName] || null;
    } catch (error) {
      return null;
    }
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== origin || !data || typeof data !== "object") {
      return;
    }
    var waiting = pending[data.message_id];
    if (waiting && data.subject === waiting.subject + ".response") {
      delete pending[data.message_id];
      clearTimeout(waiting.timer);
      waiting.done(data.error ? null : data);
    }
  });

  function ask(target, subject, body, done) {
    sequence += 1;
    var id = "kurswerk-" + Date.now() + "-" + sequence;
    var message = { subject: subject, message_id: id };
    Object.keys(body).forEach(function (name) {
      message[name] = body[name];
    });
    pending[id] = {
      subject: subject,
      done: done,
      timer: setTimeout(function () {
        delete pending[id];
        done(null);
      }, TIMEOUT_MS)
    };
    target.postMessage(message, origin);
  }

  function supports(answer, subject) {
    var list = (answer && answer.supported_messages) || [];
    return list.some(function (entry) {
      return entry && entry.subject === subject;
    });
  }

  function each(inputs, step, finished) {
    var index = 0;
    (function next(ok) {
      if (!ok || index >= inputs.length) {
        finished(ok);
        return;
      }
      var input = inputs[index];
      index += 1;
      step(input, next);
    })(true);
  }

  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[data-storage-key]"));

  function finish(ok) {
    if (mode === "put") {
      window.location.replace(form.getAttribute("data-next"));
      return;
    }
    if (!ok) {
      inputs.forEach(function (input) {
        input.value = "";
      });
    }
    form.submit();
  }

  var target = platformWindow();
  if (!target) {
    finish(false);
    return;
  }
  var subject = mode === "put" ? "lti.put_data" : "lti.get_data";
  ask(target, "lti.capabilities", {}, function (capabilities) {
    if (!supports(capabilities, subject)) {
      finish(false);
      return;
    }
    each(
      inputs,
      function (input, next) {
        var key = input.getAttribute("data-storage-key");
        var body = mode === "put" ? { key: key, value: input.value } : { key: key };
        ask(target, subject, body, function (answer) {
          if (!answer || answer.key !== key || typeof answer.value !== "string") {
            next(false);
            return;
          }
          if (mode === "get") {
            input.value = answer.value;
          }
          next(true);
        });
      },
      finish
    );
  });
})();
