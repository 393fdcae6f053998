// Draws the application's BPMN process with the vendored bpmn-js viewer and marks the current step.
(function () {
  "use strict";
  var box = document.getElementById("diagram");
  if (!box || !window.BpmnJS) { return; }
  var viewer = new window.BpmnJS({ container: box });
  fetch(box.dataset.src, { credentials: "same-origin" })
    .then(function (response) { return response.text(); })
    .then(function (xml) { return viewer.importXML(xml); })
    .then(function () {
      var canvas = viewer.get("canvas");
      canvas.zoom("fit-viewport");
      if (box.dataset.current) {
        canvas.addMarker(box.dataset.current, "current-step");
        box.dataset.ready = "1";
      }
    })
    .catch(function (err) { box.textContent = "The diagram could not be drawn."; box.dataset.ready = "error"; });
}());
