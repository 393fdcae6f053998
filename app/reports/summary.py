"""``GET /api/v1/reports/summary``: received / pending / delivered / rejected / overdue / avg_days.

Per application (``by=gp|block|district|service``): received = submitted in the period; pending =
SUBMITTED, IN_PROCESS or SENT_BACK; delivered = APPROVED or DELIVERED; rejected; overdue = has an
open task past its due time; avg_days = mean days from submission to decision; on_time_pct = SLA steps
finished by their due time out of those finished or still open past due. By gp/block/district every
place of the viewer's area is a row (zeros when nothing was filed). Per SLA step (``by=office|officer``): the steps
opened in the period, still open, done, done with a rejection, overdue (open past due or done
late), mean days to complete, on-time share. Counting happens in SQL, grouped by location or
service; only the small location tree is read into Python.
"""
import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select

from .. import clock, policy
from ..errors import Invalid
from ..extensions import db
from ..models import Application, Location, Office, Service, SlaStep, User, WorkItem
from . import officers
from .sql import count_where, seconds_between

GROUPS = ("gp", "block", "district", "service", "office", "officer")
FIELDS = ("key", "name", "received", "pending", "delivered", "rejected", "overdue", "avg_days", "on_time_pct")
PENDING = ("SUBMITTED", "IN_PROCESS", "SENT_BACK")
DELIVERED = ("APPROVED", "DELIVERED")
LEVELS = {"gp": ("GP", "WARD"), "block": ("BLOCK", "MUNICIPALITY"), "district": ("DISTRICT",)}
IST = ZoneInfo("Asia/Kolkata")
#: Dates outside these years are typing mistakes (and year 1 would overflow when moved to UTC).
FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_period(date_from: str | None, date_to: str | None) -> tuple[datetime | None, datetime | None]:
    """``YYYY-MM-DD`` days (Indian time), ``to`` inclusive. :raises Invalid: on a malformed date."""
    out, errors = [], {}
    for name, text, extra in (("from", date_from, 0), ("to", date_to, 1)):
        if not text:
            out.append(None)
            continue
        try:
            day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=IST)
        except ValueError:
            errors[name] = "must be a date YYYY-MM-DD"
            out.append(None)
            continue
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            errors[name] = f"must be a date between {FIRST_YEAR} and {LAST_YEAR}"
            out.append(None)
            continue
        out.append(clock.as_utc(day + timedelta(days=extra)))
    if errors:
        raise Invalid("Give dates as YYYY-MM-DD.", fields=errors)
    return out[0], out[1]




def summary(actor, by: str, date_from: str | None = None, date_to: str | None = None) -> list[dict]:
    if by not in GROUPS:
        raise Invalid("Choose what to group by.", fields={"by": "must be one of " + ", ".join(GROUPS)})
    start, end = parse_period(date_from, date_to)
    scope = policy.counting_area(actor)
    if by in ("office", "officer"):
        return _by_step(scope, by, start, end)
    now = clock.now()
    group = Application.service_id if by == "service" else Application.location_id
    decided = Application.decided_at.is_not(None)
    query = _period(select(group, func.count(), count_where(Application.status.in_(PENDING)),
                           count_where(Application.status.in_(DELIVERED)), count_where(Application.status == "REJECTED"),
                           func.sum(case((decided, seconds_between(Application.decided_at, Application.submitted_at)),
                                         else_=0)), count_where(decided)).where(scope.applications()), start, end)
    rows = db.session.execute(query.group_by(group)).all()
    # Overdue from the few open items past due (a partial index), not a probe per application.
    overdue_by = dict(db.session.execute(_period(
        select(group, func.count(func.distinct(Application.id))).select_from(WorkItem)
        .join(Application, Application.id == WorkItem.application_id)
        .where(WorkItem.closed_at.is_(None), WorkItem.due_at < now, scope.applications()), start, end)
        .group_by(group)).all())
    steps = dict(((g, (done, on_time)) for g, done, on_time in db.session.execute(
        _step_counts(group, scope, start, end, now))))
    names = _names(by)
    out: dict[str, dict] = {}
    if by in LEVELS:  # places without activity are shown with zeros, not left out
        for key_id in _places(by, scope):
            _blank(out, *names(key_id))
    for key_id, received, pending, delivered, rejected, seconds, n_decided in rows:
        overdue = overdue_by.get(key_id, 0)
        row = _blank(out, *names(key_id))
        row["received"] += received
        for field, value in (("pending", pending), ("delivered", delivered), ("rejected", rejected),
                             ("overdue", overdue), ("_decided", n_decided)):
            row[field] += int(value or 0)
        row["_seconds"] += float(seconds or 0)
        done, on_time = steps.get(key_id, (0, 0))
        row["_done"] += int(done or 0)
        row["_on_time"] += int(on_time or 0)
    return sorted((_finish(r) for r in out.values()), key=lambda r: (r["name"] or "", r["key"]))


def _blank(out: dict, key: str, name: str) -> dict:
    return out.setdefault(key, {"key": key, "name": name, "received": 0, "pending": 0, "delivered": 0,
                                "rejected": 0, "overdue": 0, "_seconds": 0.0, "_decided": 0, "_done": 0,
                                "_on_time": 0})


def _places(by: str, scope) -> list[int]:
    """Ids of the places of level ``by`` inside the viewer's area (all of them for a state posting)."""
    query = select(Location.id).where(Location.level.in_(LEVELS[by]))
    if scope.location_ids is not None:
        if not scope.location_ids:
            return []
        query = query.where(Location.id.in_(scope.location_ids))
    return list(db.session.scalars(query))


def _period(query, start, end):
    if start:
        query = query.where(Application.submitted_at >= start)
    if end:
        query = query.where(Application.submitted_at < end)
    return query


def judged_step(now):
    """SLA steps whose timeliness is known: done, or still open past their due time (late already).
    The on-time share divides the steps done by their due time by these, so an open overdue
    application lowers it — never "100 % on time" beside overdue work."""
    return SlaStep.done_at.is_not(None) | (SlaStep.done_at.is_(None) & (SlaStep.due_at < now))


def _step_counts(group, scope, start, end, now):
    query = (select(group, count_where(judged_step(now)), count_where(SlaStep.late_seconds == 0))
             .join(Application, Application.id == SlaStep.application_id).where(scope.applications()))
    return _period(query, start, end).group_by(group)


def _finish(row: dict) -> dict:
    decided, done = row.pop("_decided"), row.pop("_done")
    seconds, on_time = row.pop("_seconds"), row.pop("_on_time")
    row["avg_days"] = round(seconds / decided / 86400, 2) if decided else None
    row["on_time_pct"] = round(100.0 * on_time / done, 1) if done else None
    return row


def _names(by: str):
    if by == "service":
        services = {s.id: s for s in db.session.scalars(select(Service))}
        return lambda sid: (services[sid].key, services[sid].name) if sid in services else ("-", "-")
    places = {loc.id: loc for loc in db.session.scalars(select(Location))}
    wanted = LEVELS[by]

    def name(location_id):
        loc = places.get(location_id)
        while loc is not None and loc.level not in wanted:
            loc = places.get(loc.parent_id)
        return (loc.lgd_code, loc.name) if loc is not None else ("-", "-")
    return name


def _by_step(scope, by: str, start, end) -> list[dict]:
    now = clock.now()
    key_col = SlaStep.office_id if by == "office" else SlaStep.officer_id
    done = SlaStep.done_at.is_not(None)
    late = (SlaStep.late_seconds > 0) | (SlaStep.done_at.is_(None) & (SlaStep.due_at < now))
    query = (select(key_col, func.count(), count_where(SlaStep.done_at.is_(None)), count_where(done),
                    count_where(SlaStep.outcome == "reject"), count_where(late),
                    func.sum(case((done, seconds_between(SlaStep.done_at, SlaStep.opened_at)), else_=0)),
                    count_where(SlaStep.late_seconds == 0), count_where(judged_step(now)))
             .join(Application, Application.id == SlaStep.application_id).where(scope.applications()))
    if by == "officer":
        query = query.where(SlaStep.officer_id.is_not(None))
    if start:
        query = query.where(SlaStep.opened_at >= start)
    if end:
        query = query.where(SlaStep.opened_at < end)
    rows = db.session.execute(query.group_by(key_col)).all()
    model = Office if by == "office" else User
    labels = {o.id: o for o in db.session.scalars(select(model).where(model.id.in_([r[0] for r in rows if r[0]])))}
    more = officers.extras(scope, [r[0] for r in rows if r[0]], start, end) if by == "officer" else {}
    out = []
    for key_id, received, pending, delivered, rejected, overdue, seconds, on_time, judged in rows:
        who = labels.get(key_id)
        key = (who.code if by == "office" else who.username) if who else "-"
        out.append({"key": key, "name": who.name if who else "-", "received": received, "pending": int(pending or 0),
                    "delivered": int(delivered or 0), "rejected": int(rejected or 0), "overdue": int(overdue or 0),
                    "avg_days": round(float(seconds or 0) / delivered / 86400, 2) if delivered else None,
                    "on_time_pct": round(100.0 * int(on_time or 0) / int(judged), 1) if judged else None,
                    **more.get(key_id, {})})
    return sorted(out, key=lambda r: (r["name"], r["key"]))


def as_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
