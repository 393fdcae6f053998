"""Recall: the officer who last completed a task pulls the application back before anyone acts next.

The workflow goes back to that task (``engine.reset_to_task``), the next officer's open task is
cancelled, and the task opens again as a new work item held by the recalling officer; the old row
keeps who acted and when, with outcome ``recalled`` (the action recalled is in the audit trail).
"""
import uuid

from sqlalchemy import or_, select

from .. import clock, engine, policy
from ..audit.operations import record as audit
from ..errors import Conflict, Invalid
from ..extensions import db
from ..inputs import check_text
from ..models import Application, WorkItem
from ..processes import store
from ..processes.context import ProcessContext
from ..processes.projection import project
from .records import find_by_ain

#: Lanes whose tasks are the applicant's side, never recalled by an officer.
_APPLICANT_LANES = ("CITIZEN", "OPERATOR")


class CannotRecall(Conflict):
    code = "cannot_recall"


def recall(actor, ain: str, payload: dict, settings) -> Application:
    """Pull an application back to the task ``actor`` completed last.

    :raises CannotRecall: (409) someone acted after the actor, the process has finished, or the
        actor's last action was not the latest one.
    """
    if not isinstance(payload, dict) or set(payload) - {"remarks"}:
        raise Invalid("Send only remarks.", fields={k: "unknown field" for k in set(payload or {}) - {"remarks"}})
    remarks = payload.get("remarks")
    if not isinstance(remarks, str) or not remarks.strip() or len(remarks) > 2000:
        raise Invalid("Say why you are recalling the application.", fields={"remarks": "is required (at most 2000 characters)"})
    check_text("remarks", remarks)
    application = find_by_ain(ain)
    policy.check(actor, "application.view", application)
    instance = store.lock(application.process_instance_id)
    last, refusal = recall_target(actor, application, instance)
    if refusal:
        raise CannotRecall(refusal)
    context = ProcessContext(application, actor, clock.now(), settings)
    old_status = application.status
    wf = store.restore(instance, context)
    try:
        engine.reset_to_task(wf, last.task_guid, context)
    except engine.TaskNotReady:
        raise CannotRecall("This application can no longer be recalled.") from None
    saved = store.save(instance, wf)
    stage_before, guid, recalled_action = application.stage, last.task_guid, last.outcome
    # The row keeps who acted and when; it gives up the task's guid so the task opens as a new row.
    last.task_guid, last.outcome = str(uuid.uuid4()), "recalled"
    db.session.flush()
    application.status = "IN_PROCESS" if _acted_since_submission(application) else "SUBMITTED"
    opened = project(application, instance, wf, saved, actor=actor, old_status=old_status)
    for item in opened:
        if item.task_guid == guid:
            item.assignee_id = actor.id
    db.session.flush()
    audit("recalled", "application", application.ain, actor=actor, role=last.role, stage=stage_before,
          remarks=remarks.strip(), data={"back_to": last.task_key, "recalled_action": recalled_action})
    return application



def last_completed(application: Application) -> WorkItem | None:
    """The work item completed most recently on the application (recalled ones do not count)."""
    return db.session.scalar(select(WorkItem).where(
        WorkItem.application_id == application.id, WorkItem.closed_by_id.is_not(None),
        or_(WorkItem.outcome.is_(None), WorkItem.outcome != "recalled"))
        .order_by(WorkItem.closed_at.desc(), WorkItem.id.desc()).limit(1))


def recall_target(actor, application: Application, instance=None) -> tuple[WorkItem | None, str | None]:
    """``(the task actor may recall, None)`` or ``(None, why not)`` — the rule :func:`recall` enforces,
    also asked by pages deciding whether to offer the button."""
    instance = instance or application.instance
    if instance is None or instance.status != "RUNNING":
        return None, "This application has been decided already and cannot be recalled."
    last = last_completed(application)
    if last is None or last.closed_by_id != actor.id or last.role in _APPLICANT_LANES:
        return None, "Only the officer who acted last can recall this application, before anyone acts next."
    if not policy.holds_queue(actor, last):
        return None, "You no longer hold the posting in which you acted on this application."
    return last, None


def _acted_since_submission(application: Application) -> bool:
    """Whether any action other than a recalled one was taken on the application."""
    return db.session.scalar(select(WorkItem.id).where(
        WorkItem.application_id == application.id, WorkItem.closed_by_id.is_not(None),
        WorkItem.outcome != "recalled").limit(1)) is not None
