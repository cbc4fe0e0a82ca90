// LTI Dynamic Registration 1.0, section 3.7: tell the platform's window that the
// registration is done, so it closes the frame or window and shows the new tool.
(function () {
  var target = window.opener || window.parent;
  if (target && target !== window) {
    target.postMessage({ subject: "org.imsglobal.lti.close" }, "*");
  }
})();
