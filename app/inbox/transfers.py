"""Transfers: when a posting ends, the tasks its officer held go to the successor.

Open tasks belong to the office's queue (office + role), so a successor sees them as soon as their
own posting starts; what needs moving is what the leaving officer had claimed. A scheduler job
(``posting_handover``) hands those to the officer whose posting of the same role at the same office
is valid then, or back to the queue when there is none yet, and records each move with old and new
assignee. Postings are claimed with SKIP LOCKED on PostgreSQL, so two schedulers hand over once.
"""
from sqlalchemy import and_, or_, select

from .. import clock
from ..audit.operations import record as audit
from ..extensions import db
from ..models import Posting, User, WorkItem
from ..processes.store import locks_rows


def _successor(posting: Posting, now) -> User | None:
    return db.session.scalar(select(User).join(Posting, Posting.user_id == User.id).where(
        Posting.office_id == posting.office_id, Posting.role == posting.role, Posting.user_id != posting.user_id,
        User.active.is_(True), or_(Posting.valid_from.is_(None), Posting.valid_from <= now),
        or_(Posting.valid_to.is_(None), Posting.valid_to > now)).order_by(Posting.valid_from.desc()).limit(1))


def hand_over_ended(now=None) -> int:
    """Move the held tasks of every posting that ended by ``now``; :returns: how many tasks moved."""
    now = now or clock.now()
    query = select(Posting).where(Posting.valid_to.is_not(None), Posting.valid_to <= now,
                                  Posting.handed_over_at.is_(None)).order_by(Posting.id)
    if locks_rows():
        query = query.with_for_update(skip_locked=True, of=Posting)
    moved = 0
    for posting in db.session.scalars(query).all():
        successor = _successor(posting, now)
        held = db.session.scalars(select(WorkItem).where(and_(
            WorkItem.closed_at.is_(None), WorkItem.assignee_id == posting.user_id,
            WorkItem.office_id == posting.office_id, WorkItem.role == posting.role))).all()
        for item in held:
            item.assignee_id = successor.id if successor else None
            audit("handed_over", "application", item.application.ain, role=posting.role, stage=item.task_name,
                  data={"task_id": item.id, "reason": "posting ended",
                        "before": {"assignee": posting.user.username},
                        "after": {"assignee": successor.username if successor else None}})
            moved += 1
        posting.handed_over_at = now
    db.session.flush()
    return moved


def handover_job(app):
    """Scheduler job: one transaction for the postings that ended since the last run."""
    with app.app_context():
        try:
            hand_over_ended()
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
