"""What activating a version would change, over every part of it: BPMN elements (``engine.diff_models``),
DMN files and certificate templates (line diffs), forms (fields added, removed, changed, reordered) and
the catalogue (the published SLA the version's escalation matrix gives; opening a new service).

The studio shows this before it asks the analyst to confirm an activation.
"""
import difflib
import json

from sqlalchemy import select

from .. import engine
from ..extensions import db
from ..models import ProcessVersion, Service
from ..processes import deploy as pipeline
from ..processes import published_sla

#: Lines of a text diff kept per file (the rest is counted, not shown).
MAX_LINES = 400


def _text_diff(old: dict, new: dict, prefix: str) -> list[dict]:
    out = []
    for name in sorted(set(old) | set(new)):
        a, b = old.get(name), new.get(name)
        if a == b:
            continue
        a_text = a.decode("utf-8") if isinstance(a, bytes) else (a or "")
        b_text = b.decode("utf-8") if isinstance(b, bytes) else (b or "")
        lines = list(difflib.unified_diff(a_text.splitlines(), b_text.splitlines(), f"{prefix}{name}",
                                          f"{prefix}{name}", lineterm="", n=2))
        out.append({"file": f"{prefix}{name}", "status": "added" if a is None else "removed" if b is None else "changed",
                    "diff": lines[:MAX_LINES], "more_lines": max(len(lines) - MAX_LINES, 0)})
    return out


def _form_diff(old: dict, new: dict) -> list[dict]:
    out = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a == b and list((a or {}).get("properties") or {}) == list((b or {}).get("properties") or {}):
            continue
        if a is None or b is None:
            out.append({"file": f"forms/{key}.json", "status": "added" if a is None else "removed"})
            continue
        pa, pb = a.get("properties") or {}, b.get("properties") or {}
        common = [f for f in pa if f in pb]
        out.append({"file": f"forms/{key}.json", "status": "changed",
                    "fields_added": [f for f in pb if f not in pa], "fields_removed": [f for f in pa if f not in pb],
                    "fields_changed": [f for f in common if pa[f] != pb[f]],
                    "reordered": [f for f in pb if f in pa] != common,
                    "form_changed": {k: v for k, v in a.items() if k != "properties"}
                    != {k: v for k, v in b.items() if k != "properties"}})
    return out


def _catalogue_diff(new_version: ProcessVersion, new_files) -> list[dict]:
    service = db.session.scalar(select(Service).where(Service.key == new_version.process_key))
    if service is None:
        return []
    out = []
    derived = published_sla.derive(new_version.process_key, new_version.task_meta, new_files.dmn, service.sla)
    if derived is not None and published_sla.numbers(derived) != published_sla.numbers(service.sla):
        out.append({"field": "sla", "from": service.sla, "to": derived})
    if pipeline.opens_service(service, new_version):
        out.append({"field": "active", "from": False, "to": True})
    return out


def diff(service_key: str, old: int, new: int) -> dict:
    """``{from, to, added, removed, changed (BPMN), dmn, forms, templates, catalogue}``."""
    a, b = pipeline.get_version(service_key, old), pipeline.get_version(service_key, new)
    fa, fb = pipeline.files_of(a), pipeline.files_of(b)
    samples_a = {pipeline.samples_name(k): json.dumps(v, ensure_ascii=False, indent=1) for k, v in fa.samples.items()}
    samples_b = {pipeline.samples_name(k): json.dumps(v, ensure_ascii=False, indent=1) for k, v in fb.samples.items()}
    return {"from": old, "to": new, **engine.diff_models(a.bpmn_xml, b.bpmn_xml),
            "dmn": _text_diff({**fa.dmn, **samples_a}, {**fb.dmn, **samples_b}, "dmn/"),
            "forms": _form_diff(fa.forms, fb.forms),
            "templates": _text_diff(fa.templates, fb.templates, "certificate_templates/"),
            "catalogue": _catalogue_diff(b, fb)}
