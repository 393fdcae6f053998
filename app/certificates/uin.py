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

On PostgreSQL two approvals of one service rendering at the same time would read the same number and
one of them would render twice (22% of approvals under bench/load.py, each losing ~35 ms).
:func:`reserve_uin` therefore also reserves the number it reads: a transaction-level advisory lock
on (counter, serial), taken without waiting, so a second approval skips to the next free serial and
renders with that. Its claim then waits, if need be, for the approvals holding the serials before
it to end (:func:`try_claim_uin`), so numbers still go out in order, gap-free; a reservation whose
approval rolled back is taken over by whoever waited for it.
"""
import re

from sqlalchemy import select, text
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


#: Serials looked at past the committed value when reserving (concurrent approvals of one service).
RESERVE_SPAN = 64
_RESERVE = text("SELECT s FROM (SELECT coalesce((SELECT value FROM counter WHERE name = :name), 0) AS v) c, "
                "generate_series(c.v + 1, c.v + :span) AS s "
                "WHERE pg_try_advisory_xact_lock(hashtext(:name), s::integer) LIMIT 1")
_WAIT_FOR = text("SELECT pg_advisory_xact_lock(hashtext(:name), CAST(:serial AS integer))")


def reserve_uin(session, dept_code: str, service_code: str, year: int) -> tuple[int, str]:
    """Like :func:`peek_uin`, but on PostgreSQL the serial is the first after the committed value
    that no other open transaction has reserved, and it stays reserved by this one until it ends.
    ``seen`` is that serial − 1: the value :func:`try_claim_uin` expects the counter to stand at."""
    if session.get_bind().dialect.name != "postgresql":
        return peek_uin(session, dept_code, service_code, year)
    _check(dept_code, service_code, year)
    serial = session.execute(_RESERVE, {"name": counter_name(dept_code, service_code, int(year)),
                                        "span": RESERVE_SPAN}).scalar_one_or_none()
    if serial is None:   # more open reservations than RESERVE_SPAN: the claim will tell
        return peek_uin(session, dept_code, service_code, year)
    return serial - 1, format_uin(dept_code, service_code, year, serial)


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
    """:func:`claim_uin` in a savepoint: the UIN, or None when serial ``seen + 1`` cannot be had and
    the caller must reserve and render again. A compare-and-set that finds the counter moved still
    locks the row on PostgreSQL (``ON CONFLICT DO UPDATE … WHERE`` locks the row it does not update);
    rolling back to the savepoint releases that lock, so the caller renders again holding nothing of
    the counter.

    On PostgreSQL, when the counter stands below ``seen`` (an approval that reserved an earlier serial
    has not claimed it yet), this waits for that approval to end and tries again; if it ended without
    taking its serial, this one now holds that reservation and returns None to render with it."""
    name = counter_name(dept_code, service_code, int(year))
    for _ in range(RESERVE_SPAN):
        savepoint = session.begin_nested()
        try:
            uin = claim_uin(session, dept_code, service_code, year, seen)
        except UinTaken:
            savepoint.rollback()
        else:
            savepoint.commit()
            return uin
        if session.get_bind().dialect.name != "postgresql":
            return None
        current = _committed(session, name)
        if current > seen:
            return None   # serial seen + 1 went to another approval
        if current == seen:
            continue      # it was committed just now: the compare-and-set can succeed
        # Outside the savepoint: a lock taken inside one would go with its rollback.
        session.execute(_WAIT_FOR, {"name": name, "serial": current + 1})
        if _committed(session, name) == current:
            return None   # its approval ended without it: reserve again (this transaction holds it now)
    return None


def _committed(session, name: str) -> int:
    return session.execute(select(Counter.value).where(Counter.name == name)).scalar_one_or_none() or 0


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

