"""What L1/L2 officers do with an escalated task: see it, take it over, remark on it.

An officer "holds" an escalation when one of their postings is the escalation's target office and
role and the escalation is open (the task is not done yet). Holders see the task in
``GET /api/v1/inbox?escalated=true``, may act on it as if it were in their own queue, take it over
(become its assignee), reassign it within its office, and leave remarks its assignee reads.
"""
from sqlalchemy import exists, func, select

from .. import clock, policy
from ..audit.operations import record as audit
from ..errors import Conflict, Invalid
from ..extensions import db
from ..models import Escalation, TaskRemark, WorkItem
from ..processes import hooks, store

DAY = 86400




def escalated_inbox(actor, page: int, per_page: int) -> tuple[list[WorkItem], int]:
    """Open tasks escalated to the actor, the most overdue first."""
    query = (select(WorkItem).where(WorkItem.closed_at.is_(None), exists().where(
        Escalation.work_item_id == WorkItem.id, policy.escalation_filter(actor)))
        .order_by(WorkItem.due_at.asc().nulls_last(), WorkItem.id))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    return db.session.scalars(query.offset((page - 1) * per_page).limit(per_page)).all(), total


def escalation_api(actor, item: WorkItem) -> dict | None:
    """How late the task is and at which level it reached the actor."""
    held = db.session.scalars(select(Escalation).where(Escalation.work_item_id == item.id, policy.escalation_filter(actor))
                              .order_by(Escalation.level.desc())).first()
    if held is None:
        return None
    due = clock.as_utc(item.due_at or held.step_due_at)
    late = max(0.0, (clock.now() - due).total_seconds()) if due else None
    return {"level": held.level, "raised_at": clock.iso(held.raised_at), "step_due_at": clock.iso(due),
            "respond_by": clock.iso(held.due_at), "late_seconds": int(late) if late is not None else None,
            "late_days": round(late / DAY, 2) if late is not None else None,
            "office": held.target_office.code if held.target_office else None, "role": held.target_role}


def _open_item(actor, item_id: int) -> WorkItem:
    item = store.lock_work_item(item_id)
    policy.check(actor, "task.escalated", item, missing="There is no such task.")
    if item.closed_at is not None:
        raise Conflict("This task has already been completed.", code="already_completed")
    return item


def take_over(actor, item_id: int) -> WorkItem:
    """The escalation holder becomes the task's assignee (whoever held it before)."""
    item = _open_item(actor, item_id)
    previous = item.assignee.username if item.assignee else None
    item.assignee_id = actor.id
    db.session.flush()
    db.session.expire(item, ["assignee"])
    audit("taken_over", "application", item.application.ain, actor=actor, role=actor.primary_role,
          stage=item.task_name, data={"from": previous, "task_id": item.id,
                "before": {"assignee": previous}, "after": {"assignee": actor.username}})
    return item


def add_remark(actor, item_id: int, body: dict) -> TaskRemark:
    """A remark from the escalation holder to whoever works on the task."""
    if not isinstance(body, dict) or set(body) - {"remarks"}:
        raise Invalid("Send {\"remarks\": \"...\"}.", fields={k: "unknown field" for k in set(body or {}) - {"remarks"}})
    text = body.get("remarks")
    if not isinstance(text, str) or not text.strip() or len(text) > 2000:
        raise Invalid("Write the remark (at most 2000 characters).", fields={"remarks": "is required, up to 2000 characters"})
    item = _open_item(actor, item_id)
    role = next((p.role for p in actor.postings if holds_escalation_role(item, p)), actor.primary_role)
    remark = TaskRemark(work_item_id=item.id, author_id=actor.id, author_role=role, text=text.strip(),
                        created_at=clock.now())
    db.session.add(remark)
    db.session.flush()
    audit("remarked", "application", item.application.ain, actor=actor, role=role, stage=item.task_name,
          remarks=remark.text, data={"task_id": item.id})
    hooks.emit("task_remarked", application=item.application, item=item, remark=remark)
    return remark


def holds_escalation_role(item: WorkItem, posting) -> bool:
    return db.session.scalar(select(exists().where(
        Escalation.work_item_id == item.id, Escalation.resolved_at.is_(None),
        Escalation.target_office_id == posting.office_id, Escalation.target_role == posting.role)))


def remarks_of(item: WorkItem) -> list[TaskRemark]:
    return db.session.scalars(select(TaskRemark).where(TaskRemark.work_item_id == item.id)
                              .order_by(TaskRemark.id)).all()


def remark_api(remark: TaskRemark) -> dict:
    return {"id": remark.id, "author": remark.author.username if remark.author else None,
            "role": remark.author_role, "remarks": remark.text, "at": clock.iso(remark.created_at)}
