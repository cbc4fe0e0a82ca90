// Submits the one auto-post form of an LTI hop (login initiation, id_token), as Moodle does.
// Without JavaScript the visible "Weiter" button does the same.
(function () {
  var form = document.querySelector("form[data-autosubmit]");
  if (form) {
    form.submit();
  }
})();
