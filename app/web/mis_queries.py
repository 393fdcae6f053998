"""MIS figures for a jurisdiction until the reports area (``app/reports/``) offers them.

Jurisdiction follows the viewer's postings: a GP office sees its GP, a block office the GPs of the
block, a subdivision or district office everything beneath it, the state everything; a service
point (CSC, BSK, kiosk) sees what its operators entered. Counts are per application:
received = submitted in the period; pending = SUBMITTED, IN_PROCESS or SENT_BACK; delivered =
APPROVED or DELIVERED; rejected = REJECTED; overdue = has an open task past its due time;
on time = decided no later than the published total SLA after submission.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import exists, select

from .. import clock
from ..extensions import db
from ..models import Application, Location, Posting, Service, WorkItem

GROUPS = ("gp", "block", "district", "service")
PENDING = ("SUBMITTED", "IN_PROCESS", "SENT_BACK")
DELIVERED = ("APPROVED", "DELIVERED")
_MIS_ROLES = ("OPERATOR", "PRADHAN", "BDO", "SDO", "DM", "ADMIN")
_SERVICE_POINTS = ("CSC", "BSK", "KIOSK")


@dataclass
class Row:
    key: str
    name: str
    name_bn: str | None = None
    received: int = 0
    pending: int = 0
    delivered: int = 0
    rejected: int = 0
    overdue: int = 0
    decided: int = 0
    on_time: int = 0
    days: list = field(default_factory=list)

    @property
    def on_time_pct(self) -> float | None:
        return round(100 * self.on_time / self.decided, 1) if self.decided else None

    @property
    def avg_days(self) -> float | None:
        return round(sum(self.days) / len(self.days), 1) if self.days else None


@dataclass
class Scope:
    """What a viewer may count: location ids (``None`` = everywhere) and/or submitting offices."""
    location_ids: set | None
    office_ids: set
    label: list


def scope_for(actor) -> Scope:
    locations: set | None = set()
    office_ids, label = set(), []
    children = _children()
    for posting in actor.user.postings:
        if posting.role not in _MIS_ROLES:
            continue
        office = posting.office
        label.append(office)
        if office.level == "STATE":
            locations = None
        elif office.level in _SERVICE_POINTS:
            office_ids.add(office.id)
        elif office.location_id and locations is not None:
            locations |= _below(office.location_id, children)
    return Scope(locations, office_ids, label)


def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for loc_id, parent_id in db.session.execute(select(Location.id, Location.parent_id)):
        out.setdefault(parent_id, []).append(loc_id)
    return out


def _below(root: int, children: dict) -> set[int]:
    found, todo = {root}, [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _scoped(query, scope: Scope):
    conditions = []
    if scope.location_ids is None:
        return query
    if scope.location_ids:
        conditions.append(Application.location_id.in_(scope.location_ids))
    if scope.office_ids:
        submitters = select(Posting.user_id).where(Posting.office_id.in_(scope.office_ids))
        conditions.append(Application.created_by_id.in_(submitters))
    if not conditions:
        return query.where(Application.id.is_(None))
    from sqlalchemy import or_
    return query.where(or_(*conditions))


def summary(actor, by: str, date_from: datetime | None, date_to: datetime | None):
    """:returns: ``(rows sorted by name, total row, overdue applications)``."""
    scope = scope_for(actor)
    now = clock.now()
    late = exists().where(WorkItem.application_id == Application.id, WorkItem.closed_at.is_(None),
                          WorkItem.due_at < now)
    query = select(Application.id, Application.ain, Application.status, Application.location_id,
                   Application.submitted_at, Application.decided_at, Service.key, Service.name, Service.name_bn,
                   Service.sla, late.label("late")).join(Service, Application.service_id == Service.id)
    if date_from:
        query = query.where(Application.submitted_at >= date_from)
    if date_to:
        query = query.where(Application.submitted_at < date_to)
    records = db.session.execute(_scoped(query, scope)).all()
    places = {loc.id: loc for loc in db.session.scalars(select(Location))}
    rows: dict[str, Row] = {}
    total = Row(key="total", name="Total")
    overdue_list = []
    for rec in records:
        key, name, name_bn = _group(by, rec, places)
        row = rows.setdefault(key, Row(key=key, name=name, name_bn=name_bn))
        for target in (row, total):
            _count(target, rec)
        if rec.late:
            overdue_list.append(rec)
    return sorted(rows.values(), key=lambda r: r.name), total, overdue_list


def _group(by, rec, places):
    if by == "service":
        return rec.key, rec.name, rec.name_bn
    loc = places.get(rec.location_id)
    wanted = {"gp": ("GP", "WARD"), "block": ("BLOCK", "MUNICIPALITY"), "district": ("DISTRICT",)}[by]
    while loc is not None and loc.level not in wanted:
        loc = places.get(loc.parent_id)
    if loc is None:
        return "-", "—", None
    return loc.lgd_code, loc.name, loc.name_bn


def _count(row: Row, rec) -> None:
    row.received += 1
    if rec.status in PENDING:
        row.pending += 1
    elif rec.status in DELIVERED:
        row.delivered += 1
    elif rec.status == "REJECTED":
        row.rejected += 1
    if rec.late:
        row.overdue += 1
    if rec.decided_at is not None:
        row.decided += 1
        taken = (clock.as_utc(rec.decided_at) - clock.as_utc(rec.submitted_at)).total_seconds() / 86400
        row.days.append(taken)
        limit = (rec.sla or {}).get("total_days")
        if limit is None or taken <= limit:
            row.on_time += 1


def day_start(text: str | None, *, end: bool = False) -> datetime | None:
    """A ``YYYY-MM-DD`` from the page as the start (or, with ``end``, the end) of that IST day in UTC."""
    from .i18n import IST
    if not text:
        return None
    try:
        day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=IST)
    except ValueError:
        return None
    return (day + timedelta(days=1) if end else day).astimezone(clock.now().tzinfo)
