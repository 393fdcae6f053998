"""Reading the catalogue and geography; loading the shipped catalogue data."""
import json
from pathlib import Path

from sqlalchemy import func, select

from .. import formschema, policy
from ..audit.operations import record as audit
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..models import Department, Location, Service
from ..processes import published_sla
from ..processes.deploy import active_version, files_of

CATALOGUE_FILE = Path(__file__).with_name("services.json")


def load_catalogue(path: Path = CATALOGUE_FILE, *, update: bool = False) -> list[str]:
    """Create departments and services from the catalogue file; existing rows are kept unless ``update``.

    :returns: the keys of services created or updated.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    departments = {}
    for row in data["departments"]:
        dept = db.session.scalar(select(Department).where(Department.code == row["code"]))
        if dept is None:
            dept = Department(code=row["code"])
            db.session.add(dept)
        if dept.id is None or update:
            dept.name, dept.name_bn = row["name"], row.get("name_bn")
        departments[row["code"]] = dept
    db.session.flush()
    changed = []
    for row in data["services"]:
        service = db.session.scalar(select(Service).where(Service.key == row["key"]))
        if service is not None and not update:
            continue
        if service is None:
            service = Service(key=row["key"])
            db.session.add(service)
        fields = {k: v for k, v in row.items() if k != "department"}
        for key, value in fields.items():
            setattr(service, key, value)
        service.department = departments[row["department"]]
        changed.append(row["key"])
    db.session.flush()
    return changed


def list_services(page: int, per_page: int) -> tuple[list[Service], int]:
    query = select(Service).where(Service.active.is_(True)).order_by(Service.department_id, Service.service_code)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    return db.session.scalars(query.offset((page - 1) * per_page).limit(per_page)).all(), total


def get_service(key: str) -> Service:
    service = db.session.scalar(select(Service).where(Service.key == key, Service.active.is_(True)))
    if service is None:
        raise NotFound(f"There is no service '{key}'.")
    return service


def application_form(key: str) -> dict:
    """The JSON Schema of a service's application form, from its active process version."""
    service = get_service(key)
    version = active_version(service.key)
    if version is None or service.key not in version.forms:
        raise NotFound(f"The service '{key}' is not open for applications yet.")
    return version.forms[service.key]


def task_form(service_key: str, form_key: str) -> dict:
    version = active_version(service_key)
    if version is None or form_key not in version.forms:
        raise NotFound(f"There is no form '{form_key}' for the service '{service_key}'.")
    return version.forms[form_key]


def list_locations(parent_code: str | None, page: int, per_page: int) -> tuple[list[Location], int]:
    if parent_code:
        parent = db.session.scalar(select(Location).where(Location.lgd_code == parent_code))
        if parent is None:
            raise NotFound(f"There is no location with LGD code {parent_code}.",
                           fields={"parent": "unknown LGD code"})
        query = select(Location).where(Location.parent_id == parent.id)
    else:
        query = select(Location).where(Location.level == "DISTRICT")
    query = query.order_by(Location.name)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    return db.session.scalars(query.offset((page - 1) * per_page).limit(per_page)).all(), total


#: What ``POST /api/v1/services`` accepts: the fields ``GET /api/v1/services`` returns.
SERVICE_SCHEMA = {
    "type": "object", "additionalProperties": False,
    "required": ["key", "name", "department", "service_code", "level"],
    "properties": {
        "key": {"type": "string", "pattern": "^[a-z][a-z0-9_]{2,59}$"},
        "name": {"type": "object", "additionalProperties": False, "required": ["en"], "properties": {
            "en": {"type": "string", "minLength": 3, "maxLength": 200},
            "bn": {"type": ["string", "null"], "maxLength": 200}}},
        "department": {"type": "object", "additionalProperties": True, "required": ["code"],
                       "properties": {"code": {"type": "string", "pattern": "^[A-Z]{3}$"}}},
        "service_code": {"type": "string", "pattern": "^[0-9]{3}$"},
        "level": {"enum": ["GP", "BLOCK", "SUBDIVISION", "DISTRICT", "MUNICIPALITY"]},
        "bilingual": {"type": "boolean"}, "tatkal_available": {"type": "boolean"},
        "fifo_enforced": {"type": "boolean"}, "fee": {"type": "integer", "minimum": 0, "maximum": 100000},
        "documents": {"type": "array", "maxItems": 30, "items": {
            "type": "object", "additionalProperties": False, "required": ["type", "name"], "properties": {
                "type": {"type": "string", "pattern": "^[a-z][a-z0-9_]{1,59}$"},
                "name": {"type": "string", "minLength": 1, "maxLength": 300},
                "name_bn": {"type": "string", "maxLength": 300}, "required": {"type": "boolean"}}}},
        "sla": {"type": "object"},
        "digilocker_doc_type": {"type": ["string", "null"], "pattern": "^[A-Z0-9]{2,10}$"},
    },
}


def create_service(actor, body: dict) -> Service:
    """A new catalogue entry (ADMIN or ANALYST), closed until a process version with its application
    form and certificate template is activated (``processes.deploy.activate``).

    :raises Invalid: bad or unknown fields; :raises Conflict: the key, or the code within the
        department, is taken.
    """
    policy.require_role(actor, policy.CATALOGUE_EDITORS, "Only an administrator or a process analyst may add a service.")
    errors = formschema.field_errors(SERVICE_SCHEMA, body, prefix="body")
    if errors:
        raise Invalid("Please correct the fields listed.", fields=errors)
    department = db.session.scalar(select(Department).where(Department.code == body["department"]["code"]))
    if department is None:
        raise Invalid("There is no such department.", fields={"body.department.code": "unknown department"})
    if db.session.scalar(select(Service.id).where(Service.key == body["key"])) is not None:
        raise Conflict(f"A service with the key '{body['key']}' exists already.", code="duplicate_key")
    if db.session.scalar(select(Service.id).where(Service.department_id == department.id,
                                                  Service.service_code == body["service_code"])) is not None:
        raise Conflict(f"The department {department.code} already has a service with the code "
                       f"{body['service_code']}.", code="duplicate_code")
    service = Service(
        key=body["key"], name=body["name"]["en"], name_bn=body["name"].get("bn"), department=department,
        service_code=body["service_code"], level=body["level"], bilingual=body.get("bilingual", False),
        tatkal_available=body.get("tatkal_available", False), fifo_enforced=body.get("fifo_enforced", False),
        fee=body.get("fee", 0), documents=body.get("documents", []), sla=body.get("sla") or {}, active=False,
        digilocker_doc_type=body.get("digilocker_doc_type"))
    db.session.add(service)
    db.session.flush()
    audit("created", "service", service.key, actor=actor, data={"department": department.code,
                                                               "service_code": service.service_code})
    return service


_ESCALATION = {"type": ["object", "null"], "additionalProperties": False, "required": ["role", "days"],
               "properties": {"role": {"type": "string"}, "days": {"type": "number", "minimum": 0}}}
#: What ``PATCH /api/v1/services/<key>`` may change (key, department, code and level are fixed: UINs,
#: routing and running applications depend on them).
PATCH_SCHEMA = {
    "type": "object", "additionalProperties": False, "minProperties": 1,
    "properties": {
        **{k: SERVICE_SCHEMA["properties"][k] for k in
           ("name", "bilingual", "tatkal_available", "fifo_enforced", "fee", "documents", "digilocker_doc_type")},
        "sla": {"type": "object", "additionalProperties": False, "required": ["steps"], "properties": {
            "total_days": {"type": ["number", "null"]},
            "steps": {"type": "array", "maxItems": 20, "items": {
                "type": "object", "additionalProperties": False, "required": ["name", "days"], "properties": {
                    "name": {"type": "string", "minLength": 1, "maxLength": 300},
                    "name_bn": {"type": "string", "maxLength": 300}, "role": {"type": ["string", "null"]},
                    "days": {"type": "number", "minimum": 0}, "l1": _ESCALATION, "l2": _ESCALATION}}}}},
    },
}
FIXED_FIELDS = ("key", "department", "service_code", "level")


def update_service(actor, key: str, body: dict) -> Service:
    """Change catalogue fields of a service (ADMIN or ANALYST); audited with the fields changed.

    The published SLA's days and escalations must equal the escalation matrix of the active version
    (they are derived from it at every activation); names of steps are free.

    :raises Invalid: unknown, fixed or bad fields, or an SLA that disagrees with the matrix.
    """
    policy.require_role(actor, policy.CATALOGUE_EDITORS, "Only an administrator or a process analyst may change a service.")
    service = db.session.scalar(select(Service).where(Service.key == key))
    if service is None:
        raise NotFound(f"There is no service '{key}'.")
    if isinstance(body, dict) and set(body) & set(FIXED_FIELDS):
        raise Invalid("These fields cannot be changed.", fields={
            f"body.{k}": "cannot be changed (applications and certificate numbers depend on it)"
            for k in sorted(set(body) & set(FIXED_FIELDS))})
    errors = formschema.field_errors(PATCH_SCHEMA, body, prefix="body")
    if errors:
        raise Invalid("Please correct the fields listed.", fields=errors)
    if "sla" in body:
        errors = _sla_errors(service, body["sla"])
        if errors:
            raise Invalid("The published SLA must match the escalation matrix of the active version; "
                          "change the matrix (dmn/escalation_matrix.dmn) to change the days.", fields=errors)
    before = _editable(service)
    if "name" in body:
        service.name, service.name_bn = body["name"]["en"], body["name"].get("bn", service.name_bn)
    for field in ("bilingual", "tatkal_available", "fifo_enforced", "fee", "documents", "sla", "digilocker_doc_type"):
        if field in body:
            setattr(service, field, body[field])
    db.session.flush()
    after = _editable(service)
    changed = [k for k in after if after[k] != before[k]]
    audit("updated", "service", key, actor=actor, data={
        "fields": sorted(body), "before": {k: before[k] for k in changed}, "after": {k: after[k] for k in changed}})
    return service


def _editable(service: Service) -> dict:
    """The catalogue fields a PATCH may change, as plain JSON values (copies: the audit keeps them)."""
    return json.loads(json.dumps({
        "name": {"en": service.name, "bn": service.name_bn}, "bilingual": service.bilingual,
        "tatkal_available": service.tatkal_available, "fifo_enforced": service.fifo_enforced, "fee": service.fee,
        "documents": service.documents, "sla": service.sla, "digilocker_doc_type": service.digilocker_doc_type},
        default=str))


def _sla_errors(service: Service, sla: dict) -> dict[str, str]:
    version = active_version(service.key)
    if version is None:
        return {}
    derived = published_sla.derive(service.key, version.task_meta, files_of(version).dmn, sla)
    if derived is None:
        return {}
    want, got = derived["steps"], sla["steps"]
    if len(got) != len(want):
        return {"body.sla.steps": f"the escalation matrix has {len(want)} step(s) for this service"}
    errors = {}
    for n, (w, g) in enumerate(zip(want, got)):
        for name in ("days", "l1", "l2"):
            if g.get(name) != w[name]:
                errors[f"body.sla.steps.{n}.{name}"] = f"the escalation matrix says {w[name]!r}"
    if sla.get("total_days") is not None and sla["total_days"] != derived["total_days"]:
        errors["body.sla.total_days"] = f"the escalation matrix says {derived['total_days']!r}"
    if not errors:
        sla.setdefault("total_days", derived["total_days"])
        for g, w in zip(got, want):
            g["role"] = w["role"]
    return errors
