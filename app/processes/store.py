"""Loading, locking and saving process instances.

An instance is locked for the length of the transaction that changes it: ``SELECT … FOR UPDATE`` on
PostgreSQL (SQLite write transactions are ``BEGIN IMMEDIATE`` already), and every save also checks
``lock_version`` so a state loaded outside the lock can never overwrite a newer one.
"""
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from .. import clock, engine
from ..errors import Conflict
from ..extensions import db
from ..models import ProcessInstance, ProcessVersion, WorkItem


class StaleInstance(Conflict):
    code = "stale"


def spec_for(version: ProcessVersion):
    """The restored spec objects of a version, cached per version and content hash."""
    return engine.load_spec(f"{version.id}:{version.sha256}", lambda: version.spec_json)


def start(version: ProcessVersion, data: dict, context):
    """Create an instance of ``version`` and run it to its first wait state.

    :returns: ``(instance, workflow)``; the instance is added and flushed.
    """
    wf = engine.start(spec_for(version), data, context)
    saved = engine.dump(wf)
    now = clock.now()
    instance = ProcessInstance(
        process_version_id=version.id, state=saved.state, serializer_version=saved.serializer_version,
        status="COMPLETE" if saved.finished else "RUNNING", next_timer_at=saved.next_timer_at,
        lock_version=0, created_at=now, updated_at=now)
    instance.version = version
    db.session.add(instance)
    db.session.flush()
    return instance, wf, saved


def lock(instance_id: int) -> ProcessInstance:
    """Load an instance with its row locked for this transaction (and its version, without the XML)."""
    stmt = select(ProcessInstance).where(ProcessInstance.id == instance_id)
    if locks_rows():
        stmt = stmt.with_for_update(of=ProcessInstance)
    instance = db.session.execute(stmt.execution_options(populate_existing=True)).scalar_one()
    return instance


def lock_work_item(item_id: int):
    """Load a work item with its row locked for this transaction (``None`` if there is none)."""
    stmt = select(WorkItem).where(WorkItem.id == item_id).execution_options(populate_existing=True)
    if locks_rows():
        stmt = stmt.with_for_update(of=WorkItem)
    return db.session.scalar(stmt)


def locks_rows() -> bool:
    """True where rows must be locked explicitly; SQLite write transactions hold the database lock
    from their first statement (``BEGIN IMMEDIATE``), so what they read is already current."""
    return db.session.get_bind().dialect.name == "postgresql"


def restore(instance: ProcessInstance, context):
    return engine.restore(spec_for(instance.version), instance.state, context)


def save(instance: ProcessInstance, wf):
    """Write the workflow state back, refusing if someone saved it since we loaded it."""
    saved = engine.dump(wf)
    loaded_version = instance.lock_version
    result = db.session.execute(
        update(ProcessInstance)
        .where(ProcessInstance.id == instance.id, ProcessInstance.lock_version == loaded_version)
        .values(state=saved.state, serializer_version=saved.serializer_version,
                status="COMPLETE" if saved.finished else "RUNNING", next_timer_at=saved.next_timer_at,
                lock_version=loaded_version + 1, updated_at=clock.now())
        .execution_options(synchronize_session=False, autoflush=False))   # the rest flushes once, at the end
    if result.rowcount != 1:
        raise StaleInstance("This application was changed by someone else just now. Reload and try again.")
    # Keep the loaded object in step with the row without selecting it again.
    for name, value in (("state", saved.state), ("serializer_version", saved.serializer_version),
                        ("status", "COMPLETE" if saved.finished else "RUNNING"),
                        ("next_timer_at", saved.next_timer_at), ("lock_version", loaded_version + 1)):
        set_committed_value(instance, name, value)
    return saved
