"""The dispatcher: sends due outbox rows, exactly once, with several dispatchers running.

1. Claim due rows in one committed transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL,
   ``BEGIN IMMEDIATE`` on SQLite): status ``sending``, our lease owner, a lease end, attempts + 1.
   The claim is committed BEFORE any provider is called.
2. Render bodies not yet rendered and commit them, so every attempt sends the same text.
3. Per row: a send starts only if it can finish (3 × the socket timeout) before the lease ends,
   otherwise the row is released. A row whose earlier attempt may have reached the provider (lease
   expired, timeout, 5xx) is first looked up at the provider; if it is there, it is marked sent.
4. Mark sent (with the provider's id) / retry with exponential backoff / dead (a permanent error at
   once, others after ``max_attempts``) — each row committed on its own.

A row sent is never sent again: ``sent`` rows are never claimed.
"""
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, func, or_, select, update

from .. import clock
from ..extensions import db
from ..models import Notification
from . import settings as notify_settings
from .backends import SendError, backend_for
from .render import REDACTED, render_row

N = Notification


def dispatch_due(app=None, limit: int | None = None) -> dict:
    """Send what is due; the scheduler's job and ``flask notifications dispatch``.

    :param app: the Flask app (an app context is pushed for the run); the current app when None.
    :returns: counts by outcome: ``sent``, ``retry``, ``dead``, ``expired``, ``released``, ``lost``.
    """
    app = app or current_app._get_current_object()
    with app.app_context():
        ns = notify_settings.load(app.config)
        owner = uuid.uuid4().hex
        counts = {"claimed": 0, "sent": 0, "retry": 0, "dead": 0, "expired": 0, "released": 0, "lost": 0}
        try:
            ids = claim(owner, limit or ns.batch, ns.lease_seconds)
            counts["claimed"] = len(ids)
            if ids:
                _render_pending(ids, owner, app.config)
            backends = {}
            for row_id in ids:
                outcome = _process(row_id, owner, ns, backends)
                counts[outcome] += 1
        finally:
            db.session.remove()
        return counts


def dispatch_job(app) -> datetime | None:
    """The scheduler job: one round, then the time the next row falls due (the scheduler wakes the
    job then if that is before its next interval run — retries go out on time)."""
    counts = dispatch_due(app)
    with app.app_context():
        try:
            if counts["claimed"] >= notify_settings.load(app.config).batch:
                return clock.now()  # more is waiting
            return db.session.scalar(select(func.min(N.next_attempt_at)).where(N.status == "pending"))
        finally:
            db.session.remove()


def claim(owner: str, limit: int, lease_seconds: int) -> list[int]:
    """Lease up to ``limit`` due rows to ``owner``; committed before returning."""
    now = clock.now()
    due = or_(and_(N.status == "pending", N.next_attempt_at <= now),
              and_(N.status == "sending", N.lease_until < now))
    query = select(N.id).where(due).order_by(N.priority.desc(), N.next_attempt_at, N.id).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    try:
        ids = list(db.session.scalars(query))
        if ids:
            db.session.execute(update(N).where(N.id.in_(ids)).values(
                status="sending", lease_owner=owner, lease_until=now + timedelta(seconds=lease_seconds),
                attempts=N.attempts + 1, updated_at=now,
                # a lease that ran out means an attempt may have reached the provider
                maybe_sent=case((N.status == "sending", True), else_=N.maybe_sent))
                .execution_options(synchronize_session=False))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return ids


def _render_pending(ids, owner, config) -> None:
    rows = db.session.scalars(select(N).where(N.id.in_(ids), N.lease_owner == owner, N.body.is_(None))).all()
    broken = []
    for row in rows:
        try:
            row.subject, row.body = render_row(row, config)
        except (KeyError, ValueError, OSError) as exc:
            broken.append((row.id, f"template problem: {type(exc).__name__}: {exc}"[:900]))
    db.session.commit()
    for row_id, error in broken:
        _finish(row_id, owner, "dead", error=error)


@dataclass(frozen=True)
class Message:
    """What a backend needs of a row, read before the network call (no transaction stays open)."""

    id: int
    event: str
    channel: str
    to: str
    subject: str | None
    body: str
    attempts: int
    maybe_sent: bool
    last_error: str | None
    created_at: datetime
    lease_until: datetime
    expires_at: datetime | None

    @classmethod
    def of(cls, row):
        return cls(row.id, row.event, row.channel, row.to, row.subject, row.body or "", row.attempts,
                   bool(row.maybe_sent), row.last_error, row.created_at, row.lease_until, row.expires_at)


def _process(row_id: int, owner: str, ns, backends: dict) -> str:
    found_row = db.session.get(N, row_id, populate_existing=True)
    row = Message.of(found_row) if found_row is not None and found_row.lease_owner == owner \
        and found_row.status == "sending" else None
    # End the read transaction: on SQLite it would hold the write lock through the provider call.
    db.session.rollback()
    if row is None:
        return "lost"
    now = clock.now()
    if row.expires_at is not None and now >= clock.as_utc(row.expires_at):
        return _finish(row.id, owner, "expired", error="expired before it could be sent")
    budget = timedelta(seconds=3 * ns.send_timeout)
    lease_until = clock.as_utc(row.lease_until)
    try:
        backend = backends.get(row.channel) or backends.setdefault(row.channel, backend_for(row.channel, ns))
        if row.maybe_sent:
            if clock.now() + budget > lease_until:
                return _release(row.id, owner)
            found = backend.find(row)
            if found:
                return _mark_sent(row, found, keep_code=backend.name == "console")
        if row.attempts > ns.max_attempts:
            return _finish(row.id, owner, "dead", error=row.last_error or "gave up after repeated attempts")
        if clock.now() + budget > lease_until:
            return _release(row.id, owner)
        provider_id = backend.send(row)
    except SendError as exc:
        return _failed(row, owner, exc, ns)
    return _mark_sent(row, provider_id, keep_code=backend.name == "console")


def _mark_sent(row, provider_id: str, *, keep_code: bool = False) -> str:
    """Recorded whoever holds the lease now: the message did reach the provider.

    :param keep_code: keep an OTP's text (the development console backend, whose only copy is the
        terminal and the outbox); a real provider's OTP is removed once sent.
    """
    now = clock.now()
    values = dict(status="sent", provider_message_id=str(provider_id)[:100], sent_at=now, updated_at=now,
                  lease_owner=None, lease_until=None, maybe_sent=False, last_error=None)
    if row.event == "otp" and not keep_code:
        values["body"] = REDACTED
    db.session.execute(update(N).where(N.id == row.id, N.status != "sent").values(**values)
                       .execution_options(synchronize_session=False))
    db.session.commit()
    return "sent"


def _failed(row, owner: str, exc: SendError, ns) -> str:
    maybe_sent = bool(row.maybe_sent or exc.maybe_sent)
    if exc.permanent or row.attempts >= ns.max_attempts:
        return _finish(row.id, owner, "dead", error=str(exc), maybe_sent=maybe_sent)
    delay = min(ns.backoff_seconds * 2 ** max(row.attempts - 1, 0), ns.backoff_max_seconds)
    now = clock.now()
    result = db.session.execute(update(N).where(N.id == row.id, N.lease_owner == owner, N.status == "sending").values(
        status="pending", next_attempt_at=now + timedelta(seconds=delay), lease_owner=None, lease_until=None,
        maybe_sent=maybe_sent, last_error=str(exc)[:1000], updated_at=now).execution_options(synchronize_session=False))
    db.session.commit()
    return "retry" if result.rowcount else "lost"


def _finish(row_id: int, owner: str, status: str, *, error: str, maybe_sent: bool | None = None) -> str:
    now = clock.now()
    values = dict(status=status, lease_owner=None, lease_until=None, last_error=error[:1000], updated_at=now)
    if maybe_sent is not None:
        values["maybe_sent"] = maybe_sent
    # A code that will not be sent is not kept either.
    values["body"] = case((N.event == "otp", REDACTED), else_=N.body)
    result = db.session.execute(update(N).where(N.id == row_id, N.lease_owner == owner, N.status == "sending")
                                .values(**values).execution_options(synchronize_session=False))
    db.session.commit()
    return status if result.rowcount else "lost"


def _release(row_id: int, owner: str) -> str:
    """Give a row back untried: not enough lease left to start a send that must end inside it."""
    now = clock.now()
    db.session.execute(update(N).where(N.id == row_id, N.lease_owner == owner, N.status == "sending").values(
        status="pending", lease_owner=None, lease_until=None, attempts=N.attempts - 1, updated_at=now)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return "released"
