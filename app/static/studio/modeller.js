// The studio modeller page: bpmn-js Modeler (+ side panel), dmn-js for decision tables with their
// sample rows (and new tables), forms edited field by field or as JSON Schema with a live preview
// drawn by the server (as citizens see it), the certificate template with its preview, validate /
// save draft / activate (after a confirmation listing every change), import (with advice for
// diagrams from other tools) and versions with a diff (editors.js). Problems from validation
// are marked on the diagram (marker + overlay with the message).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("studio-data").textContent);
  var csrf = document.querySelector("meta[name=csrf-token]").content;
  var state = { files: data.files, draft: null, dmnFile: null, dmnModeler: null, formKey: null, problems: [],
                fields: null, template: null };
  var statusBox = document.getElementById("studio-status");
  var problemList = document.getElementById("studio-problems");
  var adviceList = document.getElementById("studio-advice");

  function showAdvice(advice) {
    adviceList.textContent = "";
    (advice || []).forEach(function (text) { var li = document.createElement("li"); li.textContent = text; adviceList.appendChild(li); });
  }
  var EMPTY = '<?xml version="1.0" encoding="UTF-8"?>\n<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" ' +
    'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" ' +
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs_' + data.service + '" targetNamespace="https://pravah.example/bpmn">' +
    '<bpmn:process id="' + data.service + '" isExecutable="true"><bpmn:startEvent id="start" /></bpmn:process>' +
    '<bpmndi:BPMNDiagram id="diagram"><bpmndi:BPMNPlane id="plane" bpmnElement="' + data.service + '">' +
    '<bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="180" y="160" width="36" height="36" /></bpmndi:BPMNShape>' +
    '</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>';

  function status(text, kind) {
    statusBox.textContent = text;
    statusBox.className = "studio-status " + (kind || "");
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf }
    }).then(function (r) {
      return r.json().catch(function () { return null; }).then(function (json) { return { status: r.status, body: json }; });
    });
  }

  function decisionIds() {
    var ids = [];
    Object.keys(state.files.dmn).forEach(function (name) {
      var doc = new DOMParser().parseFromString(state.files.dmn[name], "application/xml");
      Array.prototype.forEach.call(doc.getElementsByTagNameNS("*", "decision"), function (d) { ids.push(d.getAttribute("id")); });
    });
    return ids;
  }

  // ---------------------------------------------------------------- problems on the diagram
  function clearProblems(modeler) {
    var canvas = modeler.get("canvas");
    modeler.get("overlays").remove({ type: "studio-problem" });
    state.problems.forEach(function (id) { canvas.removeMarker(id, "studio-problem"); });
    state.problems = [];
    problemList.textContent = "";
  }

  function showProblems(modeler, problems) {
    clearProblems(modeler);
    var registry = modeler.get("elementRegistry");
    problems.forEach(function (p) {
      var li = document.createElement("li");
      li.textContent = p.file + (p.line ? ":" + p.line : "") + (p.element_id ? " [" + p.element_id + "]" : "") + " " + p.message;
      problemList.appendChild(li);
      var element = p.element_id && registry.get(p.element_id);
      if (!element) { return; }
      li.className = "studio-problem-link";
      li.addEventListener("click", function () { modeler.get("selection").select(element); });
      if (state.problems.indexOf(p.element_id) < 0) {
        modeler.get("canvas").addMarker(p.element_id, "studio-problem");
        state.problems.push(p.element_id);
      }
      var note = document.createElement("div");
      note.className = "studio-problem-note";
      note.dataset.element = p.element_id;
      note.textContent = p.message;
      modeler.get("overlays").add(p.element_id, "studio-problem", { position: { bottom: -4, left: 0 }, html: note });
    });
  }

  // ---------------------------------------------------------------- decision tables
  // dmn-js (1 MB) is loaded when the decision tables are first opened.
  var dmnJsLoading = null;
  function loadDmnJs() {
    if (window.DmnJS) { return Promise.resolve(); }
    if (!dmnJsLoading) {
      dmnJsLoading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = data.urls.dmnjs;
        script.onload = resolve;
        script.onerror = function () { reject(new Error("dmn-js did not load")); };
        document.head.appendChild(script);
      });
    }
    return dmnJsLoading;
  }

  function flushDmn() {
    if (!state.dmnModeler || !state.dmnFile) { return Promise.resolve(); }
    return state.dmnModeler.saveXML({ format: true }).then(function (result) {
      state.files.dmn[state.dmnFile] = result.xml;
    });
  }

  function openDmn(name) {
    var samples = document.getElementById("dmn-samples");
    return flushDmn().then(function () {
      state.dmnFile = name;
      samples.value = state.files.samples[name] ? JSON.stringify(state.files.samples[name], null, 2) : "";
      if (!name) { return; }
      return loadDmnJs().then(function () {
        if (!state.dmnModeler) {
          state.dmnModeler = new window.DmnJS({ container: "#dmn-canvas" });
          window.dmnModeler = state.dmnModeler;
        }
        return state.dmnModeler.importXML(state.files.dmn[name]);
      }).then(function () {
        var table = state.dmnModeler.getViews().filter(function (v) { return v.type === "decisionTable"; })[0];
        if (table) { return state.dmnModeler.open(table); }
      });
    }).catch(function (err) { status("The decision table could not be opened: " + err.message, "error"); });
  }

  function setupDmn() {
    var sel = document.getElementById("dmn-file");
    Object.keys(state.files.dmn).forEach(function (name) { sel.appendChild(new Option(name, name)); });
    sel.addEventListener("change", function () { openDmn(sel.value); });
    document.getElementById("dmn-new").addEventListener("click", function () {
      var id = (document.getElementById("dmn-new-id").value || "").trim();
      var name = id + ".dmn";
      if (!/^[a-z][a-z0-9_]{1,59}$/.test(id) || state.files.dmn[name] || decisionIds().indexOf(id) >= 0) {
        status("Give the new decision an id: lower-case letters, digits and _, not used yet.", "error");
        return;
      }
      state.files.dmn[name] = window.StudioEditors.newDmn(id);
      sel.appendChild(new Option(name, name));
      sel.value = name;
      openDmn(name).then(function () {
        status("Added " + name + ": fill in its rows (the last row stays the catch-all), then call it from a business rule task.", "ok");
      });
    });
    document.getElementById("dmn-samples").addEventListener("input", function (e) {
      if (!state.dmnFile) { return; }
      var text = e.target.value.trim();
      try {
        if (text) { state.files.samples[state.dmnFile] = JSON.parse(text); } else { delete state.files.samples[state.dmnFile]; }
        e.target.removeAttribute("aria-invalid");
      } catch (err) { e.target.setAttribute("aria-invalid", "true"); }
    });
  }

  // ---------------------------------------------------------------- forms
  var previewTimer = null;
  function preview() {
    var schema = state.files.forms[state.formKey];
    if (!schema) { return; }
    post(data.urls.preview, schema).then(function (r) {
      if (r.status !== 200) { return; }
      document.getElementById("preview-en").innerHTML = r.body.en;
      document.getElementById("preview-bn").innerHTML = r.body.bn;
      document.getElementById("preview-en").dataset.ready = String(Date.now());
    });
  }

  function showForm(key) {
    state.formKey = key;
    document.getElementById("form-key").value = key;
    document.getElementById("form-json").value = JSON.stringify(state.files.forms[key], null, 2);
    state.fields.render();
    preview();
  }

  function formChanged() {
    document.getElementById("form-json").value = JSON.stringify(state.files.forms[state.formKey], null, 2);
    clearTimeout(previewTimer);
    previewTimer = setTimeout(preview, 300);
  }

  function setupForms() {
    var sel = document.getElementById("form-key");
    state.fields = window.StudioEditors.fieldEditor(document.getElementById("form-fields"),
      function () { return state.files.forms[state.formKey]; }, formChanged);
    document.getElementById("form-field-add").addEventListener("click", function () { state.fields.add(); });
    function fill() {
      sel.textContent = "";
      Object.keys(state.files.forms).sort().forEach(function (k) { sel.appendChild(new Option(k, k)); });
    }
    fill();
    sel.addEventListener("change", function () { showForm(sel.value); });
    document.getElementById("form-new").addEventListener("click", function () {
      var key = (document.getElementById("form-new-key").value || "").trim();
      if (!/^[a-z][a-z0-9_]{1,59}$/.test(key) || state.files.forms[key]) {
        document.getElementById("form-error").textContent = "Give a new form key: lower-case letters, digits and _.";
        return;
      }
      state.files.forms[key] = { "$schema": "https://json-schema.org/draft/2020-12/schema", "title": key, "title_bn": key,
        "type": "object", "additionalProperties": false, "properties": {},
        "x-actions": [{ "key": "done", "title": "Done", "title_bn": "সম্পন্ন" }] };
      fill();
      showForm(key);
    });
    document.getElementById("form-json").addEventListener("input", function (e) {
      var error = document.getElementById("form-error");
      try {
        var parsed = JSON.parse(e.target.value);
        state.files.forms[state.formKey] = parsed;
        state.fields.render();
        error.textContent = "";
        clearTimeout(previewTimer);
        previewTimer = setTimeout(preview, 300);
      } catch (err) { error.textContent = "Not valid JSON yet: " + err.message; }
    });
    var keys = Object.keys(state.files.forms).sort();
    if (keys.length) { showForm(keys.indexOf(data.service) >= 0 ? data.service : keys[0]); }
  }

  // ---------------------------------------------------------------- versions and diff
  function renderVersions(versions) {
    var body = document.getElementById("versions-body");
    body.textContent = "";
    versions.forEach(function (v) {
      var tr = document.createElement("tr");
      [String(v.version), v.status, v.created_by || ""].forEach(function (t) { var td = document.createElement("td"); td.textContent = t; tr.appendChild(td); });
      var td = document.createElement("td");
      if (v.version > 1) {
        var b = document.createElement("button");
        b.type = "button"; b.className = "secondary"; b.textContent = "Changes since v" + (v.version - 1);
        b.addEventListener("click", function () { showDiff(v.version); });
        td.appendChild(b);
      }
      tr.appendChild(td);
      body.appendChild(tr);
    });
  }

  function showDiff(n) {
    fetch(data.urls.diff.replace("/0/", "/" + n + "/"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (d) { window.StudioEditors.describeDiff(document.getElementById("diff-view"), d); });
  }

  // ---------------------------------------------------------------- import
  // A file that binds a prefix we use (camunda) to another namespace (old Activiti/Signavio exports
  // bind camunda: to http://activiti.org/bpmn) cannot be saved back by bpmn-moddle: rename that prefix.
  var KNOWN = { camunda: "http://camunda.org/schema/1.0/bpmn" };
  function normalisePrefixes(xml) {
    Object.keys(KNOWN).forEach(function (prefix) {
      var binding = new RegExp('xmlns:' + prefix + '="([^"]*)"');
      var found = xml.match(binding);
      if (found && found[1] !== KNOWN[prefix]) {
        var fresh = prefix + "_other";
        xml = xml.replace(new RegExp("(<\\/?|\\s)" + prefix + ":", "g"), "$1" + fresh + ":")
                 .replace(binding, "xmlns:" + fresh + '="$1"');
      }
    });
    return xml;
  }

  function importXML(modeler, xml) {
    return modeler.importXML(normalisePrefixes(xml));
  }

  // ---------------------------------------------------------------- toolbar
  function collect(modeler) {
    return flushDmn().then(function () { return modeler.saveXML({ format: true }); }).then(function (result) {
      return { bpmn: result.xml, dmn: state.files.dmn, forms: state.files.forms, samples: state.files.samples,
               templates: state.files.templates, base_version: data.base_version };
    });
  }

  function failed(modeler, r, what) {
    if (r.status === 422 && r.body && r.body.error && r.body.error.problems) {
      showProblems(modeler, r.body.error.problems);
      showAdvice(r.body.error.advice);
      status(what + ": " + r.body.error.problems.length + " problem(s) — see the marked elements.", "error");
    } else {
      status(what + " failed: " + (r.body && r.body.error ? r.body.error.message : "HTTP " + r.status), "error");
    }
  }

  function activateDraft(modeler, activate) {
    post(data.urls.activate.replace("/0/", "/" + state.draft + "/"), {}).then(function (r) {
      if (r.status !== 200) { return failed(modeler, r, "Not activated"); }
      activate.disabled = true;
      status("Version " + r.body.version + " is active: new applications follow it; running ones keep their version.", "ok");
      data.versions.forEach(function (v) { if (v.status === "active") { v.status = "retired"; } });
      data.versions = [r.body].concat(data.versions.filter(function (v) { return v.version !== r.body.version; }));
      renderVersions(data.versions);
    });
  }

  function setupToolbar(modeler) {
    var activate = document.getElementById("btn-activate");
    document.getElementById("btn-validate").addEventListener("click", function () {
      status("Validating…");
      collect(modeler).then(function (body) { return post(data.urls.validate, body); }).then(function (r) {
        if (r.status === 200 && r.body.ok === false) {
          r = { status: 422, body: { error: { problems: r.body.problems, advice: r.body.advice } } };
        }
        if (r.status !== 200) { return failed(modeler, r, "Not valid"); }
        clearProblems(modeler);
        showAdvice([]);
        var warnings = r.body.warnings || [];
        warnings.forEach(function (w) { var li = document.createElement("li"); li.className = "warning"; li.textContent = "Note: " + (w.element_id ? "[" + w.element_id + "] " : "") + w.message; problemList.appendChild(li); });
        status("Valid: " + r.body.paths + " path steps checked in the dry run" + (warnings.length ? ", " + warnings.length + " note(s)." : "."), "ok");
      });
    });
    document.getElementById("btn-save").addEventListener("click", function () {
      status("Saving…");
      collect(modeler).then(function (body) { return post(data.urls.save, body); }).then(function (r) {
        if (r.status !== 200 && r.status !== 201) { return failed(modeler, r, "Not saved"); }
        clearProblems(modeler);
        state.draft = r.body.version;
        activate.disabled = r.body.status === "active";
        showAdvice([]);
        state.template.preview(r.body.version);
        status((r.body.created ? "Saved as draft version " : "Unchanged: already version ") + r.body.version + " (" + r.body.status + ").", "ok");
        data.versions = [r.body].concat(data.versions.filter(function (v) { return v.version !== r.body.version; }));
        renderVersions(data.versions);
      });
    });
    activate.addEventListener("click", function () {
      if (!state.draft) { return; }
      var current = data.versions.filter(function (v) { return v.status === "active"; })[0];
      var diffUrl = data.urls.diff.replace("/0/", "/" + state.draft + "/") + (current ? "?against=" + current.version : "");
      window.StudioEditors.confirmActivation(diffUrl, function () { activateDraft(modeler, activate); })
        .catch(function (err) { status("The changes could not be shown: " + err.message, "error"); });
    });
    document.getElementById("import-bpmn").addEventListener("change", function (e) {
      var file = e.target.files[0];
      if (!file) { return; }
      file.text().then(function (xml) { return importXML(modeler, xml); }).then(function (result) {
        modeler.get("canvas").zoom("fit-viewport");
        status("Imported " + file.name + (result.warnings.length ? " with " + result.warnings.length + " warning(s)" : "") + ": validate, then save to keep it.", "ok");
      }).catch(function (err) { status("This file could not be opened: " + err.message, "error"); });
    });
  }

  function setupTabs() {
    var tabs = document.querySelectorAll(".studio-tabs [role=tab]");
    Array.prototype.forEach.call(tabs, function (tab) {
      tab.addEventListener("click", function () {
        Array.prototype.forEach.call(tabs, function (t) {
          var on = t === tab;
          t.setAttribute("aria-selected", on ? "true" : "false");
          document.getElementById(t.dataset.tab).hidden = !on;
        });
        if (tab.dataset.tab === "tab-dmn" && !state.dmnFile) {
          openDmn(document.getElementById("dmn-file").value);
        }
      });
    });
  }

  fetch(data.urls.camunda, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (camunda) {
    var modeler = new window.BpmnJS({ container: "#canvas", moddleExtensions: { camunda: camunda } });
    window.bpmnModeler = modeler;
    window.studio = { state: state, collect: function () { return collect(modeler); },
                      importXML: function (xml) { return importXML(modeler, xml); } };
    window.StudioProperties.attach(modeler, document.getElementById("properties"), {
      topics: data.topics, roles: data.roles,
      forms: function () { return Object.keys(state.files.forms).sort(); }, decisions: decisionIds
    });
    setupTabs();
    setupDmn();
    setupForms();
    state.template = window.StudioEditors.templateTab(state, data);
    renderVersions(data.versions);
    setupToolbar(modeler);
    return modeler.importXML(state.files.bpmn || EMPTY).then(function () {
      modeler.get("canvas").zoom("fit-viewport");
      document.body.dataset.studioReady = "1";
    });
  }).catch(function (err) { status("The modeller could not start: " + err.message, "error"); });
}());
