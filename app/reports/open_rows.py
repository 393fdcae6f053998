"""The live part of the MIS figures: open work past its due time, joined to its applications.

Open rows past due are few (an index: ``ix_work_item_open_due``, ``ix_sla_step_open_due``) and the
applications of a district many. Open work items and SLA steps carry their application's place and
service (copied when they open; an application's place does not change after intake, and the MIS
trigger on ``application`` carries a correction to them), so for a viewer counted by place with no
period the rows are counted as they are — on PostgreSQL from the partial index alone. Otherwise
(a period, a service point's viewer, other application columns) each open row looks up its
application by primary key (``LATERAL``), so the cost follows the open work, not the history —
unless the period has a first day, when the applications submitted since are the smaller side.
"""
from sqlalchemy import and_, false, select, true

from ..extensions import db
from ..models import Application, Location, SlaStep, WorkItem
from .live import submitted_in

#: the application columns an open row carries itself
CARRIED = ("location_id", "service_id")


class _Own:
    """The open rows' own columns under the names of the application's (``id`` is ``application_id``)."""

    def __init__(self, rows):
        self.c = self
        self._rows = rows

    def __getitem__(self, name):
        return self._rows.c["application_id" if name == "id" else name]

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return self[name]


def _carried(rows, scope, period, columns) -> bool:
    return (period.start is None and period.end is None and not scope.office_ids
            and all(c.key in CARRIED for c in columns) and all(k in rows.c for k in CARRIED))


def with_application(rows, scope, period, *columns):
    """``(from clause, application alias)``: ``rows`` (a subquery with ``application_id``) joined to
    their applications inside ``scope`` submitted in ``period``; the alias has ``id`` and ``columns``."""
    if _carried(rows, scope, period, columns):
        if scope.location_ids is None:
            return rows, _Own(rows)
        # the viewer's places as a join with the small location table (a condition on the rows
        # themselves cannot ride on a subquery that is already built)
        inside = (Location.id.in_(scope.location_ids) if scope.location_ids else false())
        return rows.join(Location, and_(Location.id == rows.c.location_id, inside)), _Own(rows)
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
    """Open work items past due (their application ids, places and services)."""
    return select(WorkItem.application_id, WorkItem.location_id, WorkItem.service_id).where(
        WorkItem.closed_at.is_(None), WorkItem.due_at < now)


def late_steps(now, *columns):
    """Open SLA steps past due: ``application_id``, place, service and ``columns`` of each."""
    return select(SlaStep.application_id, SlaStep.location_id, SlaStep.service_id, *columns).where(
        SlaStep.done_at.is_(None), SlaStep.due_at < now)
