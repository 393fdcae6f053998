"""The process studio's use cases: a service's current files, validate, save a draft, activate, diff.

Every change goes through :mod:`app.processes.deploy` (the one deploy pipeline); this module turns
what the browser or an upload sends into :class:`~app.processes.deploy.ModelFiles` and back.
"""
import json

from sqlalchemy import select

from ..errors import Invalid, NotFound, TooLarge
from ..extensions import db
from ..models import ProcessVersion, Service
from ..processes import deploy as pipeline
from . import version_diff

#: Caps on what one save or upload may carry (each XML file is also capped at 2 MB by the engine).
MAX_FILES = 40
MAX_TOTAL_BYTES = 8 * 1024 * 1024
MAX_JSON_BYTES = 512 * 1024


def get_service(key: str) -> Service:
    """Any catalogue entry, open or not yet opened (the studio works on both)."""
    service = db.session.scalar(select(Service).where(Service.key == key))
    if service is None:
        raise NotFound(f"There is no service '{key}' in the catalogue.")
    return service


def versions(service_key: str) -> list[ProcessVersion]:
    return list(db.session.scalars(select(ProcessVersion).where(ProcessVersion.process_key == service_key)
                                   .order_by(ProcessVersion.version.desc())))


def version_api(v: ProcessVersion) -> dict:
    return {"version": v.version, "status": v.status, "created_at": v.created_at.isoformat(),
            "created_by": v.created_by, "sha256": v.sha256}


def list_models(page: int, per_page: int) -> tuple[list[dict], int]:
    """Every catalogue service with its active version number and its versions, newest first."""
    services = list(db.session.scalars(select(Service).order_by(Service.key)))
    rows = []
    for service in services[(page - 1) * per_page: page * per_page]:
        vs = versions(service.key)
        active = next((v.version for v in vs if v.status == "active"), None)
        rows.append({"service": service.key, "active_version": active, "open": service.active,
                     "versions": [version_api(v) for v in vs]})
    return rows, len(services)


def base_version(service_key: str, number: int | None = None) -> ProcessVersion | None:
    """The version the studio opens: the one asked for, else the newest draft, else the active one."""
    if number is not None:
        return pipeline.get_version(service_key, number)
    vs = versions(service_key)
    newest = vs[0] if vs else None
    active = next((v for v in vs if v.status == "active"), None)
    return newest if newest is not None and newest.status == "draft" else active or newest


def files_payload(files: pipeline.ModelFiles) -> dict:
    """ModelFiles as the browser edits them (text and JSON, not bytes)."""
    return {"bpmn": next(iter(files.bpmn.values())).decode("utf-8") if files.bpmn else "",
            "dmn": {k: v.decode("utf-8") for k, v in files.dmn.items()},
            "forms": files.forms, "samples": files.samples,
            "templates": dict(files.templates)}


def current_files(service_key: str, number: int | None = None) -> tuple[pipeline.ModelFiles, ProcessVersion | None]:
    get_service(service_key)
    version = base_version(service_key, number)
    if version is None:
        return pipeline.ModelFiles({f"{service_key}.bpmn": b""}, {}, {}, {}), None
    return pipeline.files_of(version), version


def _problem(file: str, message: str) -> dict:
    return {"file": file, "element_id": None, "line": None, "message": message}


def files_from_payload(service_key: str, body: dict) -> pipeline.ModelFiles:
    """What the studio page posts: ``{"bpmn", "dmn": {name: xml}, "forms": {key: schema},
    "samples": {dmn name: [...]}, "templates"?: {file name: text}}``; templates not sent are kept from the
    version it started from."""
    if not isinstance(body, dict) or not isinstance(body.get("bpmn"), str):
        raise Invalid("Send the model as JSON with the BPMN XML in 'bpmn'.", fields={"bpmn": "is required"})
    unknown = set(body) - {"bpmn", "dmn", "forms", "samples", "templates", "base_version"}
    if unknown:
        raise Invalid("Unknown fields.", fields={k: "is not a field of this request" for k in sorted(unknown)})
    dmn, forms, samples = body.get("dmn") or {}, body.get("forms") or {}, body.get("samples") or {}
    sent_templates = body.get("templates") or {}
    if not all(isinstance(x, dict) for x in (dmn, forms, samples, sent_templates)):
        raise Invalid("dmn, forms, samples and templates must be objects.")
    if len(dmn) + len(forms) + len(sent_templates) + 1 > MAX_FILES:
        raise TooLarge(f"At most {MAX_FILES} files at once.")
    problems = []
    for name, xml in dmn.items():
        if not isinstance(xml, str) or not name.endswith(".dmn"):
            problems.append(_problem(str(name), "a DMN file must be named *.dmn and hold XML text"))
    for key, schema in forms.items():
        if not isinstance(schema, dict):
            problems.append(_problem(f"forms/{key}.json", "a form must be a JSON object (a JSON Schema)"))
    for name, text in sent_templates.items():
        if not isinstance(text, str) or name != _safe_name(name):
            problems.append(_problem(f"certificate_templates/{name}", "a certificate template is a named text file"))
    if problems:
        raise pipeline.InvalidModel(problems)
    base = base_version(service_key, body.get("base_version") if isinstance(body.get("base_version"), int) else None)
    templates = dict(base.certificate_templates or {}) if base is not None else {}
    templates.update(sent_templates)
    return pipeline.ModelFiles({f"{service_key}.bpmn": body["bpmn"].encode("utf-8")},
                               {k: v.encode("utf-8") for k, v in dmn.items()}, forms,
                               templates, {k: v for k, v in samples.items() if k in dmn})


def files_from_upload(service_key: str, bpmn, dmn: list, forms: list, templates: list) -> pipeline.ModelFiles:
    """Multipart upload (API, or the studio's import form): werkzeug FileStorage objects.

    ``dmn`` files named ``*.samples.json`` are the sample rows of the DMN with the same stem;
    forms are named by their form key (``<key>.json``); templates keep their file names.
    """
    if bpmn is None:
        raise Invalid("Upload the BPMN file as 'bpmn'.", fields={"bpmn": "is required"})
    uploads = [bpmn, *dmn, *forms, *templates]
    if len(uploads) > MAX_FILES:
        raise TooLarge(f"At most {MAX_FILES} files at once.")
    contents, total = {}, 0
    for f in uploads:
        data = f.read(MAX_TOTAL_BYTES + 1)
        total += len(data)
        if total > MAX_TOTAL_BYTES:
            raise TooLarge(f"The upload is larger than {MAX_TOTAL_BYTES // (1024 * 1024)} MB.")
        contents[id(f)] = data
    problems, dmn_files, samples, form_files, template_files = [], {}, {}, {}, {}
    for f in dmn:
        name = _safe_name(f.filename)
        if name.endswith(pipeline.SAMPLES_SUFFIX):
            samples[name[:-len(pipeline.SAMPLES_SUFFIX)] + ".dmn"] = _json(name, contents[id(f)], problems)
        else:
            dmn_files[name] = contents[id(f)]
    for f in forms:
        name = _safe_name(f.filename)
        key = name[:-5] if name.endswith(".json") else name
        form_files[key] = _json(name, contents[id(f)], problems)
    for f in templates:
        try:
            template_files[_safe_name(f.filename)] = contents[id(f)].decode("utf-8")
        except UnicodeDecodeError:
            problems.append(_problem(f.filename, "a certificate template must be UTF-8 text"))
    if problems:
        raise pipeline.InvalidModel(problems)
    return pipeline.ModelFiles({f"{service_key}.bpmn": contents[id(bpmn)]}, dmn_files, form_files,
                               template_files, {k: v for k, v in samples.items() if k in dmn_files})


def _safe_name(name: str | None) -> str:
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not base or base.startswith("."):
        raise Invalid("Every uploaded file needs a name.", fields={"file": "has no name"})
    return base


def _json(name: str, data: bytes, problems: list):
    if len(data) > MAX_JSON_BYTES:
        problems.append(_problem(name, f"larger than {MAX_JSON_BYTES // 1024} KB"))
        return None
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        problems.append(_problem(name, f"not valid JSON: {exc}"))
        return None


def validate(actor, service_key: str, files: pipeline.ModelFiles) -> dict:
    """The whole deploy pipeline, nothing stored. :raises InvalidModel: with the problems."""
    pipeline.require_analyst(actor)
    get_service(service_key)
    report = pipeline.check(service_key, files)
    return {"ok": True, "warnings": report.warnings, "paths": report.paths, "ends": report.ends}


def save_draft(actor, service_key: str, files: pipeline.ModelFiles) -> tuple[ProcessVersion, bool]:
    """Check and store a draft version (identical files give back the stored version)."""
    get_service(service_key)
    return pipeline.deploy(service_key, files, actor=actor, activate=False)


def activate(actor, service_key: str, number: int) -> ProcessVersion:
    get_service(service_key)
    return pipeline.activate(service_key, number, actor=actor)


def diff(service_key: str, old: int, new: int) -> dict:
    """Everything activating ``new`` instead of ``old`` would change (see :mod:`.version_diff`)."""
    return version_diff.diff(service_key, old, new)
