"""The summary's figures counted from the applications and SLA steps themselves.

This is the definition the counts tables (:mod:`.counted`) must agree with, row for row (the tests
compare the two), and what a service-point viewer gets: they count the applications their operators
filed, which the counts tables, keyed by place, cannot tell apart.
"""
from sqlalchemy import case, func, select

from ..extensions import db
from ..models import Application, SlaStep
from ..models.mis_triggers import DELIVERED, PENDING
from .sql import count_where, seconds_between


def judged_step(now):
    """SLA steps whose timeliness is known: done, or still open past their due time (late already).
    The on-time share divides the steps done by their due time by these, so an open overdue
    application lowers it — never "100 % on time" beside overdue work."""
    return SlaStep.done_at.is_not(None) | (SlaStep.done_at.is_(None) & (SlaStep.due_at < now))


def submitted_in(query, period):
    if period.start:
        query = query.where(Application.submitted_at >= period.start)
    if period.end:
        query = query.where(Application.submitted_at < period.end)
    return query


def application_group(by: str):
    return Application.service_id if by == "service" else Application.location_id


def application_figures(by: str, scope, period, now) -> tuple[list, dict]:
    """``([(key id, received, pending, delivered, rejected, decided seconds, decided)], {key id: (judged
    steps, steps on time)})`` for the applications of ``scope`` submitted in ``period``."""
    group = application_group(by)
    decided = Application.decided_at.is_not(None)
    query = submitted_in(select(group, func.count(), count_where(Application.status.in_(PENDING)),
                                count_where(Application.status.in_(DELIVERED)),
                                count_where(Application.status == "REJECTED"),
                                func.sum(case((decided, seconds_between(Application.decided_at,
                                                                        Application.submitted_at)), else_=0)),
                                count_where(decided)).where(scope.applications()), period)
    rows = db.session.execute(query.group_by(group)).all()
    steps = submitted_in(select(group, count_where(judged_step(now)), count_where(SlaStep.late_seconds == 0))
                         .join(Application, Application.id == SlaStep.application_id)
                         .where(scope.applications()), period)
    return rows, {g: (judged, on_time) for g, judged, on_time in db.session.execute(steps.group_by(group))}


def step_figures(by: str, scope, period, now) -> list:
    """``[(key id, opened, open, done, rejected, late, done seconds, on time, judged)]`` per office or
    officer, for the SLA steps opened in ``period`` on applications of ``scope``."""
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
    if period.start:
        query = query.where(SlaStep.opened_at >= period.start)
    if period.end:
        query = query.where(SlaStep.opened_at < period.end)
    return db.session.execute(query.group_by(key_col)).all()


def overall(scope, period, now) -> tuple:
    """``(decided, decided seconds, judged steps, steps on time)`` over the whole of ``scope``."""
    decided = Application.decided_at.is_not(None)
    n_decided, seconds = db.session.execute(submitted_in(select(
        count_where(decided),
        func.sum(case((decided, seconds_between(Application.decided_at, Application.submitted_at)), else_=0)))
        .where(scope.applications()), period)).one()
    judged, on_time = db.session.execute(submitted_in(select(
        count_where(judged_step(now)), count_where(SlaStep.late_seconds == 0))
        .join(Application, Application.id == SlaStep.application_id).where(scope.applications()), period)).one()
    return n_decided, seconds, judged, on_time
