"""Deploying process models: files → engine build + lint → a new ``process_version``.

A service's model is ``bpmn/<key>.bpmn``, the DMN files defining the decisions it references, the
forms its user tasks name (``camunda:formKey``) plus its application form ``forms/<key>.json``, and
its certificate templates (``certificate_templates/<key>.typ``, the shared ``_*.typ`` parts it
imports and ``acknowledgement.typ``, the receipt), and the DMN sample rows beside each DMN
(``dmn/<name>.samples.json``). Deploying identical files again changes nothing.

The pipeline (:func:`check`): application form present → forms (:mod:`.form_check`) and lanes
(:mod:`.work_lands`) checked → engine build (safe XML, XSD, lint, Spiff parse) → DMN samples run
through the engine → dry run of every path with timers fired and service tasks stubbed → certificate
templates compiled with a sample context (app/certificates/template_check) → routes that would
strand a task (a warning here, refused at activation). :func:`deploy` stores a draft (or active) version only when all of it passes;
:func:`activate` makes a stored version the one new applications use (running ones keep theirs).
"""
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from lxml import etree
from sqlalchemy import func, select

from .. import clock, engine, policy
from ..audit.operations import record as audit
from ..certificates.template_check import DEFAULT_SECONDS as TEMPLATE_SECONDS
from ..certificates.template_check import check_templates
from ..errors import DomainError, Forbidden, NotFound
from ..extensions import db
from ..inputs import MAX_INT
from ..models import ProcessVersion, Service
from ..models.people import ROLES
from . import import_advice, published_sla, work_lands
from .form_check import check_forms

CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
_SAFE = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


class InvalidModel(DomainError):
    status = 422
    code = "invalid_model"

    def __init__(self, problems: list[dict], message: str = "The process model has problems; nothing was deployed."):
        super().__init__(message, problems=problems)
        self.problems = problems
        #: plain-words advice for a diagram made for another engine (set by :func:`check`)
        self.advice: list[str] = []


@dataclass
class ModelFiles:
    bpmn: dict[str, bytes]
    dmn: dict[str, bytes]
    forms: dict[str, dict]
    templates: dict[str, str]
    #: {DMN file name: [{"decision"?, "inputs", "expect"}]}
    samples: dict[str, list] = field(default_factory=dict)


SAMPLES_SUFFIX = ".samples.json"


def samples_name(dmn_name: str) -> str:
    """``routing.dmn`` → ``routing.samples.json``."""
    return dmn_name[:-4] + SAMPLES_SUFFIX if dmn_name.endswith(".dmn") else dmn_name + SAMPLES_SUFFIX


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
    samples = {}
    for name in dmn:
        path = dirs["dmn"] / samples_name(name)
        if path.exists():
            samples[name] = json.loads(path.read_text(encoding="utf-8"))
    forms = {}
    for key in sorted(form_keys):
        path = dirs["forms"] / f"{key}.json"
        if path.exists():
            forms[key] = json.loads(path.read_text(encoding="utf-8"))
    templates = {}
    tdir = dirs.get("certificate_templates")
    if tdir and tdir.is_dir():
        wanted = {f"{service_key}.typ", "acknowledgement.typ"} | {p.name for p in tdir.glob("_*.typ")}
        for name in sorted(wanted):
            if (tdir / name).is_file():
                templates[name] = (tdir / name).read_text(encoding="utf-8")
    return ModelFiles(bpmn, dmn, forms, templates, samples)


def files_of(version: ProcessVersion) -> ModelFiles:
    """The files a stored version was deployed from (samples are kept beside the DMN XML)."""
    dmn = {k: v.encode("utf-8") for k, v in (version.dmn_xml or {}).items() if not k.endswith(SAMPLES_SUFFIX)}
    samples = {name: json.loads(version.dmn_xml[samples_name(name)]) for name in dmn
               if samples_name(name) in (version.dmn_xml or {})}
    return ModelFiles({f"{version.process_key}.bpmn": version.bpmn_xml.encode("utf-8")}, dmn,
                      dict(version.forms or {}), dict(version.certificate_templates or {}), samples)


@dataclass
class CheckReport:
    built: object
    #: dry-run notes that do not block a deploy (tasks no path reached, paths not checkable)
    warnings: list = field(default_factory=list)
    paths: int = 0
    ends: list = field(default_factory=list)


#: Side-effect-free stand-ins for the core topics during the dry run (other areas pass
#: ``dry_run=`` to ``engine.register_service``).
CORE_DRY_RUN = {
    "assign_processing_office": lambda call: {"processing_office": "DRY-RUN-OFFICE"},
    "record_decision": lambda call: {"decision": call.properties.get("status")},
}


def dry_run_seed(service_key: str, forms: dict) -> dict:
    """The variables an application starts with (see runner.start_application), with sample values."""
    service = db.session.scalar(select(Service).where(Service.key == service_key))
    return {"service_key": service_key, "service_level": getattr(service, "level", None) or "BLOCK",
            "location_level": "GP", "location_lgd": "000000", "channel": "CSC", "tatkal": False,
            "form": engine.sample_from_schema(forms.get(service_key) or {})}


def _problem_dicts(problems) -> list[dict]:
    return [p._asdict() for p in problems]


def _checks(service_key: str, files: ModelFiles, seed: dict):
    """The pure part of :func:`check` (no database): runs in a time-limited child process.

    :returns: ``("invalid", problems)`` or ``("ok", (built, warnings, paths, ends))``.
    """
    form_problems = check_forms(files.forms) + work_lands.lane_problems(files.bpmn)
    try:
        built = engine.build(files.bpmn, files.dmn, files.forms, process_id=service_key,
                             known_roles=set(ROLES), known_topics=engine.registered_topics())
    except engine.InvalidModel as exc:
        return "invalid", form_problems + _problem_dicts(exc.problems)
    if form_problems:
        return "invalid", form_problems
    problems = _problem_dicts(engine.run_dmn_samples(files.dmn, files.samples))
    result = engine.dry_run(built.spec_json, files.forms, seed,
                            stubs=CORE_DRY_RUN, locate=engine.build_locator(files.bpmn))
    problems += _problem_dicts(result.problems)
    if problems:
        return "invalid", problems
    warnings = [{"file": next(iter(files.bpmn)), "element_id": eid, "line": None,
                 "message": "the dry run reached this task on no path"} for eid in result.unreached]
    warnings += _problem_dicts(result.warnings)
    return "ok", (built, warnings, result.branches, sorted(result.ends))


def check(service_key: str, files: ModelFiles) -> CheckReport:
    """Run the whole deploy pipeline without storing anything.

    The engine's part (build, DMN samples, dry run of every path) runs in a child process limited
    to ``MODEL_CHECK_SECONDS`` (``engine.run_limited``), so a hostile or huge model cannot hold
    the worker that received it.

    :raises InvalidModel: with every problem found (element id and line where known).
    """
    try:
        return _check(service_key, files)
    except InvalidModel as exc:
        bpmn = next(iter(files.bpmn.values()), b"")
        exc.advice = import_advice.advise(bpmn, service_key, engine.registered_topics())
        if exc.advice:
            exc.extra["advice"] = exc.advice
        raise


def _check(service_key: str, files: ModelFiles) -> CheckReport:
    if service_key not in files.forms:
        raise InvalidModel([{"file": f"forms/{service_key}.json", "element_id": None, "line": None,
                             "message": f"the application form forms/{service_key}.json is missing"}])
    seed = dry_run_seed(service_key, files.forms)
    seconds = float(current_app.config.get("MODEL_CHECK_SECONDS", 20.0))
    bpmn_name = next(iter(files.bpmn), f"{service_key}.bpmn")
    try:
        outcome, value = engine.run_limited(_checks, service_key, files, seed, seconds=seconds)
    except engine.CheckTimedOut as exc:
        raise InvalidModel([{"file": bpmn_name, "element_id": None, "line": None,
                             "message": f"{exc}: simplify the model (fewer paths, smaller tables); "
                                        "nothing was stored"}]) from None
    except engine.CheckFailed as exc:
        raise InvalidModel([{"file": bpmn_name, "element_id": None, "line": None,
                             "message": f"the model could not be checked ({exc}); nothing was stored"}]) from None
    if outcome == "invalid":  # refused already: do not spend a compile on its templates
        raise InvalidModel(value)
    template_problems = check_templates(
        service_key, files.templates, files.forms,
        service=db.session.scalar(select(Service).where(Service.key == service_key)),
        seconds=float(current_app.config.get("CERTIFICATE_CHECK_SECONDS", TEMPLATE_SECONDS)),
        settings=current_app.config)
    if template_problems:
        raise InvalidModel(template_problems)
    built, warnings, paths, ends = value
    _check_fee(service_key, built, bpmn_name)
    warnings += work_lands.stranded_tasks(service_key, built.task_meta, files.dmn, files.bpmn, seed)
    return CheckReport(built, warnings, paths, ends)


def _check_fee(service_key: str, built, bpmn_name: str) -> None:
    """A payment step needs a fee in the catalogue, or every application would stop there."""
    steps = [eid for eid, meta in built.task_meta.items() if meta.get("topic") == "request_payment"]
    if not steps:
        return  # most services have no payment step: no catalogue read
    service = db.session.scalar(select(Service).where(Service.key == service_key))
    if service is not None and not (service.fee or 0) > 0:
        raise InvalidModel([{"file": bpmn_name, "element_id": eid, "line": None,
                             "message": "this step asks for the service's fee, but the catalogue gives the "
                                        "service no fee; set the fee first (PATCH /api/v1/services/<key>)"}
                            for eid in steps])


def _version_sha(built, files: ModelFiles) -> str:
    """The engine's hash of the model, extended by templates and samples when there are any."""
    return _extend_sha(built.sha256, files)


def files_sha(files: ModelFiles) -> str:
    """The hash a version deployed from ``files`` would carry, without building it (cheap)."""
    return _extend_sha(engine.sha256_of(files.bpmn, files.dmn, files.forms), files)


def _extend_sha(model_sha: str, files: ModelFiles) -> str:
    if not files.templates and not files.samples:
        return model_sha
    h = hashlib.sha256(model_sha.encode())
    h.update(json.dumps([files.templates, files.samples], sort_keys=True, ensure_ascii=False).encode())
    return h.hexdigest()


def require_analyst(actor) -> None:
    """Only analysts change process models (``actor=None`` is the operator's CLI)."""
    if actor is not None:
        policy.require_role(actor, policy.MODELLERS, "Only a process analyst may deploy or activate process models.")


def deploy(service_key: str, files: ModelFiles, *, actor=None, activate: bool = True) -> tuple[ProcessVersion, bool]:
    """Check (see :func:`check`) and store a version; make it active if asked, else leave it a draft.

    :returns: ``(version, created)`` — ``created`` is False when identical files were already deployed.
    :raises InvalidModel: with element-level problems; nothing is written.
    """
    require_analyst(actor)
    built = check(service_key, files).built
    sha = _version_sha(built, files)
    existing = db.session.scalar(select(ProcessVersion).where(
        ProcessVersion.process_key == service_key, ProcessVersion.sha256 == sha)
        .order_by(ProcessVersion.version.desc()).limit(1))
    if existing is not None:
        if activate and existing.status != "active":
            _activate(existing, actor)
            return existing, True
        return existing, False
    number = (db.session.scalar(select(func.max(ProcessVersion.version))
                                .where(ProcessVersion.process_key == service_key)) or 0) + 1
    dmn_xml = {k: v.decode("utf-8") for k, v in files.dmn.items()}
    dmn_xml.update({samples_name(k): json.dumps(v, ensure_ascii=False, indent=1) for k, v in files.samples.items()})
    version = ProcessVersion(
        process_key=service_key, version=number, bpmn_xml=next(iter(files.bpmn.values())).decode("utf-8"),
        dmn_xml=dmn_xml, forms=files.forms,
        certificate_templates=files.templates, spec_json=built.spec_json, task_meta=built.task_meta,
        sha256=sha, status="draft", created_by=getattr(getattr(actor, "user", actor), "username", None),
        created_at=clock.now())
    db.session.add(version)
    db.session.flush()
    audit("deployed", "process_version", f"{service_key}:{number}", actor=actor, data={"sha256": sha})
    if activate:
        _activate(version, actor)
    return version, True


def get_version(service_key: str, number: int) -> ProcessVersion:
    if not isinstance(number, int) or not 1 <= number <= MAX_INT:  # version is an INTEGER column
        raise NotFound(f"There is no version {number} of the process '{service_key}'.")
    version = db.session.scalar(select(ProcessVersion).where(
        ProcessVersion.process_key == service_key, ProcessVersion.version == number))
    if version is None:
        raise NotFound(f"There is no version {number} of the process '{service_key}'.")
    return version


def activate(service_key: str, number: int, *, actor=None) -> ProcessVersion:
    """Make a stored version the one new applications start on; running applications keep theirs.

    A catalogue entry created in the studio opens (``active``) once a version carrying its
    application form and certificate template is activated.
    """
    require_analyst(actor)
    version = get_version(service_key, number)
    service = db.session.scalar(select(Service).where(Service.key == service_key))
    template = f"{service_key}.typ"
    if service is not None and service.active and template not in (version.certificate_templates or {}):
        raise InvalidModel([{"file": f"certificate_templates/{template}", "element_id": None, "line": None,
                             "message": f"version {number} has no certificate template {template}: an open "
                                        "service could not issue certificates; upload the template first"}])
    if version.status != "active":
        _activate(version, actor)
    if opens_service(service, version):
        service.active = True
        audit("opened", "service", service_key, actor=actor, data={"version": version.version})
    db.session.flush()
    return version


def opens_service(service: Service | None, version: ProcessVersion) -> bool:
    """Whether activating ``version`` opens a catalogue entry that is not open yet: it carries the
    service's application form and certificate template."""
    key = version.process_key
    return (service is not None and not service.active and key in (version.forms or {})
            and f"{key}.typ" in (version.certificate_templates or {}))


def _activate(version: ProcessVersion, actor) -> None:
    """Make ``version`` the active one, unless some route would leave one of its tasks in nobody's inbox.

    :raises InvalidModel: the stranded tasks (see :mod:`.work_lands`); nothing changes.
    """
    files = files_of(version)
    stranded = work_lands.stranded_tasks(version.process_key, version.task_meta, files.dmn, files.bpmn,
                                         dry_run_seed(version.process_key, files.forms))
    if stranded:
        raise InvalidModel(stranded, message=f"Version {version.version} was not activated: with it, some "
                                             "applications would wait in nobody's inbox.")
    previous = None
    for current in db.session.scalars(select(ProcessVersion).where(
            ProcessVersion.process_key == version.process_key, ProcessVersion.status == "active")):
        current.status, previous = "retired", current.version
    version.status = "active"
    db.session.flush()
    audit("activated", "process_version", f"{version.process_key}:{version.version}", actor=actor,
          data={"before": {"active_version": previous}, "after": {"active_version": version.version}})
    _publish_sla(version, files, actor)


def _publish_sla(version: ProcessVersion, files: ModelFiles, actor) -> None:
    """The catalogue's published SLA follows the escalation matrix of the version made active."""
    service = db.session.scalar(select(Service).where(Service.key == version.process_key))
    derived = published_sla.derive(version.process_key, version.task_meta, files.dmn,
                                   service.sla if service is not None else None)
    if service is None or derived is None or derived == service.sla:
        return
    service.sla = derived
    audit("sla_published", "service", service.key, actor=actor,
          data={"version": version.version, "total_days": derived["total_days"]})


def active_version(service_key: str) -> ProcessVersion | None:
    return db.session.scalar(select(ProcessVersion).where(
        ProcessVersion.process_key == service_key, ProcessVersion.status == "active"))
