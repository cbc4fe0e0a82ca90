// Dynamic registration (LTI DR 1.0, section 3.7): the tool's page in the frame posts
// {subject: "org.imsglobal.lti.close"} when it is done; the platform then closes the
// frame and shows the registration, as Moodle does.
(function () {
  var frame = document.getElementById("registrationframe");
  if (!frame) {
    return;
  }
  window.addEventListener("message", function (event) {
    if (event.origin !== frame.dataset.toolOrigin || !event.data) {
      return;
    }
    if (event.data.subject === "org.imsglobal.lti.close") {
      var status = document.getElementById("registration-status");
      status.textContent = frame.dataset.done;
      window.location.assign("/tools");
    }
  });
})();
