"""Plain-words advice for a diagram drawn for another engine (Camunda Modeler, Activiti, Signavio…).

The deploy checks say precisely what is wrong, element by element; this says what to change in words
an analyst who knows Camunda will recognise: the process id is the service key, ``${…}`` (JUEL)
becomes a Python expression, lanes instead of assignees, JSON-Schema forms, external service topics.
"""
import re

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
_SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
_JUEL = re.compile(r"^\s*[$#]\{(.*)\}\s*$", re.S)
_WORDS = [(r"&&|\band\b", " and "), (r"\|\|", " or "), (r"!(?!=)", " not "), (r"\beq\b", "=="),
          (r"\bne\b", "!="), (r"\bgt\b", ">"), (r"\bge\b", ">="), (r"\blt\b", "<"), (r"\ble\b", "<="),
          (r"\bnull\b", "None"), (r"\btrue\b", "True"), (r"\bfalse\b", "False"), (r"\bempty\s+", "not ")]


def python_for(juel: str) -> str | None:
    """A Python reading of a JUEL expression ``${a > 1 && b == 'X'}`` → ``a > 1 and b == 'X'``."""
    m = _JUEL.match(juel or "")
    if not m:
        return None
    text = m.group(1)
    for pattern, word in _WORDS:
        text = re.sub(pattern, word, text)
    return re.sub(r"\s+", " ", text).strip()


def advise(bpmn_xml: bytes, service_key: str, topics: set[str]) -> list[str]:
    """What to change, one sentence each, most important first (empty for a Pravah-ready diagram)."""
    try:
        root = etree.fromstring(bpmn_xml, _SAFE)
    except (etree.XMLSyntaxError, ValueError):
        return []
    out = []
    ids = [p.get("id") for p in root.iter(f"{{{BPMN}}}process")]
    if ids and service_key not in ids:
        out.append(f"The process id is '{ids[0]}'. Pravah finds a service's process by the service key: set the "
                   f"process id to '{service_key}' (Camunda Modeler: click the empty canvas or the pool → "
                   "General → ID).")
    for el in root.iter():
        if not isinstance(el.tag, str) or not el.text:
            continue
        python = python_for(el.text)
        if python is not None:
            owner = el.getparent().get("id") if el.getparent() is not None else None
            out.append(f"'{el.text.strip()}' on {owner or 'an element'} is a Camunda (JUEL) expression. Pravah "
                       f"reads Python expressions over the application's data: write `{python}`.")
    attrs = {"assignee", "candidateUsers", "candidateGroups"}
    if any(el.get(f"{{{CAMUNDA}}}{a}") for el in root.iter() if isinstance(el.tag, str) for a in attrs):
        out.append("Who works on a task is decided by its lane, not by camunda:assignee, candidateUsers or "
                   "candidateGroups: draw a pool with lanes named by role codes (PRADHAN, BDO, EO, SDO, DM, "
                   "CITIZEN), put each task in its lane and remove those attributes.")
    if ids and not any(True for _ in root.iter(f"{{{BPMN}}}lane")):
        out.append("The diagram has no lanes. Add a pool with one lane per role (named PRADHAN, BDO…); "
                   "a task outside any lane goes to the applicant.")
    if any((el.get(f"{{{CAMUNDA}}}formKey") or "").startswith(("embedded:", "camunda-forms:", "app:"))
           or el.get(f"{{{CAMUNDA}}}formRef") for el in root.iter() if isinstance(el.tag, str)):
        out.append("Forms are JSON Schema files uploaded with the diagram (forms/<name>.json): set "
                   "camunda:formKey to the form's name without '.json' (e.g. approval).")
    for el in root.iter(f"{{{BPMN}}}serviceTask", f"{{{BPMN}}}sendTask"):
        if el.get(f"{{{CAMUNDA}}}type") != "external" or el.get(f"{{{CAMUNDA}}}topic") not in topics:
            out.append(f"Service task '{el.get('id')}': set Implementation to External and Topic to one of "
                       f"{', '.join(sorted(topics))} (Java classes, expressions and connectors do not run here).")
            break
    if any(True for _ in root.iter(f"{{{BPMN}}}scriptTask")):
        out.append("Script tasks never run in Pravah: decide with a gateway condition or a decision table, "
                   "or call a registered service topic.")
    return out
