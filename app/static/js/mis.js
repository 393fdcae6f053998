// Draws the dashboard's stacked bar chart from the JSON block the page carries (no inline script).
(function () {
  "use strict";
  var source = document.getElementById("mis-data");
  var canvas = document.getElementById("mis-chart");
  if (!source || !canvas || !window.Chart) { return; }
  var data = JSON.parse(source.textContent);
  var font = getComputedStyle(document.body).fontFamily;
  window.Chart.defaults.font.family = font;
  new window.Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.series.map(function (s) { return { label: s.label, data: s.data, backgroundColor: s.color }; })
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }
    }
  });
  canvas.dataset.ready = "1";
}());
