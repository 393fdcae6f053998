"""The only clock the application reads.

Every time comparison in SQL takes this value as a parameter instead of the database's ``now()``,
so tests that move time with time-machine see one consistent clock (OPS-NOTES: clocks in tests).
"""
from datetime import datetime, timezone


def now() -> datetime:
    """Current time, timezone-aware, in UTC."""
    return datetime.now(timezone.utc)


def as_utc(value: datetime | None) -> datetime | None:
    """Return ``value`` as an aware UTC datetime (SQLite hands back naive values)."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


def iso(value: datetime | None) -> str | None:
    """ISO-8601 with offset, as the API promises."""
    value = as_utc(value)
    return value.isoformat() if value else None
