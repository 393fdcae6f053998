"""Reassigning an open task to another officer of the same office and role."""
from sqlalchemy import select

from .. import policy
from ..audit.operations import record as audit
from ..errors import Conflict, Invalid
from ..extensions import db
from ..models import Posting, User, WorkItem
from ..processes import store


def reassign(actor, item_id: int, payload: dict) -> WorkItem:
    """Give an open task to ``payload["username"]``, who must hold the task's role in its office.

    :raises Forbidden: the actor does not head the task's office. :raises Invalid: unknown or ineligible user.
    :raises Conflict: the task is closed.
    """
    if not isinstance(payload, dict) or set(payload) != {"username"} or not isinstance(payload["username"], str):
        raise Invalid("Send the username of the officer to give the task to.",
                      fields={"username": "is required", **{k: "unknown field" for k in set(payload or {}) - {"username"}}})
    item = store.lock_work_item(item_id)
    policy.check(actor, "task.reassign", item, missing="There is no such task.")
    if item.closed_at is not None:
        raise Conflict("This task has already been completed.", code="already_completed")
    target = db.session.scalar(select(User).join(Posting, Posting.user_id == User.id).where(
        User.username == payload["username"], User.active.is_(True),
        Posting.role == item.role, Posting.office_id == item.office_id, policy.current_filter(Posting)))
    if target is None:
        raise Invalid("That officer cannot take this task.",
                      fields={"username": f"must be the username of an active {item.role} of this office"})
    previous = item.assignee.username if item.assignee else None
    item.assignee_id = target.id
    db.session.flush()
    db.session.expire(item, ["assignee"])
    audit("reassigned", "application", item.application.ain, actor=actor, role=actor.primary_role,
          stage=item.task_name, data={"from": previous, "to": target.username, "task_id": item.id,
                "before": {"assignee": previous}, "after": {"assignee": target.username}})
    return item
