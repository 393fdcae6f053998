"""Reading the catalogue and geography; loading the shipped catalogue data."""
import json
from pathlib import Path

from sqlalchemy import func, select

from ..errors import NotFound
from ..extensions import db
from ..models import Department, Location, Service
from ..processes.deploy import active_version

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
