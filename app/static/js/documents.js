// A PDF document's preview loads only when its "Preview" is opened.
(function () {
  "use strict";
  document.querySelectorAll("details.doc-pdf").forEach(function (box) {
    box.addEventListener("toggle", function () {
      var frame = box.querySelector("iframe[data-src]");
      if (box.open && frame && !frame.getAttribute("src")) { frame.setAttribute("src", frame.dataset.src); }
    });
  });
}());
