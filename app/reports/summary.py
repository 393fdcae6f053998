"""``GET /api/v1/reports/summary``: received / pending / delivered / rejected / overdue / avg_days.

Per application (``by=gp|block|district|service``): received = submitted in the period; pending =
SUBMITTED, IN_PROCESS or SENT_BACK; delivered = APPROVED or DELIVERED; rejected; overdue = has an
open task past its due time; avg_days = mean days from submission to decision; on_time_pct = SLA steps
finished by their due time out of those finished or still open past due. By gp/block/district every
place of the viewer's area is a row (zeros when nothing was filed). Per SLA step (``by=office|officer``): the steps
opened in the period, still open, done, done with a rejection, overdue (open past due or done
late), mean days to complete, on-time share.

The figures come from the MIS counts tables (:mod:`.counted`: a few rows per place, service and
IST day, kept exact by triggers), except what depends on the clock (open work past due, counted live
from partial indexes of open rows) and for a service-point viewer, who counts what their operators
filed (:mod:`.live`, counting the applications themselves — the reference the counts are tested
against). Periods are whole IST days. Only the small location tree is read into Python.
"""
import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from .. import clock, policy
from ..errors import Invalid
from ..extensions import db
from ..models import Location, Office, Service, User
from . import counted as counted_figures
from . import live, officers, open_rows

GROUPS = ("gp", "block", "district", "service", "office", "officer")
FIELDS = ("key", "name", "received", "pending", "delivered", "rejected", "overdue", "avg_days", "on_time_pct")
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


@dataclass(frozen=True)
class Period:
    """Whole IST days: ``start``/``end`` as UTC instants (``end`` exclusive), ``first_day``/``last_day``
    as the days themselves (the counts tables' keys). ``None`` = open-ended."""
    start: datetime | None = None
    end: datetime | None = None
    first_day: date | None = None
    last_day: date | None = None


def period(date_from: str | None, date_to: str | None) -> Period:
    """:raises Invalid: on a malformed date (as :func:`parse_period`)."""
    start, end = parse_period(date_from, date_to)
    return Period(start, end, start.astimezone(IST).date() if start else None,
                  (end.astimezone(IST) - timedelta(days=1)).date() if end else None)


def figures_for(scope, counted: bool = True):
    """The module that counts for ``scope``: the counts tables when they can answer, else the rows."""
    return counted_figures if counted and counted_figures.answers(scope) else live


def summary(actor, by: str, date_from: str | None = None, date_to: str | None = None, *,
            counted: bool = True) -> list[dict]:
    """The summary rows. ``counted=False`` counts from the applications themselves (the reference the
    counts tables are tested against)."""
    if by not in GROUPS:
        raise Invalid("Choose what to group by.", fields={"by": "must be one of " + ", ".join(GROUPS)})
    when = period(date_from, date_to)
    scope = policy.counting_area(actor)
    source, now = figures_for(scope, counted), clock.now()
    if by in ("office", "officer"):
        return _by_step(scope, by, when, source.step_figures(by, scope, when, now), source is counted_figures)
    rows, steps = source.application_figures(by, scope, when, now)
    # Overdue from the few open items past due (a partial index), not a probe per application.
    late, app = open_rows.with_application(open_rows.late_items(now).subquery("item"), scope, when,
                                           live.application_group(by))
    group = app.c[live.application_group(by).key]
    overdue_by = dict(db.session.execute(select(group, func.count(func.distinct(app.c.id))).select_from(late)
                                         .group_by(group)).all())
    names = _names(by)
    out: dict[str, dict] = {}
    if by in LEVELS:  # places without activity are shown with zeros, not left out
        for key_id in _places(by, scope):
            _blank(out, *names(key_id))
    for key_id, received, pending, delivered, rejected, seconds, n_decided in rows:
        overdue = overdue_by.get(key_id, 0)
        row = _blank(out, *names(key_id))
        row["received"] += int(received)
        for field, value in (("pending", pending), ("delivered", delivered), ("rejected", rejected),
                             ("overdue", overdue), ("_decided", n_decided)):
            row[field] += int(value or 0)
        row["_seconds"] += float(seconds or 0)
        judged, on_time = steps.get(key_id, (0, 0))
        row["_done"] += int(judged or 0)
        row["_on_time"] += int(on_time or 0)
    return sorted((_finish(r) for r in out.values()), key=lambda r: (r["name"] or "", r["key"]))


def overall(actor, date_from: str | None = None, date_to: str | None = None, *,
            counted: bool = True) -> tuple[float | None, float | None]:
    """``(avg_days, on_time_pct)`` over the viewer's whole area (the dashboard's total row)."""
    scope = policy.counting_area(actor)
    decided, seconds, judged, on_time = figures_for(scope, counted).overall(
        scope, period(date_from, date_to), clock.now())
    decided, judged = int(decided or 0), int(judged or 0)
    return (round(float(seconds or 0) / decided / 86400, 2) if decided else None,
            round(100.0 * int(on_time or 0) / judged, 1) if judged else None)


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


def _by_step(scope, by: str, when: Period, rows: list, from_counts: bool) -> list[dict]:
    model = Office if by == "office" else User
    labels = {o.id: o for o in db.session.scalars(select(model).where(model.id.in_([r[0] for r in rows if r[0]])))}
    more = officers.extras(scope, [r[0] for r in rows if r[0]], when, from_counts) if by == "officer" else {}
    out = []
    for key_id, received, pending, delivered, rejected, overdue, seconds, on_time, judged in rows:
        who = labels.get(key_id)
        key = (who.code if by == "office" else who.username) if who else "-"
        delivered, judged = int(delivered or 0), int(judged or 0)
        out.append({"key": key, "name": who.name if who else "-", "received": int(received),
                    "pending": int(pending or 0), "delivered": delivered, "rejected": int(rejected or 0),
                    "overdue": int(overdue or 0),
                    "avg_days": round(float(seconds or 0) / delivered / 86400, 2) if delivered else None,
                    "on_time_pct": round(100.0 * int(on_time or 0) / judged, 1) if judged else None,
                    **more.get(key_id, {})})
    return sorted(out, key=lambda r: (r["name"], r["key"]))


def as_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()
