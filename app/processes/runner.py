"""Running an application's process: start, complete a task, resubmit — each ends in the projection."""
from sqlalchemy import select

from .. import clock, engine
from ..audit.operations import record as audit
from ..errors import Conflict
from ..extensions import db
from ..models import WorkItem
from . import hooks, store
from .context import ProcessContext
from .projection import project


class TaskGone(Conflict):
    code = "already_completed"


def start_application(application, version, actor, settings) -> None:
    context = ProcessContext(application, actor, clock.now(), settings, version=version)
    location = application.location
    data = {
        "service_key": application.service.key,
        "service_level": application.service.level,
        "location_level": location.level,
        "location_lgd": location.lgd_code,
        "channel": application.channel,
        "tatkal": application.tatkal,
        "form": dict(application.data or {}),
    }
    instance, wf, saved = store.start(version, data, context)
    application.process_instance_id = instance.id
    application.instance = instance
    db.session.flush()
    # A new instance has no work items yet: nothing to read back.
    project(application, instance, wf, saved, actor=actor, new_application=True, open_items=[])


def complete_item(item, actor, variables: dict, *, outcome: str, settings, instance=None) -> None:
    """Complete the user task behind ``item`` with already-whitelisted ``variables``.

    Locks the instance first; if the task was completed meanwhile, raises :class:`TaskGone`.
    """
    application = item.application
    if instance is None:
        instance = store.lock(application.process_instance_id)
    # Completed meanwhile? The state re-read under the lock no longer has the task ready (below).
    if item.closed_at is not None:
        raise TaskGone("This task has already been completed.")
    context = ProcessContext(application, actor, clock.now(), settings, work_item=item)
    old_status = application.status
    wf = store.restore(instance, context)
    # Open items are the ready user tasks after every committed run (the projection keeps them so):
    # when this task was the only one ready, no other item is open and the projection need not read them.
    others_open = None if engine.ready_user_task_guids(wf) != {item.task_guid} else []
    try:
        engine.complete(wf, item.task_guid, variables, context)
    except engine.TaskNotReady:
        raise TaskGone("This task has already been completed.") from None
    saved = store.save(instance, wf)
    item.closed_at = clock.now()
    item.closed_by_id = actor.id
    item.outcome = outcome
    hooks.emit("task_closed", application=application, item=item, actor=actor)
    project(application, instance, wf, saved, actor=actor, old_status=old_status, acted=True, open_items=others_open)


def resubmit(application, actor, form_data: dict, remarks, settings) -> None:
    item = db.session.scalar(select(WorkItem).where(
        WorkItem.application_id == application.id, WorkItem.role == "CITIZEN", WorkItem.closed_at.is_(None)))
    if item is None:
        raise Conflict("This application is not waiting for a correction.", code="not_sent_back")
    meta = application.instance.version.task_meta.get(item.task_key, {})
    target = meta.get("properties", {}).get("form_target")
    variables = {"action": "resubmit", target or "form": dict(form_data)}
    before = dict(application.data or {})
    complete_item(item, actor, variables, outcome="resubmit", settings=settings)
    application.data = dict(form_data)
    changed = sorted(k for k in set(before) | set(form_data) if before.get(k) != form_data.get(k))
    audit("resubmitted", "application", application.ain, actor=actor, role=actor.primary_role,
          stage=application.stage, remarks=remarks,
          data={"before": {k: before.get(k) for k in changed}, "after": {k: form_data.get(k) for k in changed}})
