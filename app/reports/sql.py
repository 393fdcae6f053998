"""SQL pieces the reports share, written once for both databases."""
from sqlalchemy import case, func

from ..extensions import db


def seconds_between(later, earlier):
    """``later - earlier`` in seconds, in SQL (PostgreSQL intervals, SQLite Julian days)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def count_where(condition):
    return func.sum(case((condition, 1), else_=0))
