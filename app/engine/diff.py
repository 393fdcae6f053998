"""What changed between two versions of a BPMN model: elements added, removed and changed.

Compares the semantic part (everything under ``bpmn:process``/``bpmn:collaboration``, not the
diagram layout) element by element, keyed by id. An element "changed" when its kind, attributes,
text (conditions, timer expressions) or id-less children (extension properties, form key…) differ;
a lane whose member list changed is reported as changed too.
"""
from __future__ import annotations

from lxml import etree

from .xmlsafe import parse_xml

BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"


def _local(el) -> str:
    return etree.QName(el).localname


def _signature(el) -> tuple:
    """Kind, attributes and the content of children that have no id of their own."""
    attrs = tuple(sorted((etree.QName(k).localname if k.startswith("{") else k, v) for k, v in el.attrib.items()))
    inner = []
    for child in el:
        if not isinstance(child.tag, str) or child.get("id"):
            continue  # elements with an id are compared on their own
        inner.append((_local(child), etree.tostring(child, method="c14n", with_comments=False)))
    return _local(el), attrs, (el.text or "").strip(), tuple(inner)


def _elements(xml) -> dict[str, etree._Element]:
    root, problems = parse_xml("model.bpmn", xml)
    if root is None:
        raise ValueError(str(problems[0]))
    out = {}
    for el in root.iter():
        if not isinstance(el.tag, str) or etree.QName(el).namespace == BPMNDI:
            continue
        eid = el.get("id")
        if eid and el is not root and not any(etree.QName(a).namespace == BPMNDI for a in el.iterancestors()):
            out[eid] = el
    return out


def _row(el) -> dict:
    return {"id": el.get("id"), "type": _local(el), "name": el.get("name")}


def _changes(old, new) -> list[str]:
    so, sn = _signature(old), _signature(new)
    what = []
    if so[0] != sn[0]:
        what.append(f"kind {so[0]} → {sn[0]}")
    ao, an = dict(so[1]), dict(sn[1])
    for key in sorted(set(ao) | set(an)):
        if ao.get(key) != an.get(key):
            what.append(f"{key}: {ao.get(key)!r} → {an.get(key)!r}")
    if so[2] != sn[2]:
        what.append(f"text: {so[2]!r} → {sn[2]!r}")
    if so[3] != sn[3]:
        parts = sorted({name for name, _ in set(so[3]) ^ set(sn[3])})
        what.append("changed: " + ", ".join(parts))
    return what


def diff_models(old_xml, new_xml) -> dict:
    """``{"added": [...], "removed": [...], "changed": [{"id","type","name","changes"}]}``."""
    old, new = _elements(old_xml), _elements(new_xml)
    added = [_row(new[i]) for i in new if i not in old]
    removed = [_row(old[i]) for i in old if i not in new]
    changed = []
    for eid in new:
        if eid in old:
            what = _changes(old[eid], new[eid])
            if what:
                changed.append({**_row(new[eid]), "changes": what})
    return {"added": added, "removed": removed, "changed": changed}
