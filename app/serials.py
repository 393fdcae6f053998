"""Serial numbers from counter rows: atomic, unique across processes and hosts, never ``max()+1``.

One ``INSERT … ON CONFLICT DO UPDATE SET value = value + 1 RETURNING value`` both creates the row on
first use and increments it under the row lock, which is held until the surrounding transaction
commits — so a rolled-back transaction gives its number back and the sequence stays gap-free.
"""
from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db
from .models import Counter


def next_value(name: str, session=None) -> int:
    """The next value of counter ``name`` (1 on first use). ``session``: default ``db.session``."""
    session = session if session is not None else db.session
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(Counter.__table__).values(name=name, value=1)
    stmt = stmt.on_conflict_do_update(index_elements=["name"], set_={"value": Counter.__table__.c.value + 1})
    return session.execute(stmt.returning(Counter.__table__.c.value)).scalar_one()
