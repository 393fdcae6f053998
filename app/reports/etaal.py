"""e-Taal transaction counts: how many e-transactions each service had in each district on a day.

e-Taal (the national e-transaction dashboard) takes ``ServiceCode``, ``ServiceCount`` and
``LocationCode`` per day. One e-transaction here is one application received online on that day
(Indian time), whatever its channel; the location is the LGD code of the district the application
is for. Counting happens in SQL per (service, location); the small location tree maps each location
to its district in Python.
"""
from datetime import date

from sqlalchemy import func, select

from .. import policy
from ..extensions import db
from ..models import Application, Department, Location, Service
from .summary import parse_period


def _district_of() -> dict[int, str | None]:
    rows = {loc_id: (parent_id, level, code) for loc_id, parent_id, level, code in db.session.execute(
        select(Location.id, Location.parent_id, Location.level, Location.lgd_code))}
    out = {}
    for loc_id in rows:
        node = loc_id
        while node is not None and rows[node][1] != "DISTRICT":
            node = rows[node][0]
        out[loc_id] = rows[node][2] if node is not None else None
    return out


def counts(actor, day: date) -> list[dict]:
    """``[{"service_code", "department_code", "location_code", "count"}]`` for ``day``.

    A partner API key (``actor.channel``) sees the whole state; a posting sees its jurisdiction.
    """
    start, end = parse_period(day.isoformat(), day.isoformat())
    query = (select(Service.service_code, Department.code, Application.location_id, func.count())
             .join(Service, Application.service_id == Service.id)
             .join(Department, Service.department_id == Department.id)
             .where(Application.submitted_at >= start, Application.submitted_at < end)
             .group_by(Service.service_code, Department.code, Application.location_id))
    if not getattr(actor, "channel", None):
        query = query.where(policy.counting_area(actor).applications())
    district = _district_of()
    totals: dict[tuple, int] = {}
    for service_code, department_code, location_id, n in db.session.execute(query):
        key = (service_code, department_code, district.get(location_id))
        totals[key] = totals.get(key, 0) + n
    return [{"service_code": s, "department_code": d, "location_code": loc, "count": n}
            for (s, d, loc), n in sorted(totals.items(), key=lambda kv: (kv[0][1] or "", kv[0][0] or "", kv[0][2] or ""))]
