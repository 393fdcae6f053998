"""The certificate number (UIN, BSK SoP §9): ``DDDSSSYYYYNNNNNN``.

The serial comes from one ``counter`` row per department+service+year, incremented in place with
``UPDATE … SET value = value + 1 … RETURNING value``. The UPDATE takes the row lock (PostgreSQL) or
the database write lock (SQLite, whose transactions begin with ``BEGIN IMMEDIATE``, app/database.py),
so two processes on two hosts can never read the same value, and a rolled-back transaction gives its
number back: serials are unique and gap-free. Never ``max()+1``.
"""
import re

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite

from ..models.application import Counter

UIN_RE = re.compile(r"^[A-Z]{3}\d{3}\d{4}\d{6}$")
MAX_SERIAL = 999_999


def counter_name(dept_code: str, service_code: str, year: int) -> str:
    return f"uin:{dept_code}:{service_code}:{year}"


def next_uin(session, dept_code: str, service_code: str, year: int) -> str:
    """Take the next UIN for ``dept_code``/``service_code``/``year`` inside the caller's transaction.

    :param session: SQLAlchemy session; flushed state only, the caller commits.
    :param dept_code: three capital letters (SoP Appendix 1), e.g. ``PRD``.
    :param service_code: three digits, e.g. ``001``.
    :param year: the year of issue (four digits).
    :raises ValueError: on malformed codes or when the year's six-digit serial is exhausted.
    """
    if not re.fullmatch(r"[A-Z]{3}", dept_code or ""):
        raise ValueError(f"department code must be three capital letters: {dept_code!r}")
    if not re.fullmatch(r"\d{3}", service_code or ""):
        raise ValueError(f"service code must be three digits: {service_code!r}")
    if not 1000 <= int(year) <= 9999:
        raise ValueError(f"year must have four digits: {year!r}")
    serial = _increment(session, counter_name(dept_code, service_code, int(year)))
    if serial > MAX_SERIAL:
        raise ValueError(f"UIN serials exhausted for {dept_code}{service_code}{year}")
    return f"{dept_code}{service_code}{int(year):04d}{serial:06d}"


def _increment(session, name: str) -> int:
    stmt = (update(Counter).where(Counter.name == name)
            .values(value=Counter.value + 1).returning(Counter.value))
    value = session.execute(stmt).scalar_one_or_none()
    if value is not None:
        return value
    # First UIN of the year: create the row at 0 (a concurrent creator wins harmlessly), then count.
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(dialect)
    if insert is None:
        raise RuntimeError(f"next_uin supports PostgreSQL and SQLite, not {dialect}")
    session.execute(insert(Counter).values(name=name, value=0)
                    .on_conflict_do_nothing(index_elements=["name"]))
    return session.execute(stmt).scalar_one()
