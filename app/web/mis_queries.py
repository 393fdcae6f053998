"""The dashboard's figures: the reports area's summary (``app.reports.summary``, counted in SQL within
the viewer's jurisdiction — the same rows as ``GET /api/v1/reports/summary``) plus what it does not
give: Bengali names, a total row, the overdue list, the offices the viewer counts for, and the
average citizen rating per service.

Definitions are the reports area's: received = submitted in the period; pending = SUBMITTED,
IN_PROCESS or SENT_BACK; delivered = APPROVED or DELIVERED; rejected; overdue = an open task past
its due time; avg_days = mean days from submission to decision; SLA on time = SLA steps finished by
their due time out of those finished or open past due.
"""
from dataclasses import dataclass

from sqlalchemy import and_, case, exists, func, select

from .. import clock, policy
from ..extensions import db
from ..intake.feedback import ratings_by_service
from ..models import Application, Location, Service, SlaStep, WorkItem
from ..reports import summary as reports

#: Groupings of applications offered on the page (the reports' office/officer figures count SLA steps).
GROUPS = ("gp", "block", "district", "service")
OVERDUE_SHOWN = 100


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
    avg_days: float | None = None
    on_time_pct: float | None = None
    #: average citizen rating (1–5) and how many ratings (``by=service`` only)
    rating: float | None = None
    ratings: int = 0


@dataclass
class Dashboard:
    rows: list
    total: Row
    overdue: list
    overdue_count: int
    offices: list


def dashboard(actor, by: str, date_from: str | None, date_to: str | None) -> Dashboard:
    """:raises Invalid: a date not ``YYYY-MM-DD`` (``fields`` name ``from`` / ``to``)."""
    items = reports.summary(actor, by, date_from or None, date_to or None)
    start, end = reports.parse_period(date_from or None, date_to or None)
    scope = policy.counting_area(actor)
    period = [scope.applications()]
    if start:
        period.append(Application.submitted_at >= start)
    if end:
        period.append(Application.submitted_at < end)
    where = and_(*period)
    names_bn = _bengali_names(by)
    rows = [Row(**{k: item[k] for k in reports.FIELDS}, name_bn=names_bn.get(item["key"])) for item in items]
    total = Row(key="total", name="Total")
    for row in rows:
        for figure in ("received", "pending", "delivered", "rejected", "overdue"):
            setattr(total, figure, getattr(total, figure) + getattr(row, figure))
    total.avg_days, total.on_time_pct = _overall(where)
    if by == "service":
        _add_ratings(rows, total, where)
    overdue, overdue_count = _overdue(where)
    offices = [p.office for p in actor.postings if p.role in policy.MIS_ROLES and p.office is not None]
    return Dashboard(rows, total, overdue, overdue_count, offices)


def _bengali_names(by: str) -> dict[str, str]:
    if by == "service":
        return {key: name_bn for key, name_bn in db.session.execute(select(Service.key, Service.name_bn)) if name_bn}
    query = select(Location.lgd_code, Location.name_bn).where(Location.level.in_(reports.LEVELS[by]))
    return {code: name_bn for code, name_bn in db.session.execute(query) if name_bn}


def _seconds(later, earlier):
    if db.session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def _overall(where) -> tuple[float | None, float | None]:
    """Mean days to decision and SLA on-time share over the whole jurisdiction (the reports' rules:
    steps still open past their due time count as not on time)."""
    decided = Application.decided_at.is_not(None)
    n_decided, seconds = db.session.execute(select(
        func.sum(case((decided, 1), else_=0)),
        func.sum(case((decided, _seconds(Application.decided_at, Application.submitted_at)), else_=0)))
        .where(where)).one()
    done, on_time = db.session.execute(select(
        func.sum(case((reports.judged_step(clock.now()), 1), else_=0)),
        func.sum(case((SlaStep.late_seconds == 0, 1), else_=0)))
        .join(Application, Application.id == SlaStep.application_id).where(where)).one()
    avg_days = round(float(seconds or 0) / int(n_decided) / 86400, 2) if n_decided else None
    on_time_pct = round(100.0 * int(on_time or 0) / int(done), 1) if done else None
    return avg_days, on_time_pct


def _add_ratings(rows: list[Row], total: Row, where) -> None:
    ratings = ratings_by_service(where)
    ids = {key: sid for sid, key in db.session.execute(select(Service.id, Service.key))}
    weighted = 0.0
    for row in rows:
        row.rating, row.ratings = ratings.get(ids.get(row.key), (None, 0))
        if row.rating is not None:
            weighted += row.rating * row.ratings
            total.ratings += row.ratings
            row.rating = round(row.rating, 2)
    total.rating = round(weighted / total.ratings, 2) if total.ratings else None


def _overdue(where) -> tuple[list, int]:
    """Applications with an open task past its due time, oldest first (the first ``OVERDUE_SHOWN``)."""
    late = exists().where(WorkItem.application_id == Application.id, WorkItem.closed_at.is_(None),
                          WorkItem.due_at < clock.now())
    count = db.session.scalar(select(func.count()).select_from(Application).where(where, late))
    rows = db.session.execute(
        select(Application.ain, Service.name, Service.name_bn).join(Service, Application.service_id == Service.id)
        .where(where, late).order_by(Application.submitted_at, Application.id).limit(OVERDUE_SHOWN)).all()
    return rows, count
