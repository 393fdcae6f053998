// Side panel of the studio modeller: what plain bpmn-js cannot edit, written through the moddle API
// with the camunda descriptor: names, lane roles, gateway conditions, camunda:topic of service tasks,
// camunda:formKey of user tasks, timer expressions, camunda:decisionRef, camunda:properties.
window.StudioProperties = (function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function field(panel, id, label, input) {
    var l = el("label", { "for": id }, label);
    input.id = id;
    panel.appendChild(l);
    panel.appendChild(input);
    return input;
  }

  function datalist(panel, id, values) {
    var list = el("datalist", { id: id });
    values.forEach(function (v) { list.appendChild(el("option", { value: v })); });
    panel.appendChild(list);
  }

  function select(values, current) {
    var s = el("select");
    s.appendChild(el("option", { value: "" }, "—"));
    values.forEach(function (v) {
      var o = el("option", { value: v }, v);
      if (v === current) { o.selected = true; }
      s.appendChild(o);
    });
    if (current && values.indexOf(current) < 0) {
      var missing = el("option", { value: current }, current + " (missing)");
      missing.selected = true;
      s.appendChild(missing);
    }
    return s;
  }

  function attach(modeler, panel, opts) {
    var modeling = modeler.get("modeling");
    var moddle = modeler.get("moddle");
    var current = null;

    function bo() { return current.businessObject; }

    function expr(text) {
      return text ? moddle.create("bpmn:FormalExpression", { body: text }) : undefined;
    }

    function properties() {
      var ext = bo().extensionElements;
      var props = ext && (ext.values || []).filter(function (v) { return v.$instanceOf("camunda:Properties"); })[0];
      return props ? (props.values || []).map(function (p) { return { name: p.name, value: p.value }; }) : [];
    }

    function setProperties(pairs) {
      var ext = bo().extensionElements;
      var others = ext ? (ext.values || []).filter(function (v) { return !v.$instanceOf("camunda:Properties"); }) : [];
      var kept = pairs.filter(function (p) { return p.name; });
      var values = others.slice();
      var container = moddle.create("bpmn:ExtensionElements", { values: values });
      if (kept.length) {
        var props = moddle.create("camunda:Properties", {
          values: kept.map(function (p) { return moddle.create("camunda:Property", { name: p.name, value: p.value }); })
        });
        props.$parent = container;
        values.push(props);
      }
      values.forEach(function (v) { v.$parent = container; });
      modeling.updateProperties(current, { extensionElements: values.length ? container : undefined });
    }

    function onChange(input, fn) {
      input.addEventListener("change", function () { fn(input.value.trim()); });
    }

    function renderProperties() {
      var box = el("fieldset", { "class": "studio-props" });
      box.appendChild(el("legend", {}, "Properties (camunda:properties)"));
      var rows = properties();
      function redraw() {
        while (box.children.length > 1) { box.removeChild(box.lastChild); }
        rows.forEach(function (row, i) {
          var line = el("div", { "class": "studio-prop-row" });
          var name = el("input", { type: "text", "aria-label": "property name", value: row.name || "",
                                   "data-prop-index": String(i), "data-prop": "name", list: "studio-known-props" });
          var value = el("input", { type: "text", "aria-label": "property value " + (row.name || ""),
                                    value: row.value || "", "data-prop-index": String(i), "data-prop": "value" });
          name.addEventListener("change", function () { row.name = name.value.trim(); setProperties(rows); });
          value.addEventListener("change", function () { row.value = value.value; setProperties(rows); });
          var remove = el("button", { type: "button", "class": "secondary outline" }, "×");
          remove.addEventListener("click", function () { rows.splice(i, 1); setProperties(rows); redraw(); });
          line.appendChild(name); line.appendChild(value); line.appendChild(remove);
          box.appendChild(line);
        });
        var add = el("button", { type: "button", "class": "secondary", id: "prop-add" }, "Add property");
        add.addEventListener("click", function () { rows.push({ name: "", value: "" }); redraw(); });
        box.appendChild(add);
      }
      redraw();
      panel.appendChild(box);
      datalist(panel, "studio-known-props", ["name_bn", "status", "assignee_variable", "office_level",
                                             "form_target", "sla_step", "sla_paused", "escalation_level", "template"]);
    }

    function timerDefinition() {
      var defs = bo().eventDefinitions || [];
      return defs.filter(function (d) { return d.$instanceOf("bpmn:TimerEventDefinition"); })[0];
    }

    function renderTimer(def) {
      var kind = ["timeDate", "timeDuration", "timeCycle"].filter(function (k) { return def[k]; })[0] || "timeDate";
      var kindSel = field(panel, "prop-timer-kind", "Timer type", select(["timeDate", "timeDuration", "timeCycle"], kind));
      var text = field(panel, "prop-timer", "Timer expression (a variable such as sla_due, or a quoted ISO value)",
                       el("input", { type: "text", value: def[kind] ? def[kind].body || "" : "" }));
      function write() {
        var update = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
        update[kindSel.value || "timeDate"] = expr(text.value.trim());
        modeling.updateModdleProperties(current, def, update);
      }
      kindSel.addEventListener("change", write);
      text.addEventListener("change", write);
    }

    function render() {
      panel.textContent = "";
      if (!current || current.type === "label") {
        panel.appendChild(el("p", { "class": "muted" }, "Select an element to edit its properties."));
        return;
      }
      var b = bo();
      panel.appendChild(el("h2", { "class": "h5" }, b.$type.replace("bpmn:", "") + " " + b.id));
      panel.dataset.element = b.id;
      if (b.$instanceOf("bpmn:Lane")) {
        datalist(panel, "studio-roles", opts.roles);
        onChange(field(panel, "prop-name", "Role code (lane name)", el("input", { type: "text", list: "studio-roles", value: b.name || "" })),
                 function (v) { modeling.updateProperties(current, { name: v }); });
        return;
      }
      onChange(field(panel, "prop-name", "Name", el("input", { type: "text", value: b.name || "" })),
               function (v) { modeling.updateLabel(current, v); });
      if (b.$instanceOf("bpmn:SequenceFlow")) {
        var src = b.sourceRef;
        if (src && (src.$instanceOf("bpmn:ExclusiveGateway") || src.$instanceOf("bpmn:InclusiveGateway"))) {
          onChange(field(panel, "prop-condition", 'Condition (Python expression, e.g. action == "approve")',
                         el("input", { type: "text", value: b.conditionExpression ? b.conditionExpression.body || "" : "" })),
                   function (v) { modeling.updateProperties(current, { conditionExpression: expr(v) }); });
        }
        return;
      }
      if (b.$instanceOf("bpmn:UserTask")) {
        var forms = field(panel, "prop-formKey", "Form (camunda:formKey)", select(opts.forms(), b.get("camunda:formKey")));
        forms.addEventListener("change", function () { modeling.updateProperties(current, { "camunda:formKey": forms.value || undefined }); });
      }
      if (b.$instanceOf("bpmn:ServiceTask")) {
        datalist(panel, "studio-topics", opts.topics);
        onChange(field(panel, "prop-topic", "Service topic (camunda:topic)", el("input", { type: "text", list: "studio-topics", value: b.get("camunda:topic") || "" })),
                 function (v) { modeling.updateProperties(current, { "camunda:type": "external", "camunda:topic": v || undefined }); });
      }
      if (b.$instanceOf("bpmn:BusinessRuleTask")) {
        var dec = field(panel, "prop-decisionRef", "Decision (camunda:decisionRef)", select(opts.decisions(), b.get("camunda:decisionRef")));
        dec.addEventListener("change", function () { modeling.updateProperties(current, { "camunda:decisionRef": dec.value || undefined }); });
      }
      if (b.$instanceOf("bpmn:Event")) {
        var timer = timerDefinition();
        if (timer) { renderTimer(timer); }
      }
      if (b.$instanceOf("bpmn:Task") || b.$instanceOf("bpmn:Event")) {
        renderProperties();
      }
    }

    modeler.on("selection.changed", function (e) {
      current = e.newSelection.length === 1 ? e.newSelection[0] : null;
      render();
    });
    modeler.on("import.done", function () { current = null; render(); });
    render();
    return { refresh: render };
  }

  return { attach: attach };
}());
