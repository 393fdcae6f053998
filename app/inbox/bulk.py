"""Bulk task actions: many tasks of one step, one decision and remark, each completed on its own.

The API completes each task in its own transaction (``app.api.edge.in_own_transaction``): each
application follows its own process and each certificate is signed on its own; one failure never
stops the rest. Tasks are taken in queue order (Tatkal first, then oldest), so a FIFO service's
selection does not trip over itself; an older task left out of the selection still needs the
override reason, which then applies to every task of the batch.
"""
from sqlalchemy import select

from ..errors import Invalid
from ..extensions import db
from ..formschema import actions as form_actions
from ..models import WorkItem
from . import operations as inbox

MAX_TASKS = 200
_FIELDS = {"ids", "action", "remarks", "reason", "fifo_override_reason"}
_MAX_ID = 2**63 - 1


def parse(body: dict) -> tuple[list[int], dict]:
    """``(task ids, the body each task is completed with)``. :raises Invalid: with field errors."""
    unknown = set(body) - _FIELDS
    if unknown:
        raise Invalid("Unknown fields.", fields={k: "unknown field" for k in sorted(unknown)})
    ids = body.get("ids")
    errors = {}
    if not isinstance(ids, list) or not ids:
        errors["ids"] = "must be a list of task ids"
    elif len(ids) > MAX_TASKS:
        errors["ids"] = f"at most {MAX_TASKS} tasks at once"
    elif not all(isinstance(i, int) and not isinstance(i, bool) and 0 < i <= _MAX_ID for i in ids):
        errors["ids"] = "every id must be a positive whole number"
    elif len(set(ids)) != len(ids):
        errors["ids"] = "an id is listed twice"
    if not isinstance(body.get("action"), str) or not body["action"]:
        errors["action"] = "is required"
    if errors:
        raise Invalid("Please correct the fields listed.", fields=errors)
    return ids, {k: body[k] for k in ("action", "remarks", "reason", "fifo_override_reason") if k in body}


def in_queue_order(ids: list[int]) -> list[tuple[int, str | None, Invalid | None]]:
    """``(id, AIN, None)``, or with the reason it is refused before trying (not the batch's step).

    The batch's step is the one of its first task in queue order; ids that name no task keep their
    place at the end and fail on their own (404) when completed.
    """
    items = {w.id: w for w in db.session.scalars(select(WorkItem).where(WorkItem.id.in_(ids)))}
    known = sorted(items.values(), key=lambda w: (not w.tatkal, w.app_submitted_at, w.id))
    out: list[tuple[int, str | None, Invalid | None]] = []
    step = None
    for item in known:
        key = step_of(item)
        step = step or key
        out.append((item.id, item.application.ain, None if key == step else other_step()))
    out += [(i, None, None) for i in ids if i not in items]
    return out


def step_of(item: WorkItem) -> tuple[int, str]:
    """What makes tasks "the same step": the service and the task of its process."""
    return (item.application.service_id, item.task_key)


def other_step() -> Invalid:
    return Invalid("This task is not at the same step as the others; act on it on its own.", code="other_step")


def offered_actions(schema: dict) -> list[dict]:
    """The decisions a batch can take: those that need at most the one remark or reason (a decision
    that needs form data of its own, like naming the enquiry officer, is taken task by task)."""
    return [a for a in form_actions(schema).values() if set(a.get("requires", [])) <= {"remarks", "reason"}]


def complete_one(actor, item_id: int, step: tuple[int, str], body: dict, settings):
    """One task of a batch taken item by item (the officer pages): refused unless it is at ``step``,
    then completed exactly as a single task. :raises DomainError: that task's refusal."""
    if step_of(inbox.get_item(actor, item_id)) != step:
        raise other_step()
    return inbox.complete(actor, item_id, dict(body), settings)
