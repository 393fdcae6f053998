"""The live part of the MIS figures: open work past its due time, joined to its applications.

Open rows past due are few (an index: ``ix_work_item_open_due``, ``ix_sla_step_open_due``) and the
applications of a district many; joined plainly, PostgreSQL hashes every application of the area
(a sequential scan: 100 ms at 100,000 applications). Here each open row looks up its application by
primary key (``LATERAL``), so the cost follows the open work, not the history — unless the period
has a first day, when the applications submitted since are the smaller side.
"""
from sqlalchemy import select, true

from ..extensions import db
from ..models import Application, SlaStep, WorkItem
from .live import submitted_in


def with_application(rows, scope, period, *columns):
    """``(from clause, application alias)``: ``rows`` (a subquery with ``application_id``) joined to
    their applications inside ``scope`` submitted in ``period``; the alias has ``id`` and ``columns``."""
    apps = submitted_in(select(Application.id, *columns).where(scope.applications()), period)
    # With a first day the planner starts from the applications submitted since (their index), which
    # for a recent period is fewer than the open rows past due; without one, from the open rows.
    if period.start is None and db.session.get_bind().dialect.name == "postgresql":
        # LIMIT 1 (one row by primary key anyway) keeps the planner from flattening the look-up back
        # into a hash join over the whole area
        found = apps.where(Application.id == rows.c.application_id).limit(1).lateral("app")
        return rows.join(found, true()), found
    found = apps.subquery("app")
    return rows.join(found, found.c.id == rows.c.application_id), found


def late_items(now):
    """Open work items past due (their application ids)."""
    return select(WorkItem.application_id).where(WorkItem.closed_at.is_(None), WorkItem.due_at < now)


def late_steps(now, *columns):
    """Open SLA steps past due: ``application_id`` and ``columns`` of each."""
    return select(SlaStep.application_id, *columns).where(SlaStep.done_at.is_(None), SlaStep.due_at < now)
