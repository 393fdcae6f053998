"""Many waiting instances fast: copy one real application (its instance state, work items, SLA clock).

Every task id (UUID) in the copied state is replaced, so each copy is a distinct instance whose
work items have their own task guids. Used by the multi-sweeper test and bench/timers.py.
"""
import re
import uuid
from datetime import datetime

from sqlalchemy import insert, select

from app.extensions import db
from app.models import Application, ProcessInstance, SlaClock, SlaStep, WorkItem
from tests.helpers import submit_residential

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _columns(row, skip=("id",)) -> dict:
    return {c.key: getattr(row, c.key) for c in row.__table__.columns if c.key not in skip}


def clone(ain: str, count: int, *, next_timer_at: datetime | None = None, prefix: str = "C",
          chunk: int = 1000) -> list[int]:
    """Insert ``count`` copies of application ``ain``; :returns: the new process instance ids.

    :param next_timer_at: overrides the copies' indexed due time (the state keeps its own timers).
    """
    source = db.session.scalar(select(Application).where(Application.ain == ain))
    instance = db.session.get(ProcessInstance, source.process_instance_id)
    items = db.session.scalars(select(WorkItem).where(WorkItem.application_id == source.id)).all()
    sla = db.session.scalar(select(SlaClock).where(SlaClock.application_id == source.id))
    steps = db.session.scalars(select(SlaStep).where(SlaStep.application_id == source.id)).all()
    guids = sorted(set(UUID.findall(instance.state)))
    instance_ids = []
    for start in range(0, count, chunk):
        n = min(chunk, count - start)
        maps = [{g: str(uuid.uuid4()) for g in guids} for _ in range(n)]
        states = [UUID.sub(lambda m, mp=mp: mp.get(m.group(0), m.group(0)), instance.state) for mp in maps]
        base = _columns(instance)
        rows = [{**base, "state": s, "next_timer_at": next_timer_at or instance.next_timer_at} for s in states]
        new_instances = db.session.scalars(insert(ProcessInstance).returning(ProcessInstance.id), rows).all()
        app_base = _columns(source)
        apps = [{**app_base, "ain": f"{prefix}{start + i:07d}-{ain}"[:32], "process_instance_id": pid,
                 "idempotency_key": None} for i, pid in enumerate(new_instances)]
        new_apps = db.session.scalars(insert(Application).returning(Application.id), apps).all()
        item_rows = [{**_columns(it), "instance_id": pid, "application_id": aid, "task_guid": mp[it.task_guid]}
                     for it in items for pid, aid, mp in zip(new_instances, new_apps, maps)]
        new_items = db.session.scalars(insert(WorkItem).returning(WorkItem.id, WorkItem.task_guid), item_rows).all() \
            if item_rows else []
        if sla is not None:
            db.session.execute(insert(SlaClock), [{**_columns(sla), "application_id": aid} for aid in new_apps])
        if steps:
            by_guid = dict(db.session.execute(select(WorkItem.task_guid, WorkItem.id).where(
                WorkItem.instance_id.in_(new_instances))).all())
            old_guid = {it.id: it.task_guid for it in items}
            step_rows = []
            for step in steps:
                for aid, mp in zip(new_apps, maps):
                    step_rows.append({**_columns(step), "application_id": aid,
                                      "work_item_id": by_guid[mp[old_guid[step.work_item_id]]]})
            db.session.execute(insert(SlaStep), step_rows)
        del new_items
        instance_ids.extend(new_instances)
    db.session.flush()
    return instance_ids


def residential_with_copies(app, api, copies: int, prefix: str) -> str:
    """One residential application filed through the API and ``copies`` committed copies of it
    (all waiting at its first step); :returns: the original's AIN."""
    ain = submit_residential(api)
    with app.app_context():
        clone(ain, copies, prefix=prefix)
        db.session.commit()
        db.session.remove()
    return ain
