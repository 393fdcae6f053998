"""What a BPMN or DMN upload may contain: an allow-list of elements and attributes.

Anything SpiffWorkflow would parse into behaviour we do not run through our own evaluator (ad-hoc
sub-processes and their completion conditions, loop and multi-instance characteristics, message
correlation, data associations, conditional events, Camunda input/output mappings and forms…) is
refused here, before the library sees the file. Diagram interchange (BPMNDI/DMNDI, DC, DI) and the
colour/modeler attributes bpmn-js and Camunda Modeler write are presentation only and pass.
"""
from __future__ import annotations

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
DMN_NAMESPACES = frozenset({
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
})
#: Diagram interchange: drawn, never executed.
PRESENTATION_NAMESPACES = frozenset({
    "http://www.omg.org/spec/BPMN/20100524/DI",
    "http://www.omg.org/spec/DD/20100524/DC",
    "http://www.omg.org/spec/DD/20100524/DI",
    "https://www.omg.org/spec/DMN/20191111/DMNDI/",
    "http://www.omg.org/spec/DMN/20180521/DMNDI/",
    "http://www.omg.org/spec/DMN/20180521/DC/",
    "http://www.omg.org/spec/DMN/20180521/DI/",
})
#: Namespaced attributes that only colour or label a diagram.
PRESENTATION_ATTRIBUTE_NAMESPACES = frozenset({
    "http://www.omg.org/spec/BPMN/non-normative/color/1.0",
    "http://bpmn.io/schema/bpmn/biocolor/1.0",
    "http://camunda.org/schema/modeler/1.0",
    "http://www.w3.org/XML/1998/namespace",
})

_COMMON = frozenset({"id", "name"})
_ACTIVITY = _COMMON | {"implementation", "startQuantity", "completionQuantity", "isForCompensation"}
_GATEWAY = _COMMON | {"default", "gatewayDirection"}
_EXPRESSION = frozenset({"id", "language", f"{{{XSI_NS}}}type"})

#: BPMN element (local name) → attributes it may carry (plain names, or {namespace}name).
BPMN_ELEMENTS: dict[str, frozenset] = {
    "definitions": frozenset({"id", "name", "targetNamespace", "exporter", "exporterVersion",
                              "expressionLanguage", "typeLanguage", f"{{{XSI_NS}}}schemaLocation",
                              f"{{{CAMUNDA_NS}}}diagramRelationId"}),
    "collaboration": _COMMON | {"isClosed"},
    "participant": _COMMON | {"processRef"},
    "process": _COMMON | {"isExecutable", "processType", "isClosed", f"{{{CAMUNDA_NS}}}versionTag",
                          f"{{{CAMUNDA_NS}}}historyTimeToLive", f"{{{CAMUNDA_NS}}}isStartableInTasklist"},
    "laneSet": _COMMON,
    "lane": _COMMON,
    "flowNodeRef": frozenset({"id"}),
    "startEvent": _COMMON | {"isInterrupting", "parallelMultiple"},
    "endEvent": _COMMON,
    "boundaryEvent": _COMMON | {"attachedToRef", "cancelActivity", "parallelMultiple"},
    "intermediateCatchEvent": _COMMON | {"parallelMultiple"},
    "timerEventDefinition": frozenset({"id"}),
    "timeDate": _EXPRESSION,
    "timeDuration": _EXPRESSION,
    "timeCycle": _EXPRESSION,
    "userTask": _ACTIVITY | {f"{{{CAMUNDA_NS}}}formKey"},
    "serviceTask": _ACTIVITY | {f"{{{CAMUNDA_NS}}}type", f"{{{CAMUNDA_NS}}}topic"},
    "businessRuleTask": _ACTIVITY | {f"{{{CAMUNDA_NS}}}decisionRef"},
    "task": _ACTIVITY,
    "exclusiveGateway": _GATEWAY,
    "inclusiveGateway": _GATEWAY,
    "parallelGateway": _GATEWAY,
    "sequenceFlow": _COMMON | {"sourceRef", "targetRef", "isImmediate"},
    "conditionExpression": _EXPRESSION,
    "incoming": frozenset(),
    "outgoing": frozenset(),
    "extensionElements": frozenset({"id"}),
    "documentation": frozenset({"id", "textFormat"}),
    "textAnnotation": frozenset({"id", "textFormat"}),
    "text": frozenset(),
    "association": frozenset({"id", "sourceRef", "targetRef", "associationDirection"}),
}
#: Camunda extension elements we read (``camunda:properties`` → task properties), and their attributes.
CAMUNDA_ELEMENTS: dict[str, frozenset] = {
    "properties": frozenset(),
    "property": frozenset({"name", "value"}),
}
#: Camunda execution hints that change nothing in Pravah (Camunda Modeler writes them).
CAMUNDA_NEUTRAL_ATTRIBUTES = frozenset({f"{{{CAMUNDA_NS}}}{a}" for a in (
    "asyncBefore", "asyncAfter", "exclusive")})

_DMN_COMMON = frozenset({"id", "name", "label"})
DMN_ELEMENTS: dict[str, frozenset] = {
    "definitions": frozenset({"id", "name", "namespace", "exporter", "exporterVersion",
                              "expressionLanguage", "typeLanguage"}),
    "decision": _DMN_COMMON,
    "decisionTable": frozenset({"id", "hitPolicy", "outputLabel", "preferredOrientation"}),
    "input": _DMN_COMMON,
    "inputExpression": frozenset({"id", "typeRef", "expressionLanguage"}),
    "output": _DMN_COMMON | {"typeRef"},
    "rule": frozenset({"id"}),
    "inputEntry": frozenset({"id", "expressionLanguage"}),
    "outputEntry": frozenset({"id", "expressionLanguage"}),
    "text": frozenset(),
    "description": frozenset(),
    "annotationEntry": frozenset(),
}


def _local(el) -> str:
    return etree.QName(el).localname


def _namespace(el) -> str | None:
    return etree.QName(el).namespace


def _element_id(el):
    while el is not None:
        if isinstance(el.tag, str) and el.get("id"):
            return el.get("id")
        el = el.getparent()
    return None


def _supported(kinds: dict) -> str:
    return ", ".join(sorted(kinds))


def check_bpmn(root) -> list[tuple]:
    """``[(element, element id, message)]`` for every element or attribute not on the list."""
    return _check(root, {BPMN_NS: BPMN_ELEMENTS, CAMUNDA_NS: CAMUNDA_ELEMENTS}, "BPMN")


def check_dmn(root) -> list[tuple]:
    return _check(root, {ns: DMN_ELEMENTS for ns in DMN_NAMESPACES}, "DMN")


def _check(root, allowed: dict[str, dict], kind: str) -> list[tuple]:
    out = []
    skip = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue  # comments and processing instructions carry no behaviour
        if any(anc in skip for anc in el.iterancestors()):
            continue
        ns = _namespace(el)
        if ns in PRESENTATION_NAMESPACES:
            skip.add(el)
            continue
        table = allowed.get(ns)
        local = _local(el)
        if table is None or local not in table:
            prefix = "camunda:" if ns == CAMUNDA_NS else ""
            what = f"'{prefix}{local}'" if ns in allowed else f"'{local}' (namespace {ns or 'none'})"
            out.append((el, _element_id(el), f"element {what} is not supported by Pravah "
                        f"(supported {kind} elements: {_supported(table or next(iter(allowed.values())))})"))
            skip.add(el)
            continue
        for attr in el.attrib:
            attr_ns = etree.QName(attr).namespace
            if attr in table[local] or attr in CAMUNDA_NEUTRAL_ATTRIBUTES \
                    or attr_ns in PRESENTATION_ATTRIBUTE_NAMESPACES:
                continue
            name = attr.replace(f"{{{CAMUNDA_NS}}}", "camunda:")
            out.append((el, _element_id(el), f"attribute '{name}' on '{local}' is not supported by "
                        f"Pravah (allowed: {', '.join(sorted(a.replace(f'{{{CAMUNDA_NS}}}', 'camunda:') for a in table[local])) or 'none'})"))
    return out
