"""Rate limits kept in the database, so every gunicorn worker on every host counts together.

``limits``/Flask-Limiter offer memory, Redis or Memcached storage but no SQL one, and in-process
memory would let each worker allow the limit again. Each hit is its own tiny transaction, committed
at once (a failed login is rolled back with its request, its hit must not be), so call :func:`hit`
before the request's own session touches the database. Finished windows are deleted by the
scheduler (:mod:`app.accounts.purge`).
"""
from datetime import timedelta

from sqlalchemy.dialects import postgresql, sqlite

from .. import clock
from ..errors import TooMany
from ..extensions import db
from ..models import RateLimitWindow


def hit(bucket: str, subject: str, *, limit: int, window_seconds: int, enabled: bool = True) -> None:
    """Count one attempt; raise :class:`TooMany` once ``limit`` attempts were made in this window."""
    if not enabled or not subject:
        return
    now = clock.now()
    start = int(now.timestamp()) // window_seconds * window_seconds
    key = f"{bucket}:{subject}:{start}"[:200]
    table = RateLimitWindow.__table__
    with db.engine.begin() as conn:
        insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        stmt = insert(table).values(key=key, count=1, expires_at=now + timedelta(seconds=window_seconds))
        stmt = stmt.on_conflict_do_update(index_elements=["key"], set_={"count": table.c.count + 1})
        count = conn.execute(stmt.returning(table.c.count)).scalar_one()
    if count > limit:
        retry = start + window_seconds - int(now.timestamp())
        raise TooMany(f"Too many attempts. Please wait {max(retry, 1)} seconds and try again.",
                      retry_after=max(retry, 1))


def hit_signed_in(bucket: str, subject: str, **limits) -> None:
    """:func:`hit` in a request that has already read its caller's login (a signed-in page or token).

    On SQLite that read began the request's transaction, which holds the database's write lock
    (every transaction is ``BEGIN IMMEDIATE``): the counting connection would wait for it in vain and
    fail after the busy timeout. The request has written nothing of its own yet (at most the login's
    ``last_used_at``), so its transaction is committed first. PostgreSQL needs nothing.
    """
    if db.session.get_bind().dialect.name == "sqlite" and db.session().in_transaction():
        db.session.commit()
    hit(bucket, subject, **limits)


def public_lookup(bucket: str, address: str | None, config) -> None:
    """Count one public lookup (track, certificate lookup, verify — page or API) of a client address:
    ``PUBLIC_LOOKUPS_PER_MINUTE`` per address per minute, generous because kiosks share one."""
    hit(bucket, address or "?", limit=config["PUBLIC_LOOKUPS_PER_MINUTE"], window_seconds=60,
        enabled=config.get("RATELIMIT_ENABLED", True))

