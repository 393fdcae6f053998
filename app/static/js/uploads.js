// Upload limits checked in the browser before the form is sent, so a file that is too large never
// costs the applicant what they typed (the server checks the same limits again).
(function () {
  var limits = document.getElementById("upload-limits");
  if (!limits) { return; }
  var form = limits.closest("form");
  var maxFile = parseInt(limits.dataset.maxFile, 10);
  var maxTotal = parseInt(limits.dataset.maxTotal, 10);
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[type=file]"));

  function note(input, message) {
    var id = input.id + "-limit";
    var el = document.getElementById(id);
    if (!el) {
      el = document.createElement("small");
      el.id = id;
      el.className = "field-error";
      input.insertAdjacentElement("afterend", el);
    }
    el.textContent = message;
    el.hidden = !message;
    input.setCustomValidity(message);
    if (message) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
  }

  function check() {
    var total = 0;
    var first = null;
    inputs.forEach(function (input) {
      var size = input.files && input.files[0] ? input.files[0].size : 0;
      total += size;
      note(input, size > maxFile ? limits.dataset.fileMessage : "");
      if (size > maxFile && !first) { first = input; }
    });
    if (total > maxTotal) {
      inputs.forEach(function (input) {
        if (input.files && input.files[0] && !input.validationMessage) { note(input, limits.dataset.totalMessage); }
        if (input.files && input.files[0] && !first) { first = input; }
      });
    }
    return first;
  }

  inputs.forEach(function (input) { input.addEventListener("change", check); });
  form.addEventListener("submit", function (event) {
    var bad = check();
    if (bad) { event.preventDefault(); bad.focus(); }
  });
})();
