"""The SQL projection of an instance: its open work items and the application's status and stage.

Inboxes, dashboards and the API read these rows, never the workflow JSON. Called after every
engine run, in the same transaction.
"""
from sqlalchemy import select

from .. import clock, engine
from ..extensions import db
from ..models import Application, User, WorkItem
from . import hooks
from .offices import office_for_level

#: ``db.session.info`` key: ``{username: user id}`` of officers this request already looked up (the
#: task form's officer fields), so opening the task assigned to one of them does not look them up again.
KNOWN_USER_IDS = "known_user_ids"


def project(application: Application, instance, wf, saved, *, actor=None, old_status=None,
            new_application=False, acted=False, open_items=None) -> list[WorkItem]:
    """Sync work items with the ready user tasks and set the application's status and stage.

    :param old_status: the status before the engine ran (service tasks may have changed it since).
    :param acted: an officer or the applicant completed a task in this run.
    :param open_items: the instance's open work items when the caller knows them (read otherwise).

    :returns: the work items that were opened by this run.
    """
    now = clock.now()
    ready = engine.ready_user_tasks(wf)
    ready_by_guid = {t.guid: t for t in ready}
    if open_items is None:
        open_items = _open_items(instance.id)
    for item in open_items:
        if item.task_guid not in ready_by_guid:
            item.closed_at = now
            item.outcome = item.outcome or "cancelled"
            hooks.emit("task_closed", application=application, item=item, actor=actor)
    known = {item.task_guid for item in open_items}
    opened = []
    for task in ready:
        if task.guid in known:
            continue
        item = WorkItem(
            instance_id=instance.id, application_id=application.id, service_id=application.service_id,
            location_id=application.location_id,
            task_guid=task.guid, task_key=task.task_id,
            task_name=task.name or task.task_id, task_name_bn=task.properties.get("name_bn"),
            form_key=task.form_key, role=task.lane or "CITIZEN", office_id=_office_id(application, task),
            assignee_id=_assignee_id(task), tatkal=application.tatkal,
            app_submitted_at=application.submitted_at, created_at=now)
        db.session.add(item)
        opened.append(item)
    old_status = application.status if old_status is None else old_status
    _set_status(application, ready, saved, now, acted)
    for item in opened:   # before the flush: what listeners set on the item goes into its INSERT
        hooks.emit("task_opened", application=application, item=item)
    # Not flushed here: the caller's audit event sets the application's chain head, and one flush at
    # the commit writes the application once with it (the listeners' own statements need no flush:
    # the outbox INSERT names only rows that exist already).
    if old_status != application.status or new_application:
        hooks.emit("status_changed", application=application, old=None if new_application else old_status,
                   new=application.status, actor=actor)
    return opened


def _open_items(instance_id: int) -> list[WorkItem]:
    """The instance's open items as this transaction sees them, without flushing what it changed so
    far (the application is then written once, with the audit chain's head the caller sets): rows
    read open but closed in memory are left out, items added and not yet written are counted in."""
    with db.session.no_autoflush:
        rows = db.session.scalars(select(WorkItem).where(
            WorkItem.instance_id == instance_id, WorkItem.closed_at.is_(None))).all()
    added = [o for o in db.session.new if isinstance(o, WorkItem) and o.instance_id == instance_id]
    return [item for item in (*rows, *added) if item.closed_at is None]


def _office_id(application: Application, task) -> int | None:
    if (task.lane or "CITIZEN") in ("CITIZEN", "OPERATOR"):
        return None
    level = task.properties.get("office_level")
    if level:
        office = office_for_level(application.location, level)
        return office.id if office else None
    return application.processing_office_id


def _assignee_id(task) -> int | None:
    variable = task.properties.get("assignee_variable")
    username = task.data.get(variable) if variable else None
    if not username:
        return None
    known = db.session.info.get(KNOWN_USER_IDS, {})
    if username in known:
        return known[username]
    return db.session.scalar(select(User.id).where(User.username == username))


def _set_status(application: Application, ready, saved, now, acted: bool) -> None:
    application.updated_at = now
    if saved.finished:
        # record_decision set the status; the stage says how it ended.
        application.stage = {"APPROVED": "Approved", "REJECTED": "Rejected",
                             "DELIVERED": "Certificate issued"}.get(application.status, "Closed")
        application.stage_bn = {"APPROVED": "অনুমোদিত", "REJECTED": "বাতিল",
                                "DELIVERED": "শংসাপত্র প্রদান করা হয়েছে"}.get(application.status)
        return
    first = ready[0] if ready else None
    application.stage = first.name if first else None
    application.stage_bn = first.properties.get("name_bn") if first else None
    flagged = next((t.properties["status"] for t in ready if t.properties.get("status")), None)
    if flagged:
        application.status = flagged
    elif application.status in ("SUBMITTED", "SENT_BACK") and acted:
        application.status = "IN_PROCESS"


