"""Issue times are stored in UTC and printed in Indian Standard Time (no DST, fixed +05:30)."""
from datetime import datetime, timedelta, timezone

IST = timezone(timedelta(hours=5, minutes=30), "IST")


def ist(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime")
    return value.astimezone(IST)


def ist_iso(value: datetime) -> str:
    """``2026-05-04T16:00+05:30`` (minutes are enough on a certificate)."""
    return ist(value).isoformat(timespec="minutes")


def ist_display(value: datetime) -> str:
    """``04-05-2026 16:00 IST`` as printed on certificates and receipts."""
    return ist(value).strftime("%d-%m-%Y %H:%M IST")
