"""What the SLA area does on the process hooks (same transaction as the change).

- a task opens: its ``due_at`` from the step's deadline, a ``sla_step`` figure row; a task with
  ``sla_paused=true`` (the citizen's resubmission) pauses the clock;
- a task closes: its figure gets done/late-by, its open escalations are resolved, a pause ends.
"""
from flask import current_app
from sqlalchemy import update

from .. import clock
from ..extensions import db
from ..models import Escalation, SlaStep
from ..processes import hooks
from .clock import clock_of, parse, pause, resume, task_properties


def on_task_opened(application, item) -> None:
    props = task_properties(application, item.task_key)
    now = clock.now()
    if str(props.get("sla_paused", "")).lower() == "true":
        pause(application, now)
        return
    step = props.get("sla_step")
    if not step:
        return
    sla = clock_of(application)
    limits = (sla.deadlines if sla else {}).get(str(step)) or {}
    item.due_at = parse(limits.get("due"))    # before the item's row is written: no second UPDATE
    db.session.add(SlaStep(application_id=application.id, location_id=application.location_id,
                           service_id=application.service_id, work_item=item, step=str(step),
                           task_key=item.task_key, role=item.role, office_id=item.office_id,
                           opened_at=item.created_at or now, due_at=item.due_at))


def on_task_closed(application, item, actor) -> None:
    now = clock.as_utc(item.closed_at) or clock.now()
    if item.escalation_level:  # escalate() raises the level with every escalation row it writes
        db.session.execute(update(Escalation).where(Escalation.work_item_id == item.id,
                                                    Escalation.resolved_at.is_(None))
                           .values(resolved_at=now).execution_options(synchronize_session=False))
    # The step's due time is the item's (both set when it opened): one UPDATE, no SELECT first.
    due = clock.as_utc(item.due_at)
    db.session.execute(update(SlaStep).where(SlaStep.work_item_id == item.id, SlaStep.done_at.is_(None)).values(
        done_at=now, officer_id=item.closed_by_id or getattr(actor, "id", None), outcome=item.outcome,
        late_seconds=max(0.0, (now - due).total_seconds()) if due else None)
        .execution_options(synchronize_session=False, autoflush=False))   # no flush of the action's other rows
    if str(task_properties(application, item.task_key).get("sla_paused", "")).lower() == "true":
        resume(application, now, current_app.config)


def subscribe() -> None:
    hooks.subscribe("task_opened", on_task_opened)
    hooks.subscribe("task_closed", on_task_closed)
