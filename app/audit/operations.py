"""Recording audit events.

Events chain per object (each stores the hash of the previous event of the same object), so the
rows of one application cannot be altered or removed without breaking its chain; and writers of
different objects never contend for a global "last row".
"""
import hashlib
import json
from typing import NamedTuple

from sqlalchemy import func, select

from .. import clock
from ..extensions import db
from ..models import AuditEvent


def _digest(event: AuditEvent) -> str:
    payload = json.dumps([
        event.prev_hash, clock.iso(event.at), event.actor, event.role, event.action, event.object_type,
        event.object_key, event.stage, event.remarks, event.data, event.ip,
    ], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def record(action: str, object_type: str, object_key: str | None, *, actor=None, role: str | None = None,
           stage: str | None = None, remarks: str | None = None, data: dict | None = None,
           ip: str | None = None, at=None) -> AuditEvent:
    """Append an event. ``actor`` is an :class:`~app.accounts.actor.Actor`, a User or ``None`` (system).

    :param action: what happened, e.g. ``submitted``, ``forward_enquiry``, ``approve``.
    """
    user = getattr(actor, "user", actor)
    prev = db.session.scalar(
        select(AuditEvent.hash).where(AuditEvent.object_type == object_type, AuditEvent.object_key == object_key)
        .order_by(AuditEvent.id.desc()).limit(1))
    event = AuditEvent(
        at=at or clock.now(), actor_id=getattr(user, "id", None), actor=getattr(user, "username", None) or "system",
        role=role, action=action, object_type=object_type, object_key=object_key, stage=stage,
        remarks=remarks, data=data, ip=ip or getattr(actor, "ip", None), prev_hash=prev)
    event.hash = _digest(event)
    db.session.add(event)
    return event


def verify_chain(object_type: str, object_key: str) -> bool:
    """True when every event of the object still hashes to what was recorded and links to its predecessor."""
    prev = None
    for event in db.session.scalars(select(AuditEvent).where(
            AuditEvent.object_type == object_type, AuditEvent.object_key == object_key).order_by(AuditEvent.id)):
        if event.prev_hash != prev or _digest(event) != event.hash:
            return False
        prev = event.hash
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
    return None


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
