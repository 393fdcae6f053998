// Draws the application's BPMN process with the vendored bpmn-js viewer, full size (the box
// scrolls sideways) so the labels stay readable, and marks and scrolls to the current step.
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
      var inner = canvas.viewbox().inner;
      var scroller = box.parentNode;
      box.style.width = Math.max(scroller.clientWidth, Math.ceil(inner.width) + 60) + "px";
      box.style.height = Math.max(240, Math.ceil(inner.height) + 60) + "px";
      canvas.resized();
      canvas.viewbox({ x: inner.x - 30, y: inner.y - 30, width: box.clientWidth, height: box.clientHeight });
      if (box.dataset.current) {
        canvas.addMarker(box.dataset.current, "current-step");
        var current = viewer.get("elementRegistry").get(box.dataset.current);
        if (current) { scroller.scrollLeft = Math.max(0, current.x - inner.x - scroller.clientWidth / 3); }
      }
      box.dataset.ready = "1";
    })
    .catch(function () { box.textContent = box.dataset.failed || "—"; box.dataset.ready = "error"; });
}());
