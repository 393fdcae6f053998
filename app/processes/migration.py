"""Migrating running applications to another version of their service (analysts and admins).

A dry run says, per open application, whether it can move and where its waiting tasks map; a
migration moves one application (or every movable one of a service), re-projects its work items
and records the move in the audit trail with the old and new version. Unsafe moves are refused
(see :mod:`app.engine.migrate`); nothing is changed for an application that cannot move.
"""
from sqlalchemy import select

from .. import clock, engine, policy
from ..audit.operations import record as audit
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..intake.records import find_by_ain
from ..models import Application, ProcessInstance, ProcessVersion, WorkItem
from . import deploy, store
from .context import ProcessContext
from .projection import project

#: Kept as a name here for callers of the old constant (the set is :data:`app.policy.MOVERS`).
MOVER_ROLES = policy.MOVERS


class NotMovable(Conflict):
    code = "not_movable"


def require_mover(actor) -> None:
    """:param actor: ``None`` for the console (``flask processes migrate``), whose user runs the server.

    :raises Forbidden: the actor is neither a process analyst nor an administrator.
    """
    if actor is not None:
        policy.require_role(actor, policy.MOVERS,
                            "Only a process analyst or an administrator may move applications between versions.")


def _application(ain: str) -> Application:
    application = find_by_ain(ain)
    if application is None:
        raise NotFound("There is no application with this number.")
    return application


def _target(application: Application, number) -> ProcessVersion:
    if not isinstance(number, int) or isinstance(number, bool) or not 0 < number < 2**31:
        raise Invalid("Give the version to move to.", fields={"version": "must be a version number"})
    return deploy.get_version(application.service.key, number)


def _refuse_closed(application: Application, target: ProcessVersion) -> list[str]:
    instance = application.instance
    if instance is None or instance.status != "RUNNING":
        return [engine.Reason("not_running", "the application is no longer running")]
    if instance.process_version_id == target.id:
        return [engine.Reason("same_version", "the application already runs on version %(version)s",
                              version=target.version)]
    return []


def plan(actor, ain: str, number) -> dict:
    """``{"movable", "task_map", "reasons", "from_version", "to_version"}``; changes nothing."""
    require_mover(actor)
    application = _application(ain)
    target = _target(application, number)
    reasons = _refuse_closed(application, target)
    result = engine.MigrationPlan(False, {}, reasons) if reasons else engine.plan_migration(
        store.spec_for(application.instance.version), store.spec_for(target), application.instance.state)
    return {"ain": application.ain, "from_version": application.instance.version.version,
            "to_version": target.version, **result._asdict()}


def migrate(actor, ain: str, number, settings) -> dict:
    """Move one application. :raises NotMovable: (409) with the reasons; nothing changes then."""
    require_mover(actor)
    application = _application(ain)
    target = _target(application, number)
    reasons = _refuse_closed(application, target)
    if reasons:
        raise NotMovable("This application cannot move to that version.", reasons=reasons)
    instance = store.lock(application.process_instance_id)
    old = instance.version
    context = ProcessContext(application, actor, clock.now(), settings)
    task_map = engine.plan_migration(store.spec_for(old), store.spec_for(target), instance.state).task_map
    try:
        wf = engine.migrate_instance(store.spec_for(old), store.spec_for(target), instance.state, context)
    except engine.NotMovable as exc:
        raise NotMovable("This application cannot move to that version.", reasons=exc.reasons) from None
    instance.process_version_id = target.id
    instance.version = target
    saved = store.save(instance, wf)
    _rename_open_items(instance, wf)
    project(application, instance, wf, saved, actor=actor)
    audit("migrated", "application", application.ain, actor=actor, role=getattr(actor, "primary_role", None),
          stage=application.stage, data={"before": {"version": old.version}, "after": {"version": target.version},
                                         "task_map": task_map})
    return {"ain": application.ain, "movable": True, "from_version": old.version, "to_version": target.version,
            "task_map": task_map, "reasons": []}


def _rename_open_items(instance: ProcessInstance, wf) -> None:
    """Open work items keep their task (same guid); their names and forms follow the new version."""
    ready = {t.guid: t for t in engine.ready_user_tasks(wf)}
    for item in db.session.scalars(select(WorkItem).where(WorkItem.instance_id == instance.id,
                                                          WorkItem.closed_at.is_(None))):
        task = ready.get(item.task_guid)
        if task is not None:
            item.task_key, item.task_name = task.task_id, task.name or task.task_id
            item.task_name_bn, item.form_key = task.properties.get("name_bn"), task.form_key


def open_applications(service_key: str, number: int) -> list[str]:
    """AINs of the service's running applications not on version ``number`` (oldest first)."""
    target = deploy.get_version(service_key, number)
    return list(db.session.scalars(
        select(Application.ain).join(ProcessInstance, Application.process_instance_id == ProcessInstance.id)
        .where(ProcessInstance.status == "RUNNING", ProcessInstance.process_version_id != target.id,
               Application.service.has(key=service_key))
        .order_by(Application.submitted_at, Application.id)))
