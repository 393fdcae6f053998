"""Delegated queues (issue 16): while a delegation runs, its delegate works the delegator's queue
(a role at an office) as their own, and every action records for whom.

A delegation grants only on its Indian calendar days by the app clock, until withdrawn, and only while
the delegator still holds that posting: a transferred delegator's queue goes to their successor
(:mod:`app.inbox.transfers`), not on to the colleague covering their leave.
"""
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import and_, exists, false, or_, select

from .. import clock
from ..extensions import db
from ..geography.offices import head_role
from ..models import Delegation, Posting, WorkItem
from .postings import current_filter

IST = ZoneInfo("Asia/Kolkata")


def today() -> date:
    """Today in India by the app clock: the day delegations are counted in."""
    return clock.now().astimezone(IST).date()


@dataclass(frozen=True)
class DelegatedQueue:
    office_id: int
    role: str
    delegator_id: int
    delegator: str


def active_for(user_id: int) -> list[Delegation]:
    """Delegations the user works today as the delegate (their delegator's posting still current)."""
    day = today()
    still_posted = exists().where(Posting.user_id == Delegation.delegator_id, Posting.office_id == Delegation.office_id,
                                  Posting.role == Delegation.role, current_filter(Posting))
    return list(db.session.scalars(select(Delegation).where(
        Delegation.delegate_id == user_id, Delegation.revoked_at.is_(None),
        Delegation.starts_on <= day, Delegation.ends_on >= day, still_posted).order_by(Delegation.id)))


def queues_of(actor) -> list[DelegatedQueue]:
    """The queues delegated to ``actor`` today, read once per actor object (an actor lives for one
    request, job item or command), so checking access and then recording the delegation reads once."""
    cached = getattr(actor, "_delegated_queues", None)
    if cached is not None and cached[0] == today():
        return cached[1]
    found = [DelegatedQueue(d.office_id, d.role, d.delegator_id, d.delegator.username) for d in active_for(actor.id)]
    try:
        actor._delegated_queues = (today(), found)
    except AttributeError:
        pass  # an actor that takes no attributes (frozen): ask again next time
    return found


def on_behalf_map(actor) -> dict:
    """``{(office id, role): delegator username}`` for the queues the actor works for someone else
    today (a queue the actor holds in their own right is theirs, not delegated)."""
    own = {(p.office_id, p.role) for p in actor.postings}
    return {(q.office_id, q.role): q.delegator for q in queues_of(actor) if (q.office_id, q.role) not in own}


def acting_for(actor, office_id: int, role: str) -> str | None:
    """The delegator ``actor`` acts for on a task of (office, role); ``None`` when it is their own queue.

    A queue the actor holds by their own posting is never a delegated one, so the delegations are not
    read for it (statement budget of a task action, docs/performance.md).
    """
    if any(p.office_id == office_id and p.role == role for p in actor.postings):
        return None
    return on_behalf_map(actor).get((office_id, role))


def works_delegated_queue(actor, item: WorkItem) -> bool:
    return acting_for(actor, item.office_id, item.role) is not None


def delegated_queue_filter(actor):
    """SQL on ``WorkItem``: items of the queues delegated to the actor today."""
    pairs = [and_(WorkItem.office_id == q.office_id, WorkItem.role == q.role) for q in queues_of(actor)]
    return or_(*pairs) if pairs else false()


def inbox_filter(actor):
    """SQL on ``WorkItem``: what the actor's inbox lists — items of their own queues that nobody else
    holds, and of the queues delegated to them that nobody but they or the delegator holds."""
    pairs = [and_(WorkItem.office_id == p.office_id, WorkItem.role == p.role,
                  or_(WorkItem.assignee_id.is_(None), WorkItem.assignee_id == actor.id))
             for p in actor.postings]
    pairs += [and_(WorkItem.office_id == q.office_id, WorkItem.role == q.role,
                   or_(WorkItem.assignee_id.is_(None), WorkItem.assignee_id.in_((actor.id, q.delegator_id))))
              for q in queues_of(actor)]
    return or_(*pairs) if pairs else false()


def headed_office_ids(actor) -> set[int]:
    """Offices where the actor currently holds the head's posting (``office_heads.json``)."""
    return {p.office_id for p in actor.postings if p.office is not None and head_role(p.office.level) == p.role}


def may_give(actor, posting: Posting) -> bool:
    """The posting's officer, or the head of its office, may delegate its queue."""
    return posting.user_id == actor.id or posting.office_id in headed_office_ids(actor)


def may_manage(actor, row: Delegation) -> bool:
    """Who sees and may withdraw a delegation: its delegator, delegate and creator, and the head of its office."""
    return actor.id in (row.delegator_id, row.delegate_id, row.created_by_id) or row.office_id in headed_office_ids(actor)


def managed_filter(actor):
    """SQL on ``Delegation``: the rows :func:`may_manage` accepts."""
    conditions = [Delegation.delegator_id == actor.id, Delegation.delegate_id == actor.id,
                  Delegation.created_by_id == actor.id]
    heads = headed_office_ids(actor)
    if heads:
        conditions.append(Delegation.office_id.in_(heads))
    return or_(*conditions)
