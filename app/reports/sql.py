"""SQL pieces the reports share, written once for both databases."""
from sqlalchemy import case, false, func

from ..extensions import db


def seconds_between(later, earlier):
    """``later - earlier`` in seconds, in SQL (PostgreSQL intervals, SQLite Julian days)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier)
    return (func.julianday(later) - func.julianday(earlier)) * 86400.0


def count_where(condition):
    return func.sum(case((condition, 1), else_=0))


def counts_within(query, table, scope, period):
    """``query`` over a counts table (``location_id``, ``day``) limited to ``scope``'s places and
    ``period``'s days."""
    if scope.location_ids is not None:
        query = query.where(table.location_id.in_(scope.location_ids) if scope.location_ids else false())
    if period.first_day:
        query = query.where(table.day >= period.first_day)
    if period.last_day:
        query = query.where(table.day <= period.last_day)
    return query
