"""The certificate number (UIN, BSK SoP §9): ``DDDSSSYYYYNNNNNN``.

The serial comes from one ``counter`` row per department+service+year through
:func:`app.serials.next_value` (the same counter the AINs use): ``INSERT … ON CONFLICT DO UPDATE SET
value = value + 1 RETURNING value``. The upsert takes the row lock (PostgreSQL) or the database write
lock (SQLite, whose transactions begin with ``BEGIN IMMEDIATE``, app/database.py) until the
transaction ends, so two processes on two hosts can never read the same value, and a rolled-back
transaction gives its number back: serials are unique and gap-free. Never ``max()+1``.

Issuing a certificate does not hold that lock while it renders and signs: :func:`peek_uin` reads
the next number without a lock, the PDF is made with it, and :func:`claim_uin` takes it at the end
with a compare-and-set (the same upsert, ``… DO UPDATE … WHERE value = <seen> RETURNING value``).
When another transaction took the number first, :class:`UinTaken` says to render again.
"""
import re

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from ..models import Counter
from ..serials import next_value

UIN_RE = re.compile(r"^[A-Z]{3}\d{3}\d{4}\d{6}$")
MAX_SERIAL = 999_999


def counter_name(dept_code: str, service_code: str, year: int) -> str:
    return f"uin:{dept_code}:{service_code}:{year}"


class UinTaken(Exception):
    """The serial this certificate was rendered with was taken by another transaction."""


def _check(dept_code: str, service_code: str, year: int) -> None:
    if not re.fullmatch(r"[A-Z]{3}", dept_code or ""):
        raise ValueError(f"department code must be three capital letters: {dept_code!r}")
    if not re.fullmatch(r"\d{3}", service_code or ""):
        raise ValueError(f"service code must be three digits: {service_code!r}")
    if not 1000 <= int(year) <= 9999:
        raise ValueError(f"year must have four digits: {year!r}")


def format_uin(dept_code: str, service_code: str, year: int, serial: int) -> str:
    if serial > MAX_SERIAL:
        raise ValueError(f"UIN serials exhausted for {dept_code}{service_code}{year}")
    return f"{dept_code}{service_code}{int(year):04d}{serial:06d}"


def peek_uin(session, dept_code: str, service_code: str, year: int) -> tuple[int, str]:
    """``(current counter value, the UIN the next serial would give)`` — reads, locks nothing."""
    _check(dept_code, service_code, year)
    seen = session.execute(select(Counter.value).where(
        Counter.name == counter_name(dept_code, service_code, int(year)))).scalar_one_or_none() or 0
    return seen, format_uin(dept_code, service_code, year, seen + 1)


def claim_uin(session, dept_code: str, service_code: str, year: int, seen: int) -> str:
    """Take serial ``seen + 1`` if the counter still stands at ``seen`` (row lock until commit).

    :raises UinTaken: another transaction moved the counter since :func:`peek_uin`.
    """
    table = Counter.__table__
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = insert(table).values(name=counter_name(dept_code, service_code, int(year)), value=1)
    stmt = stmt.on_conflict_do_update(index_elements=["name"], set_={"value": table.c.value + 1},
                                      where=table.c.value == seen)
    got = session.execute(stmt.returning(table.c.value)).scalar_one_or_none()
    if got != seen + 1:
        raise UinTaken(f"serial {seen + 1} was taken")
    return format_uin(dept_code, service_code, year, got)


def try_claim_uin(session, dept_code: str, service_code: str, year: int, seen: int) -> str | None:
    """:func:`claim_uin` in a savepoint: the UIN, or None when another transaction took serial
    ``seen + 1``. A compare-and-set that finds the counter moved still locks the row on PostgreSQL
    (``ON CONFLICT DO UPDATE … WHERE`` locks the row it does not update); rolling back to the
    savepoint releases that lock, so the caller renders again holding nothing of the counter."""
    savepoint = session.begin_nested()
    try:
        uin = claim_uin(session, dept_code, service_code, year, seen)
    except UinTaken:
        savepoint.rollback()
        return None
    savepoint.commit()
    return uin


def next_uin(session, dept_code: str, service_code: str, year: int) -> str:
    """Take the next UIN for ``dept_code``/``service_code``/``year`` inside the caller's transaction.

    :param session: SQLAlchemy session; flushed state only, the caller commits.
    :param dept_code: three capital letters (SoP Appendix 1), e.g. ``PRD``.
    :param service_code: three digits, e.g. ``001``.
    :param year: the year of issue (four digits).
    :raises ValueError: on malformed codes or when the year's six-digit serial is exhausted.
    """
    _check(dept_code, service_code, year)
    serial = next_value(counter_name(dept_code, service_code, int(year)), session)
    if serial > MAX_SERIAL:
        raise ValueError(f"UIN serials exhausted for {dept_code}{service_code}{year}")
    return f"{dept_code}{service_code}{int(year):04d}{serial:06d}"

