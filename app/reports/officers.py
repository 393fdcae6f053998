"""Per-officer output for MIS (``by=officer``): actions taken, median time per step, SLA breaches,
work done for a colleague under a delegation.

Counted within the viewer's jurisdiction and period like the rest of the summary: actions are
the officer's audit events on applications (decisions, claims, reassignments…), ``delegated``
those recorded ``on_behalf_of`` someone else, the median is over the SLA steps the officer
completed, breaches are those steps completed after their due time.
"""
from statistics import median

from sqlalchemy import func, select

from ..extensions import db
from ..models import Application, AuditEvent, SlaStep
from .sql import seconds_between

OFFICER_ACTIONS_EXCLUDED = ("submitted", "resubmitted", "document_added", "complaint", "feedback")


def extras(scope, user_ids: list[int], start, end) -> dict[int, dict]:
    """``{user id: {"actions", "delegated", "median_days_per_step", "sla_breaches"}}``."""
    if not user_ids:
        return {}
    visible = select(Application.ain).where(scope.applications())
    events = (select(AuditEvent.actor_id, func.count(),
                     func.count(AuditEvent.data["on_behalf_of"].as_string()))
              .where(AuditEvent.actor_id.in_(user_ids), AuditEvent.object_type == "application",
                     AuditEvent.action.not_in(OFFICER_ACTIONS_EXCLUDED), AuditEvent.object_key.in_(visible)))
    if start:
        events = events.where(AuditEvent.at >= start)
    if end:
        events = events.where(AuditEvent.at < end)
    out = {uid: {"actions": 0, "delegated": 0, "median_days_per_step": None, "sla_breaches": 0} for uid in user_ids}
    for uid, actions, delegated in db.session.execute(events.group_by(AuditEvent.actor_id)):
        out[uid].update(actions=int(actions), delegated=int(delegated or 0))
    steps = (select(SlaStep.officer_id, seconds_between(SlaStep.done_at, SlaStep.opened_at), SlaStep.late_seconds)
             .join(Application, Application.id == SlaStep.application_id)
             .where(SlaStep.officer_id.in_(user_ids), SlaStep.done_at.is_not(None), scope.applications()))
    if start:
        steps = steps.where(SlaStep.opened_at >= start)
    if end:
        steps = steps.where(SlaStep.opened_at < end)
    durations: dict[int, list[float]] = {}
    for uid, seconds, late in db.session.execute(steps):
        durations.setdefault(uid, []).append(float(seconds or 0))
        if late and late > 0:
            out[uid]["sla_breaches"] += 1
    for uid, values in durations.items():
        out[uid]["median_days_per_step"] = round(median(values) / 86400, 2)
    return out
