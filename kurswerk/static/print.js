// "Lektion drucken" / "Arbeitsvorlage drucken": the page's print button (progressive
// enhancement). The button's wrapper ([data-kw-print]) is hidden in the HTML and shown
// here, where the button can work; without JavaScript the browser's own print command
// prints the same clean document (the print section of kurswerk.css). Inside an LMS
// iframe window.print() prints the frame's document only: no LMS around it.
(function () {
  "use strict";
  if (typeof window.print !== "function") {
    return;
  }
  var wrappers = document.querySelectorAll("[data-kw-print]");
  for (var i = 0; i < wrappers.length; i += 1) {
    var button = wrappers[i].querySelector("button");
    if (button) {
      button.addEventListener("click", function () {
        window.print();
      });
      wrappers[i].hidden = false;
    }
  }
})();
