"""Purging what has ended: logins (API tokens and page sessions) and finished rate-limit windows.

A login row past its absolute end, or idle longer than the longest idle limit of any audience, can
never be used again (:func:`app.accounts.tokens.live_token` refuses it); a rate-limit window past
its end is never counted again (a new window has a new key). Left alone they pile up: one row per
login and one per client address and minute.

The scheduler job ``login_purge`` deletes them in batches, each batch one short transaction that
claims its rows (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite) and deletes
exactly the rows it claimed, re-checking that they have ended. Several schedulers may run at once:
a row is claimed by one of them, so each is deleted — and counted — once. The claim and the delete
commit together, so a crash leaves nothing held (no lease to expire, unlike the outbox's sends,
which do slow work between claim and finish). "Now" is the app clock passed as a parameter, never
the database's ``now()``.
"""
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select

from .. import clock
from ..extensions import db
from ..models import ApiToken, RateLimitWindow

#: Rows deleted per transaction (short transactions: a purge never holds many locks for long).
BATCH = 500


def ended_logins(now: datetime, config):
    """SQL on ``ApiToken``: logins past their absolute end, or idle past the longest idle limit."""
    idle_cutoff = now - timedelta(minutes=max(config["SESSION_IDLE_MINUTES"].values()))
    return or_(ApiToken.expires_at <= now, ApiToken.last_used_at <= idle_cutoff,
               and_(ApiToken.last_used_at.is_(None), ApiToken.created_at <= idle_cutoff))


def ended_windows(now: datetime):
    """SQL on ``RateLimitWindow``: windows that have closed."""
    return RateLimitWindow.expires_at <= now


def purge_batch(key_column, ended, limit: int = BATCH) -> tuple[int, int]:
    """Claim up to ``limit`` ended rows and delete them, in one committed transaction.

    :param key_column: the primary-key column of the table (``ApiToken.id``, ``RateLimitWindow.key``).
    :param ended: the condition of an ended row (checked when claiming and again when deleting).
    :returns: ``(claimed, deleted)``.
    """
    table = key_column.class_
    query = select(key_column).where(ended).limit(limit)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    try:
        keys = list(db.session.scalars(query))
        deleted = db.session.execute(delete(table).where(key_column.in_(keys), ended).execution_options(
            synchronize_session=False)).rowcount if keys else 0
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return len(keys), deleted


def purge_ended(config, *, now: datetime | None = None, batch: int = BATCH) -> dict:
    """Delete every ended login and rate-limit window, a batch at a time.

    :param now: the moment to judge by (the app clock when not given; fixed for the whole run).
    :returns: ``{"logins": deleted, "rate_limits": deleted}``.
    """
    now = now or clock.now()
    counts = {}
    for name, key, ended in (("logins", ApiToken.id, ended_logins(now, config)),
                             ("rate_limits", RateLimitWindow.key, ended_windows(now))):
        counts[name] = 0
        while True:
            claimed, deleted = purge_batch(key, ended, batch)
            counts[name] += deleted
            if claimed < batch:
                break
    return counts


def purge_job(app) -> None:
    """The scheduler job: one purge in its own app context."""
    with app.app_context():
        try:
            purge_ended(app.config)
        finally:
            db.session.remove()
