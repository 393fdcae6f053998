// Rows of a list field (e.g. the legal heirs): "Add a row" copies the blank row and "Remove this
// row" deletes one, here in the page. Without this script the same buttons post the form and the
// server redraws it with the row added or removed (app/web/forms.py change_rows), so nothing typed
// is lost either way. Row numbers in field names may have gaps; the server reads them in order.
(function () {
  var BENGALI = "০১২৩৪৫৬৭৮৯";
  var bengali = (document.documentElement.lang || "").indexOf("bn") === 0;

  function shown(n) {
    var text = String(n);
    return bengali ? text.replace(/[0-9]/g, function (d) { return BENGALI[d]; }) : text;
  }

  function rowsOf(box) {
    return Array.prototype.filter.call(box.querySelectorAll("[data-row]"), function (row) {
      return row.closest("[data-rows]") === box && !row.closest("template");
    });
  }

  function refresh(box) {
    var rows = rowsOf(box);
    var min = parseInt(box.dataset.min || "0", 10);
    var max = parseInt(box.dataset.max || "0", 10);
    var label = box.querySelector("template[data-blank-row]").content.querySelector("[data-row-title]").textContent.trim();
    rows.forEach(function (row, i) {
      row.querySelector("[data-row-title]").textContent = label + " " + shown(i + 1);
      row.querySelector("[data-remove-row]").hidden = rows.length <= min;
    });
    box.querySelector("[data-add-row]").hidden = max > 0 && rows.length >= max;
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-row]");
    var remove = event.target.closest("[data-remove-row]");
    var box = (add || remove) && event.target.closest("[data-rows]");
    if (!box) { return; }
    event.preventDefault();
    if (add) {
      var next = 0;
      rowsOf(box).forEach(function (row) { next = Math.max(next, parseInt(row.dataset.row, 10) + 1); });
      var html = box.querySelector("template[data-blank-row]").innerHTML.split("__row__").join(String(next));
      add.insertAdjacentHTML("beforebegin", html);
      refresh(box);
      var first = add.previousElementSibling.querySelector("input, select, textarea");
      if (first) { first.focus(); }
    } else {
      remove.closest("[data-row]").remove();
      refresh(box);
      var focus = box.querySelector("[data-add-row]:not([hidden])") || box.querySelector("input, select, textarea");
      if (focus) { focus.focus(); }
    }
  });
})();
