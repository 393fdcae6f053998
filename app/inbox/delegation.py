"""Delegation of an officer's queue while they are away (issue 16): who may, for whom, for which days.

An officer (or the head of their office) delegates one of their postings' queues to another active
officer of the same role in the same district, for a range of Indian calendar days. While it runs
the delegate sees that queue in their inbox and acts on it; every action records both (``on_behalf_of``
in the audit trail). Outside its days, or once withdrawn, it grants nothing.
"""
from datetime import date, timedelta

from sqlalchemy import select

from .. import clock, policy
from ..audit.operations import record as audit
from ..errors import Invalid
from ..extensions import db
from ..models import Delegation, Posting, User
from ..policy.delegations import IST, today  # noqa: F401 - IST kept importable here for earlier callers

#: The roles whose queues may be delegated (kept as a name here for callers of the old constant).
OFFICER_ROLES = policy.OFFICERS
MAX_DAYS = 90
_FIELDS = {"to", "starts_on", "ends_on", "from", "role"}


def active_for(user_id: int) -> list[Delegation]:
    """Delegations the user works today (as the delegate); see :mod:`app.policy.delegations`."""
    return policy.delegations.active_for(user_id)


def queue_pairs(user_id: int) -> list[tuple[int, str, str]]:
    """``(office id, role, delegator username)`` of the queues delegated to the user today."""
    return [(d.office_id, d.role, d.delegator.username) for d in active_for(user_id)]


def acting_for(actor, office_id: int, role: str) -> str | None:
    """The delegator the actor acts for on a task of (office, role) — None when it is their own queue."""
    return policy.acting_for(actor, office_id, role)


def on_behalf_map(actor) -> dict:
    """``{(office id, role): delegator username}`` for the queues the actor works for someone else today."""
    return policy.on_behalf_map(actor)


def _district(office):
    loc = office.location
    area = loc.ancestor_at("DISTRICT") if loc is not None else None
    return area.id if area is not None else None


def _date(body: dict, name: str, errors: dict):
    raw = body.get(name)
    try:
        value = date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        value = None
    if value is None:
        errors[name] = "must be a date YYYY-MM-DD"
    return value


def _user(username, errors: dict, field: str) -> User | None:
    user = db.session.scalar(select(User).where(User.username == username)) if isinstance(username, str) else None
    if user is None or not user.active:
        errors[field] = "must be the username of an active officer"
    return user


def create(actor, body: dict) -> Delegation:
    """Delegate the delegator's queue (``from``, default the actor) to ``to`` for ``starts_on``–``ends_on``.

    :raises Invalid: with field errors. :raises Forbidden: someone else's queue, not as its office head.
    """
    unknown = set(body) - _FIELDS
    if unknown:
        raise Invalid("Unknown fields.", fields={k: "unknown field" for k in sorted(unknown)})
    errors: dict = {}
    delegator = actor.user if body.get("from") in (None, actor.user.username) else _user(body.get("from"), errors, "from")
    delegate = _user(body.get("to"), errors, "to")
    starts, ends = _date(body, "starts_on", errors), _date(body, "ends_on", errors)
    if errors:
        raise Invalid("Please correct the fields listed.", fields=errors)
    posting = _posting(delegator, body.get("role"), errors)
    if posting is not None:
        policy.check(actor, "delegation.give", posting)
    if starts > ends:
        errors["ends_on"] = "must be on or after starts_on"
    elif ends - starts > timedelta(days=MAX_DAYS - 1):
        errors["ends_on"] = f"a delegation lasts at most {MAX_DAYS} days"
    if ends < today():
        errors["ends_on"] = "is in the past"
    if posting is not None:
        _check_delegate(delegator, delegate, posting, errors)
    if errors:
        raise Invalid("Please correct the fields listed.", fields=errors)
    row = Delegation(delegator_id=delegator.id, role=posting.role, office_id=posting.office_id,
                     delegate_id=delegate.id, starts_on=starts, ends_on=ends, created_by_id=actor.id,
                     created_at=clock.now())
    db.session.add(row)
    db.session.flush()
    audit("delegated", "user", delegator.username, actor=actor, role=posting.role,
          data={"after": api(row)})
    return row


def _posting(delegator: User, role, errors: dict) -> Posting | None:
    """The delegator's current officer posting (a lapsed one has no queue left to delegate)."""
    postings = [p for p in policy.current_postings(delegator)
                if p.role in policy.OFFICERS and (role is None or p.role == role)]
    if not postings:
        errors["from" if role is None else "role"] = "has no officer posting to delegate"
        return None
    if len(postings) > 1:
        errors["role"] = "say which posting to delegate (" + ", ".join(sorted({p.role for p in postings})) + ")"
        return None
    return postings[0]


def _check_delegate(delegator: User, delegate: User, posting: Posting, errors: dict) -> None:
    if delegate.id == delegator.id:
        errors["to"] = "must be another officer"
        return
    district = _district(posting.office)
    if not any(p.role == posting.role and _district(p.office) == district for p in policy.current_postings(delegate)):
        errors["to"] = f"must be a {posting.role} of the same district"


def visible(actor) -> list[Delegation]:
    """Delegations the actor gave, received or created, and those of the offices they head, newest first."""
    return list(db.session.scalars(select(Delegation).where(policy.visible_delegations(actor))
                                   .order_by(Delegation.id.desc())))


def revoke(actor, delegation_id: int) -> Delegation:
    """Withdraw a delegation (its delegator, delegate or creator, or the head of its office).

    :raises NotFound: no such delegation, or one the actor may not manage.
    """
    row = db.session.get(Delegation, delegation_id) if 0 < delegation_id < 2**63 else None
    policy.check(actor, "delegation.manage", row)
    if row.revoked_at is None:
        before = api(row)
        row.revoked_at = clock.now()
        audit("delegation_withdrawn", "user", row.delegator.username, actor=actor, role=row.role,
              data={"before": before, "after": api(row)})
    return row


def api(row: Delegation) -> dict:
    return {"id": row.id, "from": row.delegator.username, "to": row.delegate.username, "role": row.role,
            "office": row.office.code, "starts_on": row.starts_on.isoformat(), "ends_on": row.ends_on.isoformat(),
            "active": row.revoked_at is None and row.starts_on <= today() <= row.ends_on,
            "withdrawn_at": clock.iso(row.revoked_at)}
