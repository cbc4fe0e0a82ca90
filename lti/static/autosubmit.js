// Submits the one auto-post form of an LTI hop (the deep-linking answer to the LMS).
// Without JavaScript the visible button does the same.
(function () {
  var form = document.querySelector("form[data-autosubmit]");
  if (form) {
    form.submit();
  }
})();
