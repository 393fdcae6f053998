"""Who may work a task (a ``work_item``): a current posting with the task's role at its office, or a
current posting that is the target of the task's open escalation (L1/L2), or the office's head."""
from sqlalchemy import and_, exists, false, or_, select

from ..extensions import db
from ..geography.offices import head_role
from ..models import Escalation, WorkItem


def holds_queue(actor, item: WorkItem) -> bool:
    return any(p.office_id == item.office_id and p.role == item.role for p in actor.postings)


def queue_filter(actor):
    """SQL on ``WorkItem``: items in an office where the actor currently holds the item's role."""
    pairs = [and_(WorkItem.office_id == p.office_id, WorkItem.role == p.role) for p in actor.postings]
    return or_(*pairs) if pairs else false()


def escalation_filter(actor):
    """SQL on ``Escalation``: open escalations whose target is one of the actor's current postings."""
    pairs = [and_(Escalation.target_office_id == p.office_id, Escalation.target_role == p.role)
             for p in actor.postings]
    return and_(Escalation.resolved_at.is_(None), or_(*pairs) if pairs else false())


def holds_escalation(actor, item: WorkItem) -> bool:
    """True when ``actor`` is a target (L1 or L2) of an open escalation of ``item``."""
    if actor is None or item is None or not actor.postings:
        return False
    return bool(db.session.scalar(select(exists().where(Escalation.work_item_id == item.id,
                                                        escalation_filter(actor)))))


def heads_office(actor, office) -> bool:
    """Whether ``actor`` currently holds the head's posting at ``office`` (``office_heads.json``)."""
    role = head_role(getattr(office, "level", None))
    return bool(role) and any(p.office_id == office.id and p.role == role for p in actor.postings)


def is_acting_officer(actor, application) -> bool:
    """The actor holds the queue of one of the application's open tasks (unheld or held by them)."""
    postings = {(p.office_id, p.role) for p in actor.postings}
    open_items = db.session.scalars(select(WorkItem).where(
        WorkItem.application_id == application.id, WorkItem.closed_at.is_(None))).all()
    return any((w.office_id, w.role) in postings and w.assignee_id in (None, actor.id) for w in open_items)
