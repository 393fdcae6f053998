// Studio editors beside the diagram: form fields with field-level controls (kept in step with the
// JSON Schema text, in the order the analyst sets), the certificate template with its preview, a new
// decision table, and the confirmation (with every change) before a version is activated.
(function () {
  "use strict";
  var TYPES = ["string", "integer", "number", "boolean"];

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // ---------------------------------------------------------------- form fields
  // One row per field: name, type, English and Bengali titles, required, limits, move and remove.
  // Every change rebuilds schema.properties in row order, so the order on screen is the order saved.
  function fieldEditor(container, getSchema, changed) {
    function limits(prop) {
      var numeric = prop.type === "integer" || prop.type === "number";
      return numeric ? ["minimum", "maximum"] : prop.type === "string" ? ["minLength", "maxLength"] : [];
    }

    function render() {
      var schema = getSchema();
      container.textContent = "";
      if (!schema) { return; }
      var props = schema.properties || {};
      var required = schema.required || [];
      var names = Object.keys(props);
      var table = el("table", { "class": "striped studio-field-table" });
      var head = el("tr");
      ["Field", "Type", "Title (English)", "Title (Bengali)", "Required", "Limits", ""].forEach(function (t) { head.appendChild(el("th", { scope: "col" }, t)); });
      table.appendChild(el("thead")).appendChild(head);
      var body = table.appendChild(el("tbody"));
      names.forEach(function (name, i) {
        var prop = props[name];
        var tr = el("tr", { "data-field": name });
        var nameInput = el("input", { type: "text", value: name, "aria-label": "Field name", "class": "f-name" });
        nameInput.addEventListener("change", function () { rename(name, nameInput.value.trim()); });
        tr.appendChild(el("td")).appendChild(nameInput);
        var type = el("select", { "aria-label": "Type", "class": "f-type" });
        TYPES.concat(TYPES.indexOf(prop.type) < 0 ? [prop.type] : []).forEach(function (t) { type.appendChild(new Option(t, t, false, t === prop.type)); });
        type.addEventListener("change", function () { prop.type = type.value; ["minimum", "maximum", "minLength", "maxLength", "pattern"].forEach(function (k) { delete prop[k]; }); commit(); });
        tr.appendChild(el("td")).appendChild(type);
        ["title", "title_bn"].forEach(function (key) {
          var input = el("input", { type: "text", value: prop[key] || "", "aria-label": key === "title" ? "Title in English" : "Title in Bengali", "class": "f-" + key });
          input.addEventListener("input", function () { prop[key] = input.value; commit(true); });
          tr.appendChild(el("td")).appendChild(input);
        });
        var req = el("input", { type: "checkbox", "aria-label": "Required", "class": "f-required" });
        req.checked = required.indexOf(name) >= 0;
        req.addEventListener("change", function () {
          var list = (schema.required || []).filter(function (n) { return n !== name; });
          if (req.checked) { list.push(name); }
          schema.required = list;
          commit(true);
        });
        tr.appendChild(el("td")).appendChild(req);
        var cell = tr.appendChild(el("td"));
        limits(prop).forEach(function (key) {
          var input = el("input", { type: "number", value: prop[key] === undefined ? "" : prop[key], placeholder: key, "aria-label": key, "class": "f-" + key });
          input.addEventListener("input", function () {
            if (input.value === "") { delete prop[key]; } else { prop[key] = Number(input.value); }
            commit(true);
          });
          cell.appendChild(input);
        });
        var actions = tr.appendChild(el("td"));
        [["↑", -1, "Move up"], ["↓", 1, "Move down"]].forEach(function (m) {
          var b = el("button", { type: "button", "class": "secondary f-move", "aria-label": m[2] + " " + name }, m[0]);
          b.disabled = (i + m[1] < 0) || (i + m[1] >= names.length);
          b.addEventListener("click", function () { move(i, i + m[1]); });
          actions.appendChild(b);
        });
        var remove = el("button", { type: "button", "class": "secondary f-remove", "aria-label": "Remove " + name }, "✕");
        remove.addEventListener("click", function () { removeField(name); });
        actions.appendChild(remove);
        body.appendChild(tr);
      });
      container.appendChild(table);
    }

    function reorder(names) {
      var schema = getSchema();
      var old = schema.properties || {};
      var fresh = {};
      names.forEach(function (n) { fresh[n] = old[n]; });
      schema.properties = fresh;
    }
    function move(from, to) {
      var names = Object.keys(getSchema().properties);
      names.splice(to, 0, names.splice(from, 1)[0]);
      reorder(names);
      commit();
    }
    function rename(from, to) {
      var schema = getSchema();
      if (!/^[a-z][a-z0-9_]{0,59}$/.test(to) || schema.properties[to]) { render(); return; }
      var fresh = {};
      Object.keys(schema.properties).forEach(function (n) { fresh[n === from ? to : n] = schema.properties[n]; });
      schema.properties = fresh;
      schema.required = (schema.required || []).map(function (n) { return n === from ? to : n; });
      commit();
    }
    function removeField(name) {
      var schema = getSchema();
      delete schema.properties[name];
      schema.required = (schema.required || []).filter(function (n) { return n !== name; });
      commit();
    }
    function add() {
      var schema = getSchema();
      if (!schema) { return; }
      schema.properties = schema.properties || {};
      var n = 1;
      while (schema.properties["field_" + n]) { n += 1; }
      schema.properties["field_" + n] = { type: "string", maxLength: 200, title: "", title_bn: "" };
      commit();
    }
    // quiet: the rows already show the change (typing in a title must not rebuild the row under the caret)
    function commit(quiet) {
      if (!quiet) { render(); }
      changed();
    }
    return { render: render, add: add };
  }

  // ---------------------------------------------------------------- certificate template
  function templateTab(state, data) {
    var select = document.getElementById("template-file");
    var text = document.getElementById("template-text");
    var link = document.getElementById("template-preview");
    var names = Object.keys(state.files.templates || {}).sort();
    names.forEach(function (n) { select.appendChild(new Option(n, n)); });
    var preferred = names.filter(function (n) { return n.indexOf(data.service + ".") === 0; })[0] || names[0];
    function show(name) {
      select.value = name || "";
      text.value = name ? state.files.templates[name] : "";
    }
    select.addEventListener("change", function () { show(select.value); });
    text.addEventListener("input", function () {
      if (!select.value) { return; }
      state.files.templates[select.value] = text.value;
      state.templatesSent = state.templatesSent || {};
      state.templatesSent[select.value] = text.value;
    });
    show(preferred);
    function preview(version) {
      link.hidden = !version;
      if (!version) { return; }
      // opened in its own tab: the preview is a PDF the certificate area renders from sample data
      link.href = data.urls.certificate_preview + "?version=" + encodeURIComponent(version);
    }
    preview(data.base_version);
    return { preview: preview };
  }

  // ---------------------------------------------------------------- a new decision table
  // A table with one input, one output and the catch-all row the deploy check demands.
  function newDmn(id) {
    return '<?xml version="1.0" encoding="UTF-8"?>\n' +
      '<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="defs_' + id + '" name="' + id + '" namespace="https://pravah.example/dmn">\n' +
      '  <decision id="' + id + '" name="' + id + '">\n' +
      '    <decisionTable id="table_' + id + '" hitPolicy="FIRST">\n' +
      '      <input id="' + id + '_in" label="Input"><inputExpression id="' + id + '_in_expr" typeRef="string"><text>service_key</text></inputExpression></input>\n' +
      '      <output id="' + id + '_out" label="Result" name="' + id + '" typeRef="string" />\n' +
      '      <rule id="' + id + '_catch_all"><inputEntry id="' + id + '_catch_all_in"><text></text></inputEntry>' +
      '<outputEntry id="' + id + '_catch_all_out"><text>""</text></outputEntry></rule>\n' +
      '    </decisionTable>\n  </decision>\n</definitions>\n';
  }

  // ---------------------------------------------------------------- confirmation before activation
  function describeDiff(box, d) {
    box.textContent = "";
    function section(title, rows) {
      if (!rows.length) { return; }
      box.appendChild(el("h3", { "class": "h5" }, title));
      var ul = box.appendChild(el("ul"));
      rows.forEach(function (r) { ul.appendChild(el("li", {}, r)); });
    }
    section("Diagram", [].concat(
      d.added.map(function (r) { return "added " + r.type + " " + r.id + (r.name ? " “" + r.name + "”" : ""); }),
      d.removed.map(function (r) { return "removed " + r.type + " " + r.id + (r.name ? " “" + r.name + "”" : ""); }),
      d.changed.map(function (r) { return "changed " + r.type + " " + r.id + (r.changes ? ": " + r.changes.join("; ") : ""); })));
    section("Decision tables", (d.dmn || []).map(function (f) { return f.file + " " + f.status + " (" + f.diff.filter(function (l) { return /^[+-][^+-]/.test(l); }).length + " lines)"; }));
    section("Forms", (d.forms || []).map(function (f) {
      var parts = [f.status];
      if (f.fields_added && f.fields_added.length) { parts.push("fields added: " + f.fields_added.join(", ")); }
      if (f.fields_removed && f.fields_removed.length) { parts.push("fields removed: " + f.fields_removed.join(", ")); }
      if (f.fields_changed && f.fields_changed.length) { parts.push("fields changed: " + f.fields_changed.join(", ")); }
      if (f.reordered) { parts.push("fields reordered"); }
      return f.file + ": " + parts.join("; ");
    }));
    section("Certificate templates", (d.templates || []).map(function (f) { return f.file + " " + f.status; }));
    section("Catalogue", (d.catalogue || []).map(function (c) {
      return c.field === "sla" ? "published SLA: " + c.from.total_days + " → " + c.to.total_days + " days" : c.field + ": " + c.from + " → " + c.to;
    }));
    if (!box.children.length) { box.appendChild(el("p", {}, "No changes.")); }
  }

  function confirmActivation(diffUrl, onConfirm) {
    var dialog = document.getElementById("activate-dialog");
    var box = document.getElementById("activate-changes");
    return fetch(diffUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        describeDiff(box, d);
        var ok = document.getElementById("activate-confirm");
        var cancel = document.getElementById("activate-cancel");
        function close() { ok.onclick = null; cancel.onclick = null; dialog.close(); }
        ok.onclick = function () { close(); onConfirm(); };
        cancel.onclick = close;
        dialog.showModal();
      });
  }

  window.StudioEditors = { fieldEditor: fieldEditor, templateTab: templateTab, newDmn: newDmn,
                           confirmActivation: confirmActivation, describeDiff: describeDiff };
}());
