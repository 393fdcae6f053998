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

from sqlalchemy import and_, func, select

from .. import clock, policy
from ..extensions import db
from ..intake.feedback import ratings_by_service
from ..models import Application, Location, Service
from ..reports import open_rows
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
    when = reports.period(date_from or None, date_to or None)
    scope = policy.counting_area(actor)
    period = [scope.applications()]
    if when.start:
        period.append(Application.submitted_at >= when.start)
    if when.end:
        period.append(Application.submitted_at < when.end)
    where = and_(*period)
    names_bn = _bengali_names(by)
    rows = [Row(**{k: item[k] for k in reports.FIELDS}, name_bn=names_bn.get(item["key"])) for item in items]
    total = Row(key="total", name="Total")
    for row in rows:
        for figure in ("received", "pending", "delivered", "rejected", "overdue"):
            setattr(total, figure, getattr(total, figure) + getattr(row, figure))
    total.avg_days, total.on_time_pct = reports.overall(actor, date_from or None, date_to or None)
    if by == "service":
        _add_ratings(rows, total, where)
    overdue, overdue_count = _overdue(scope, when)
    offices = [p.office for p in actor.postings if p.role in policy.MIS_ROLES and p.office is not None]
    return Dashboard(rows, total, overdue, overdue_count, offices)


def _bengali_names(by: str) -> dict[str, str]:
    if by == "service":
        return {key: name_bn for key, name_bn in db.session.execute(select(Service.key, Service.name_bn)) if name_bn}
    query = select(Location.lgd_code, Location.name_bn).where(Location.level.in_(reports.LEVELS[by]))
    return {code: name_bn for code, name_bn in db.session.execute(query) if name_bn}


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


def _overdue(scope, when) -> tuple[list, int]:
    """Applications with an open task past its due time, oldest first (the first ``OVERDUE_SHOWN``),
    found from the open items past due (a partial index), not a probe per application of the area."""
    items = open_rows.late_items(clock.now()).distinct().subquery("item")
    late, app = open_rows.with_application(items, scope, when, Application.ain, Application.service_id,
                                           Application.submitted_at)
    count = db.session.scalar(select(func.count()).select_from(late))
    rows = db.session.execute(
        select(app.c.ain, Service.name, Service.name_bn).select_from(late).join(Service, app.c.service_id == Service.id)
        .order_by(app.c.submitted_at, app.c.id).limit(OVERDUE_SHOWN)).all()
    return rows, count
