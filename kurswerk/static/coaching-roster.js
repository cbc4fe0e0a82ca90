// Coaching roster: "select all shown" / "clear selection" for the grant form.
// Progressive enhancement: without JavaScript the buttons stay hidden and the
// checkboxes (learners without a package preselected) work on their own.
(function () {
  "use strict";
  document.querySelectorAll("[data-roster-form]").forEach(function (form) {
    var bar = form.querySelector("[data-roster-select]");
    if (!bar) return;
    bar.hidden = false;
    bar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-select]");
      if (!button) return;
      var checked = button.getAttribute("data-select") === "all";
      form.querySelectorAll('input[type="checkbox"][name="member"]').forEach(function (box) {
        box.checked = checked;
      });
    });
  });
})();
