"""The summary's figures read from the MIS counts tables (``app/models/mis.py``), which triggers keep
exact: a few rows per place, service and day instead of every application of the district.

What depends on the clock cannot be counted ahead: SLA steps still open past their due time are
counted live, from the partial index of open steps (``ix_sla_step_open_due``) — a small set whatever
the history. Same answers as :mod:`.live`, which the tests hold these to.
"""
from types import SimpleNamespace

from sqlalchemy import func, select

from ..extensions import db
from ..models import MisApplicationCount, MisStepCount, SlaStep
from . import open_rows
from .live import application_group
from .sql import count_where, counts_within

#: no bound on the submission day (steps are counted by the day they were opened)
EVER = SimpleNamespace(start=None, end=None)


def answers(scope) -> bool:
    """Whether the counts can answer for ``scope``: not for service points, counted by who filed."""
    return not scope.office_ids


def application_figures(by: str, scope, period, now) -> tuple[list, dict]:
    """As :func:`.live.application_figures`."""
    t = MisApplicationCount
    group = t.service_id if by == "service" else t.location_id
    found = db.session.execute(counts_within(
        select(group, func.sum(t.applications), func.sum(t.pending), func.sum(t.delivered), func.sum(t.rejected),
               func.sum(t.decided_seconds), func.sum(t.decided), func.sum(t.steps_done), func.sum(t.steps_on_time)),
        t, scope, period).group_by(group).having(func.sum(t.applications) != 0)).all()
    late, app = open_rows.with_application(open_rows.late_steps(now).subquery("step"), scope, period,
                                           application_group(by))
    live_group = app.c[application_group(by).key]
    open_late = dict(db.session.execute(select(live_group, func.count()).select_from(late).group_by(live_group)).all())
    steps = {r[0]: (int(r[7] or 0) + open_late.get(r[0], 0), int(r[8] or 0)) for r in found}
    return [r[:7] for r in found], steps


def step_figures(by: str, scope, period, now) -> list:
    """As :func:`.live.step_figures`; office and officer 0 stand for none."""
    t = MisStepCount
    key = t.office_id if by == "office" else t.officer_id
    query = counts_within(select(key, func.sum(t.steps), func.sum(t.open), func.sum(t.done), func.sum(t.rejected),
                           func.sum(t.late), func.sum(t.done_seconds), func.sum(t.on_time)), t, scope, period)
    steps = open_rows.late_steps(now, SlaStep.office_id, SlaStep.officer_id, SlaStep.late_seconds)
    if by == "officer":
        query = query.where(t.officer_id != 0)
        steps = steps.where(SlaStep.officer_id.is_not(None))
    if period.start:
        steps = steps.where(SlaStep.opened_at >= period.start)
    if period.end:
        steps = steps.where(SlaStep.opened_at < period.end)
    steps = steps.subquery("step")
    late_steps, _app = open_rows.with_application(steps, scope, EVER)
    live_key = func.coalesce(steps.c.office_id if by == "office" else steps.c.officer_id, 0)
    live = select(live_key, func.count(), count_where(steps.c.late_seconds > 0)).select_from(late_steps)
    open_late = {k: (n, already_late) for k, n, already_late in db.session.execute(live.group_by(live_key))}
    out = []
    for k, opened, still_open, done, rejected, late, seconds, on_time in db.session.execute(
            query.group_by(key).having(func.sum(t.steps) != 0)):
        n, already_late = open_late.get(k, (0, 0))
        out.append((k or None, opened, still_open, done, rejected, int(late or 0) + n - int(already_late or 0),
                    seconds, on_time, int(done or 0) + n))
    return out


def overall(scope, period, now) -> tuple:
    """As :func:`.live.overall`."""
    t = MisApplicationCount
    decided, seconds, done, on_time = db.session.execute(counts_within(
        select(func.sum(t.decided), func.sum(t.decided_seconds), func.sum(t.steps_done), func.sum(t.steps_on_time)),
        t, scope, period)).one()
    late, _app = open_rows.with_application(open_rows.late_steps(now).subquery("step"), scope, period)
    open_late = db.session.scalar(select(func.count()).select_from(late))
    return decided, seconds, int(done or 0) + int(open_late or 0), on_time
