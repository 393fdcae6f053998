// Heatmap: the active diagram with, on each task, how many applications wait there, the oldest wait
// and how many are overdue; the colour deepens with the count.
(function () {
  "use strict";
  var payload = JSON.parse(document.getElementById("heat-data").textContent);
  var box = document.getElementById("heat-canvas");
  if (!payload.bpmn || !window.BpmnJS) { box.hidden = true; return; }
  var viewer = new window.BpmnJS({ container: box });
  viewer.importXML(payload.bpmn).then(function () {
    var canvas = viewer.get("canvas"), overlays = viewer.get("overlays"), registry = viewer.get("elementRegistry");
    canvas.zoom("fit-viewport");
    var tasks = payload.heat.tasks, max = 1;
    Object.keys(tasks).forEach(function (k) { max = Math.max(max, tasks[k].open); });
    Object.keys(tasks).forEach(function (key) {
      if (!registry.get(key)) { return; }
      var t = tasks[key], level = Math.min(4, Math.ceil(4 * t.open / max));
      canvas.addMarker(key, "heat-" + level);
      var badge = document.createElement("div");
      badge.className = "heat-badge" + (t.overdue ? " heat-overdue" : "");
      badge.dataset.task = key;
      badge.textContent = t.open + " waiting · " + (t.oldest_seconds / 86400).toFixed(1) + " d" + (t.overdue ? " · " + t.overdue + " overdue" : "");
      overlays.add(key, "heat", { position: { top: -28, left: 0 }, html: badge });
    });
    box.dataset.ready = "1";
  }).catch(function () { box.textContent = "The diagram could not be drawn."; });
}());
