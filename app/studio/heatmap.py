"""Live heatmap of a service: how many applications wait at each task, for how long, how many overdue.

Read from the ``work_item`` projection (open rows), never from process state. Analysts see every
office; BDO, SDO and DM see the offices in their jurisdiction (their office's area and below).
"""
from datetime import datetime, timezone

from sqlalchemy import func, select

from .. import policy
from ..extensions import db
from ..models import Application, Office, WorkItem
from ..processes.deploy import active_version
from . import operations



def jurisdiction_office_ids(actor) -> set[int] | None:
    """Offices the actor oversees: ``None`` (all) for an analyst, else offices at or below theirs."""
    policy.require_role(actor, policy.HEATMAP_ROLES, "Only analysts and supervisors (BDO, SDO, DM) see the heatmap.")
    if actor.has_role(*policy.MODELLERS):
        return None
    own = [db.session.get(Office, oid) for oid in actor.office_ids(*policy.SUPERVISORS)]
    areas = {o.location_id for o in own if o is not None and o.location_id is not None}
    visible = {o.id for o in own if o is not None}
    for office in db.session.scalars(select(Office).where(Office.location_id.is_not(None))):
        if office.location is not None and any(loc.id in areas for loc in office.location.ancestors()):
            visible.add(office.id)
    return visible


def heatmap(actor, service_key: str, now: datetime) -> dict:
    """``{"version", "tasks": {task_key: {"name", "open", "oldest_seconds", "overdue"}}, "total"}``.

    :param now: the app clock (``app.clock.now()``), passed into the SQL.
    """
    service = operations.get_service(service_key)
    offices = jurisdiction_office_ids(actor)
    query = (select(WorkItem.task_key, func.max(WorkItem.task_name), func.count(WorkItem.id),
                    func.min(WorkItem.created_at),
                    func.count(WorkItem.id).filter(WorkItem.due_at.is_not(None), WorkItem.due_at < now))
             .join(Application, Application.id == WorkItem.application_id)
             .where(Application.service_id == service.id, WorkItem.closed_at.is_(None))
             .group_by(WorkItem.task_key))
    if offices is not None:
        query = query.where(WorkItem.office_id.in_(offices or {-1}))
    tasks = {}
    for key, name, count, oldest, overdue in db.session.execute(query):
        oldest_seconds = int((now - _aware(oldest)).total_seconds()) if oldest is not None else 0
        tasks[key] = {"name": name, "open": count, "oldest_seconds": max(oldest_seconds, 0), "overdue": overdue}
    active = active_version(service_key)
    return {"service": service_key, "version": active.version if active else None,
            "tasks": tasks, "total": sum(t["open"] for t in tasks.values())}


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=timezone.utc)
