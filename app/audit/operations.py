"""Recording audit events.

Events chain per object (each stores the hash of the previous event of the same object), so the
rows of one application cannot be altered or removed without breaking its chain; and writers of
different objects never contend for a global "last row".

An application's chain head (the hash of its last event) is kept on its row, ``application.audit_head``:
the next event links to it without a SELECT, the UPDATE of the row the action makes anyway carries
the new head, and appends serialise on the row's lock (two writers can no longer both read the same
head and fork the chain). Other objects' heads are read from the trail under a transaction-level
advisory lock on the object (PostgreSQL), which serialises their appends too.
"""
import hashlib
import json
from typing import NamedTuple

from sqlalchemy import func, inspect, select
from sqlalchemy.orm.attributes import set_committed_value

from .. import clock
from ..extensions import db
from ..models import Application, AuditEvent

#: ``db.session.info`` key: ``{application id: transaction}`` of application rows this transaction
#: locked (``hold``), whose ``audit_head`` in memory is therefore the current one.
HELD = "audit_rows_held"


def _digest(event: AuditEvent) -> str:
    payload = json.dumps([
        event.prev_hash, clock.iso(event.at), event.actor, event.role, event.action, event.object_type,
        event.object_key, event.stage, event.remarks, event.data, event.ip,
    ], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def record(action: str, object_type: str, object_key: str | None, *, actor=None, role: str | None = None,
           stage: str | None = None, remarks: str | None = None, data: dict | None = None,
           ip: str | None = None, at=None, new_object: bool = False) -> AuditEvent:
    """Append an event. ``actor`` is an :class:`~app.accounts.actor.Actor`, a User or ``None`` (system).

    :param action: what happened, e.g. ``submitted``, ``forward_enquiry``, ``approve``.
    :param new_object: the object was created in this transaction (a certificate just issued), so
        its chain is empty and nobody else can append to it: nothing is read or locked.
    """
    user = getattr(actor, "user", actor)
    application = _application_locked(object_key) if object_type == "application" else None
    if application is not None:
        prev = application.audit_head
    else:
        prev = None if new_object else _last_hash(object_type, object_key)
    event = AuditEvent(
        at=at or clock.now(), actor_id=getattr(user, "id", None), actor=getattr(user, "username", None) or "system",
        role=role, action=action, object_type=object_type, object_key=object_key, stage=stage,
        remarks=remarks, data=data, ip=ip or getattr(actor, "ip", None), prev_hash=prev)
    event.hash = _digest(event)
    db.session.add(event)
    if application is not None:
        application.audit_head = event.hash   # written by the application's UPDATE at the flush
    return event


def hold(application: Application) -> None:
    """Say that this transaction loaded ``application`` with its row locked (``FOR UPDATE``), so its
    ``audit_head`` is current and the next :func:`record` needs no statement to read or lock it."""
    db.session.info.setdefault(HELD, {})[application.id] = _innermost()


def _innermost():
    session = db.session()   # the request's Session (the scoped_session proxy lacks these methods)
    return session.get_nested_transaction() or session.get_transaction()


def _held(application: Application) -> bool:
    if db.session.get_bind().dialect.name != "postgresql":
        return True   # SQLite: the transaction holds the database's write lock from its BEGIN IMMEDIATE
    state = inspect(application)
    if state.pending or "audit_head" not in state.dict:
        return state.pending   # not loaded yet: read under a lock below
    taken = db.session.info.get(HELD, {}).get(application.id)
    transaction = _innermost()
    while transaction is not None:   # locked in this transaction or an enclosing one still open
        if transaction is taken:
            return True
        transaction = transaction.parent
    return False


def _application_locked(ain: str | None) -> Application | None:
    """The application of ``ain`` with its row locked for this transaction and its head current."""
    found = next((o for o in list(db.session.new) + list(db.session.identity_map.values())   # loaded: no SQL
                  if isinstance(o, Application) and inspect(o).dict.get("ain") == ain), None)
    if found is not None and _held(found):
        return found
    locking = db.session.get_bind().dialect.name == "postgresql"
    if found is None:
        stmt = select(Application).where(Application.ain == ain)
        found = db.session.scalar((stmt.with_for_update(of=Application) if locking else stmt)
                                  .execution_options(autoflush=False))
        if found is None:
            return None
    else:
        stmt = select(Application.audit_head).where(Application.id == found.id)
        head = db.session.scalar((stmt.with_for_update() if locking else stmt).execution_options(autoflush=False))
        if not inspect(found).attrs.audit_head.history.has_changes():
            set_committed_value(found, "audit_head", head)
    hold(found)
    return found


def _last_hash(object_type: str, object_key: str | None) -> str | None:
    """The hash of the object's last event, read after taking a transaction-level advisory lock on the
    object (PostgreSQL) so that a second writer waits for the first to commit, then sees its event."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(func.pg_advisory_xact_lock(
            func.hashtextextended(f"audit:{object_type}:{object_key}", 0))))
    return db.session.scalar(
        select(AuditEvent.hash).where(AuditEvent.object_type == object_type, AuditEvent.object_key == object_key)
        .order_by(AuditEvent.id.desc()).limit(1))


def verify_chain(object_type: str, object_key: str) -> bool:
    """True when every event of the object still hashes to what was recorded and links to its
    predecessor, and (an application) the head kept on its row is the hash of its last event."""
    prev = None
    for event in db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_type == object_type, AuditEvent.object_key == object_key).order_by(AuditEvent.id)):
        if event.prev_hash != prev or _digest(event) != event.hash:
            return False
        prev = event.hash
    if object_type == "application":
        row = db.session.execute(select(Application.audit_head).where(Application.ain == object_key)).one_or_none()
        return row is None or row.audit_head == prev
    return True


class BrokenLink(NamedTuple):
    """The first event of a chain that no longer holds: what it is and why."""
    event_id: int
    object_type: str
    object_key: str | None
    reason: str

    def __str__(self) -> str:
        return f"audit_event {self.event_id} ({self.object_type} {self.object_key}): {self.reason}"


def chain_count() -> int:
    """How many chains (objects) the trail holds — for a progress bar."""
    return db.session.scalar(select(func.count()).select_from(
        select(AuditEvent.object_type, AuditEvent.object_key).distinct().subquery())) or 0


def verify_all(progress=None) -> BrokenLink | None:
    """Walk every chain in id order; the first event whose hash or link does not hold, else ``None``.

    Streams the trail ordered by object then id (``yield_per``), so memory stays flat on millions of
    rows. :param progress: called with 1 each time a chain has been checked.
    """
    query = (select(AuditEvent).order_by(AuditEvent.object_type, AuditEvent.object_key, AuditEvent.id)
             .execution_options(yield_per=2000))
    current, prev = None, None
    for event in db.session.scalars(query):
        key = (event.object_type, event.object_key)
        if key != current:
            if current is not None and progress:
                progress(1)
            current, prev = key, None
        if event.prev_hash != prev:
            reason = ("links to a previous event that is not there (a row was removed or reordered)"
                      if prev is not None or event.prev_hash is not None else "the link to the previous event changed")
            return BrokenLink(event.id, event.object_type, event.object_key, reason)
        if _digest(event) != event.hash:
            return BrokenLink(event.id, event.object_type, event.object_key,
                              "its content no longer matches its hash (the row was edited)")
        prev = event.hash
    if current is not None and progress:
        progress(1)
    return head_mismatch()


def head_mismatch() -> BrokenLink | None:
    """The first application whose ``audit_head`` is not the hash of its chain's last event (the last
    events were removed, or the head was altered), else ``None``: one grouped pass over the trail
    (hash joins; a ``LIMIT 1`` here would make the planner walk the applications one by one)."""
    last_id = (select(func.max(AuditEvent.id).label("id")).where(AuditEvent.object_type == "application")
               .group_by(AuditEvent.object_key).subquery())
    last = (select(AuditEvent.id, AuditEvent.object_key, AuditEvent.hash)
            .join(last_id, last_id.c.id == AuditEvent.id).subquery())
    first = db.session.scalar(
        select(func.min(Application.id)).select_from(Application).outerjoin(last, last.c.object_key == Application.ain)
        .where(Application.audit_head.is_distinct_from(last.c.hash)))
    if first is None:
        return None
    ain = db.session.scalar(select(Application.ain).where(Application.id == first))
    event_id = db.session.scalar(select(func.max(AuditEvent.id)).where(
        AuditEvent.object_type == "application", AuditEvent.object_key == ain))
    return BrokenLink(event_id or 0, "application", ain,
                      "the chain's head kept on the application is not its last event "
                      "(the last events were removed, or the head was changed)")


def trail(object_type: str, object_key: str) -> dict:
    """An object's events with their before/after values, and whether its chain still holds."""
    events = list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == object_type, AuditEvent.object_key == object_key).order_by(AuditEvent.id)))
    items = []
    for e in events:
        data = dict(e.data) if isinstance(e.data, dict) else {}
        items.append({"id": e.id, "at": clock.iso(e.at), "actor": e.actor, "role": e.role, "action": e.action,
                      "stage": e.stage, "remarks": e.remarks, "before": data.pop("before", None),
                      "after": data.pop("after", None), "data": data, "ip": e.ip})
    return {"items": items, "chain_intact": verify_chain(object_type, object_key)}
