"""Per-step SLA figures of one application (due, done, late by), for officers of its jurisdiction."""
from sqlalchemy import select

from .. import clock, policy
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..models import Application, Escalation, Office, SlaStep, User


def application_steps(actor, ain: str) -> dict:
    application = db.session.scalar(select(Application).where(Application.ain == ain.upper()))
    if application is None:
        raise NotFound("There is no application with this AIN.")
    if not policy.may_count(actor, application):
        raise Forbidden("This application is outside your jurisdiction.")
    now = clock.now()
    steps = db.session.scalars(select(SlaStep).where(SlaStep.application_id == application.id)
                               .order_by(SlaStep.opened_at, SlaStep.id)).all()
    raised = {}
    for esc in db.session.scalars(select(Escalation).where(Escalation.application_id == application.id)):
        raised.setdefault(esc.work_item_id, []).append(
            {"level": esc.level, "role": esc.target_role, "raised_at": clock.iso(esc.raised_at),
             "resolved_at": clock.iso(esc.resolved_at)})
    rows = []
    for s in steps:
        due = clock.as_utc(s.due_at)
        late = s.late_seconds if s.done_at else (max(0.0, (now - due).total_seconds()) if due else None)
        rows.append({"step": s.step, "task": s.task_key, "role": s.role,
                     "office": db.session.get(Office, s.office_id).code if s.office_id else None,
                     "officer": db.session.get(User, s.officer_id).username if s.officer_id else None,
                     "opened_at": clock.iso(s.opened_at), "due_at": clock.iso(due), "done_at": clock.iso(s.done_at),
                     "late_seconds": int(late) if late is not None else None, "outcome": s.outcome,
                     "escalations": raised.get(s.work_item_id, [])})
    return {"ain": application.ain, "steps": rows}
