"""Deploying process models: files → engine build + lint → a new ``process_version``.

A service's model is ``bpmn/<key>.bpmn``, the DMN files defining the decisions it references, the
forms its user tasks name (``camunda:formKey``) plus its application form ``forms/<key>.json``, and
its certificate templates. Deploying identical files again changes nothing.
"""
import json
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from sqlalchemy import func, select

from .. import clock, engine
from ..audit.operations import record as audit
from ..errors import DomainError
from ..extensions import db
from ..models import ProcessVersion
from ..models.people import ROLES

CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
_SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class InvalidModel(DomainError):
    status = 422
    code = "invalid_model"

    def __init__(self, problems: list[dict]):
        super().__init__("The process model has problems; nothing was deployed.", problems=problems)
        self.problems = problems


@dataclass
class ModelFiles:
    bpmn: dict[str, bytes]
    dmn: dict[str, bytes]
    forms: dict[str, dict]
    templates: dict[str, str]


def referenced_names(bpmn_xml: bytes) -> tuple[set[str], set[str]]:
    """(form keys, decision ids) a BPMN file refers to; empty sets if it does not parse."""
    try:
        root = etree.fromstring(bpmn_xml, _SAFE)
    except etree.XMLSyntaxError:
        return set(), set()
    forms = {el.get(f"{{{CAMUNDA}}}formKey") for el in root.iter() if el.get(f"{{{CAMUNDA}}}formKey")}
    decisions = {el.get(f"{{{CAMUNDA}}}decisionRef") for el in root.iter() if el.get(f"{{{CAMUNDA}}}decisionRef")}
    return forms, decisions


def _decision_ids(dmn_xml: bytes) -> set[str]:
    try:
        root = etree.fromstring(dmn_xml, _SAFE)
    except etree.XMLSyntaxError:
        return set()
    return {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.tag.endswith("}decision")}


def collect_files(service_key: str, dirs: dict[str, Path]) -> ModelFiles:
    """Gather the files of one service from the model directories."""
    bpmn_path = dirs["bpmn"] / f"{service_key}.bpmn"
    bpmn = {bpmn_path.name: bpmn_path.read_bytes()}
    form_keys, decisions = referenced_names(bpmn[bpmn_path.name])
    form_keys.add(service_key)
    dmn = {}
    for path in sorted(dirs["dmn"].glob("*.dmn")):
        content = path.read_bytes()
        if _decision_ids(content) & decisions:
            dmn[path.name] = content
    forms = {}
    for key in sorted(form_keys):
        path = dirs["forms"] / f"{key}.json"
        if path.exists():
            forms[key] = json.loads(path.read_text(encoding="utf-8"))
    templates = {}
    tdir = dirs.get("certificate_templates")
    if tdir and tdir.is_dir():
        for name in ("base.html", f"{service_key}.html"):
            if (tdir / name).exists():
                templates[name] = (tdir / name).read_text(encoding="utf-8")
    return ModelFiles(bpmn, dmn, forms, templates)


def deploy(service_key: str, files: ModelFiles, *, actor=None, activate: bool = True) -> tuple[ProcessVersion, bool]:
    """Build, lint and store a version; make it active if asked.

    :returns: ``(version, created)`` — ``created`` is False when identical files were already deployed.
    :raises InvalidModel: with element-level problems; nothing is written.
    """
    if service_key not in files.forms:
        raise InvalidModel([{"file": f"forms/{service_key}.json", "element_id": None, "line": None,
                             "message": f"the application form forms/{service_key}.json is missing"}])
    try:
        built = engine.build(files.bpmn, files.dmn, files.forms, process_id=service_key,
                             known_roles=set(ROLES), known_topics=engine.registered_topics())
    except engine.InvalidModel as exc:
        raise InvalidModel([p._asdict() for p in exc.problems]) from None
    existing = db.session.scalar(select(ProcessVersion).where(
        ProcessVersion.process_key == service_key, ProcessVersion.sha256 == built.sha256)
        .order_by(ProcessVersion.version.desc()).limit(1))
    if existing is not None:
        if activate and existing.status != "active":
            _activate(existing, actor)
            return existing, True
        return existing, False
    number = (db.session.scalar(select(func.max(ProcessVersion.version))
                                .where(ProcessVersion.process_key == service_key)) or 0) + 1
    version = ProcessVersion(
        process_key=service_key, version=number, bpmn_xml=next(iter(files.bpmn.values())).decode("utf-8"),
        dmn_xml={k: v.decode("utf-8") for k, v in files.dmn.items()}, forms=files.forms,
        certificate_templates=files.templates, spec_json=built.spec_json, task_meta=built.task_meta,
        sha256=built.sha256, status="draft", created_by=getattr(getattr(actor, "user", actor), "username", None),
        created_at=clock.now())
    db.session.add(version)
    db.session.flush()
    audit("deployed", "process_version", f"{service_key}:{number}", actor=actor, data={"sha256": built.sha256})
    if activate:
        _activate(version, actor)
    return version, True


def _activate(version: ProcessVersion, actor) -> None:
    for current in db.session.scalars(select(ProcessVersion).where(
            ProcessVersion.process_key == version.process_key, ProcessVersion.status == "active")):
        current.status = "retired"
    version.status = "active"
    db.session.flush()
    audit("activated", "process_version", f"{version.process_key}:{version.version}", actor=actor)


def active_version(service_key: str) -> ProcessVersion | None:
    return db.session.scalar(select(ProcessVersion).where(
        ProcessVersion.process_key == service_key, ProcessVersion.status == "active"))
