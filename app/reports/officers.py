"""Per-officer output for MIS (``by=officer``): actions taken, median time per step, SLA breaches,
work done for a colleague under a delegation.

Counted within the viewer's jurisdiction and period like the rest of the summary: actions are
the officer's audit events on applications (decisions, claims, reassignments…), ``delegated``
those recorded ``on_behalf_of`` someone else, the median is over the SLA steps the officer
completed, breaches are those steps completed after their due time.

Actions, delegated and breaches come from the MIS counts tables when the summary does
(``counted``); the median cannot be counted ahead and is computed over the officers' finished steps
(in SQL on PostgreSQL, ``percentile_cont``).
"""
from statistics import median

from sqlalchemy import Float, cast, func, select

from ..extensions import db
from ..models import Application, AuditEvent, MisOfficerAction, MisStepCount, SlaStep
from ..models.mis_triggers import NOT_OFFICER_ACTIONS
from .sql import count_where, counts_within, seconds_between


def extras(scope, user_ids: list[int], when, counted: bool = False) -> dict[int, dict]:
    """``{user id: {"actions", "delegated", "median_days_per_step", "sla_breaches"}}``."""
    if not user_ids:
        return {}
    out = {uid: {"actions": 0, "delegated": 0, "median_days_per_step": None, "sla_breaches": 0} for uid in user_ids}
    for uid, actions, delegated, breaches in (_counted if counted else _live)(scope, user_ids, when):
        out[uid].update(actions=int(actions or 0), delegated=int(delegated or 0), sla_breaches=int(breaches or 0))
    for uid, seconds in _medians(scope, user_ids, when).items():
        out[uid]["median_days_per_step"] = round(seconds / 86400, 2)
    return out


def _live(scope, user_ids, when):
    visible = select(Application.ain).where(scope.applications())
    events = (select(AuditEvent.actor_id, func.count(),
                     func.count(AuditEvent.data["on_behalf_of"].as_string()))
              .where(AuditEvent.actor_id.in_(user_ids), AuditEvent.object_type == "application",
                     AuditEvent.action.not_in(NOT_OFFICER_ACTIONS), AuditEvent.object_key.in_(visible)))
    if when.start:
        events = events.where(AuditEvent.at >= when.start)
    if when.end:
        events = events.where(AuditEvent.at < when.end)
    figures = {uid: [a, d, 0] for uid, a, d in db.session.execute(events.group_by(AuditEvent.actor_id))}
    late = _done_steps(select(SlaStep.officer_id, count_where(SlaStep.late_seconds > 0)), scope, user_ids, when)
    for uid, breaches in db.session.execute(late.group_by(SlaStep.officer_id)):
        figures.setdefault(uid, [0, 0, 0])[2] = breaches
    return [(uid, *values) for uid, values in figures.items()]


def _counted(scope, user_ids, when):
    def within(query, table):
        return counts_within(query, table, scope, when)
    a, s = MisOfficerAction, MisStepCount
    figures = {uid: [n, d, 0] for uid, n, d in db.session.execute(within(
        select(a.actor_id, func.sum(a.actions), func.sum(a.delegated)).where(a.actor_id.in_(user_ids)), a)
        .group_by(a.actor_id))}
    for uid, breaches in db.session.execute(within(
            select(s.officer_id, func.sum(s.done_late)).where(s.officer_id.in_(user_ids)), s).group_by(s.officer_id)):
        figures.setdefault(uid, [0, 0, 0])[2] = breaches
    return [(uid, *values) for uid, values in figures.items()]


def _done_steps(query, scope, user_ids, when):
    query = query.where(SlaStep.officer_id.in_(user_ids), SlaStep.done_at.is_not(None))
    if scope.location_ids is not None:   # a state viewer counts every application: no join
        query = query.join(Application, Application.id == SlaStep.application_id).where(scope.applications())
    if when.start:
        query = query.where(SlaStep.opened_at >= when.start)
    if when.end:
        query = query.where(SlaStep.opened_at < when.end)
    return query


def _medians(scope, user_ids, when) -> dict[int, float]:
    """Median seconds from opening to completion of each officer's finished steps."""
    seconds = seconds_between(SlaStep.done_at, SlaStep.opened_at)
    if db.session.get_bind().dialect.name == "postgresql":
        query = _done_steps(select(SlaStep.officer_id, func.percentile_cont(0.5).within_group(cast(seconds, Float))),
                            scope, user_ids, when)
        return {uid: float(m) for uid, m in db.session.execute(query.group_by(SlaStep.officer_id))}
    durations: dict[int, list[float]] = {}
    for uid, value in db.session.execute(_done_steps(select(SlaStep.officer_id, seconds), scope, user_ids, when)):
        durations.setdefault(uid, []).append(float(value or 0))
    return {uid: median(values) for uid, values in durations.items()}
