"""MIS counts: how many applications and SLA steps each (place, service, IST day) or (place, office,
officer, IST day) has, kept exact by database triggers (:mod:`.mis_triggers`).

The district summary (``app/reports/summary.py``) reads these rows (tens of thousands at most) instead of every
application of the district. Rows are never removed when a count falls back to zero; readers skip
groups whose count is zero. Office and officer ids are 0 where the step has none (a key column
cannot be NULL).
"""
from datetime import date

from sqlalchemy import Date, Float, Integer, Numeric, String, event
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from . import mis_triggers

#: Exact sums of seconds on PostgreSQL (as ``extract(epoch …)`` gives them), REAL on SQLite.
Seconds = Numeric(20, 6).with_variant(Float(), "sqlite")


def _key(type_):
    return mapped_column(type_, primary_key=True, autoincrement=False)


def _count():
    return mapped_column(Integer, default=0, server_default="0")


class MisApplicationCount(db.Model):
    """Applications by where, what and IST day of submission: how many, in which state, decided how
    fast; and their SLA steps done, and on time. (Statuses are columns, not a key: a status change
    updates one row.)"""

    __tablename__ = "mis_application_count"

    location_id: Mapped[int] = _key(Integer)
    service_id: Mapped[int] = _key(Integer)
    day: Mapped[date] = _key(Date)
    applications: Mapped[int] = _count()
    #: SUBMITTED, IN_PROCESS or SENT_BACK
    pending: Mapped[int] = _count()
    #: APPROVED or DELIVERED
    delivered: Mapped[int] = _count()
    rejected: Mapped[int] = _count()
    #: decided (``decided_at`` set), and their seconds from submission to decision
    decided: Mapped[int] = _count()
    decided_seconds: Mapped[float] = mapped_column(Seconds, default=0, server_default="0")
    #: SLA steps of these applications done, and with ``late_seconds = 0``
    steps_done: Mapped[int] = _count()
    steps_on_time: Mapped[int] = _count()


class MisStepCount(db.Model):
    """SLA steps by their application's place, the step's office and officer, and the IST day opened."""

    __tablename__ = "mis_step_count"

    location_id: Mapped[int] = _key(Integer)
    office_id: Mapped[int] = _key(Integer)
    officer_id: Mapped[int] = _key(Integer)
    day: Mapped[date] = _key(Date)
    steps: Mapped[int] = _count()
    open: Mapped[int] = _count()
    done: Mapped[int] = _count()
    #: done with outcome ``reject``
    rejected: Mapped[int] = _count()
    #: ``late_seconds > 0``
    late: Mapped[int] = _count()
    #: done with ``late_seconds > 0`` (an officer's SLA breaches)
    done_late: Mapped[int] = _count()
    #: ``late_seconds = 0``
    on_time: Mapped[int] = _count()
    done_seconds: Mapped[float] = mapped_column(Seconds, default=0, server_default="0")


class MisOfficerAction(db.Model):
    """An officer's actions on applications (audit events but submissions, documents, complaints and
    feedback), by the application's place and the IST day of the action; ``delegated``: of which done
    for a colleague (``on_behalf_of``)."""

    __tablename__ = "mis_officer_action"

    location_id: Mapped[int] = _key(Integer)
    actor_id: Mapped[int] = _key(Integer)
    day: Mapped[date] = _key(Date)
    actions: Mapped[int] = _count()
    delegated: Mapped[int] = _count()


COUNT_TABLES = ("mis_application_count", "mis_step_count", "mis_officer_action")


@event.listens_for(db.metadata, "after_create")
def _create_triggers(target, connection, **kw):
    """``create_all`` makes the triggers too (tests, bench/scale.py); migration ``mis01`` does in production."""
    tables = {t.name for t in kw.get("tables") or target.sorted_tables}
    if {*mis_triggers.TABLES, *COUNT_TABLES} <= tables:
        mis_triggers.create(connection)
