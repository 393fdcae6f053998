"""The applications a caller may see, as one list (``GET /api/v1/applications``, "My applications").

A citizen: the applications carrying the mobile they proved by OTP (whoever filed them) and those
they made; an operator or API key: what they filed; an officer: the applications of the areas their
offices serve and those their offices handle. Newest first.
"""
from datetime import datetime, timedelta

from sqlalchemy import false, func, or_, select

from ..accounts.mobile import e164
from ..accounts.otp import verified_mobile_of
from ..extensions import db
from ..models import Application, Location
from .records import AREA_ROLES


def _mobile_forms(mobile: str) -> list[str]:
    """The spellings an application may carry for one number (intake keeps what was typed)."""
    digits = mobile[3:]
    return [mobile, digits, "0" + digits, "91" + digits, "+91 " + digits]


def _areas(location_ids: set[int]) -> set[int]:
    """The locations ``location_ids`` and everything below them."""
    children: dict = {}
    for loc_id, parent_id in db.session.execute(select(Location.id, Location.parent_id)):
        children.setdefault(parent_id, []).append(loc_id)
    found, todo = set(), list(location_ids)
    while todo:
        node = todo.pop()
        if node not in found:
            found.add(node)
            todo.extend(children.get(node, []))
    return found


def visible_condition(actor):
    """A WHERE clause on ``Application`` for what ``actor`` may see in a list."""
    mine = [Application.created_by_id == actor.id, Application.applicant_user_id == actor.id]
    if actor.channel:  # an API key: what it filed
        return Application.created_by_id == actor.id
    if actor.roles == ["CITIZEN"]:
        verified = verified_mobile_of(actor.id)
        if verified and e164(verified):
            mine.append(Application.applicant_mobile.in_(_mobile_forms(e164(verified))))
        return or_(*mine)
    offices = {p.office_id for p in actor.user.postings if p.role in AREA_ROLES}
    areas = _areas({p.office.location_id for p in actor.user.postings
                    if p.role in AREA_ROLES and p.office is not None and p.office.location_id})
    if offices:
        mine.append(Application.processing_office_id.in_(offices))
    if areas:
        mine.append(Application.location_id.in_(areas))
    return or_(*mine) if mine else false()


def visible_applications(actor, *, page: int = 1, per_page: int = 50,
                         day: datetime | None = None) -> tuple[list[Application], int]:
    """One page of what ``actor`` may see, newest first, and the total.

    :param day: only those submitted in the 24 hours from ``day`` (an operator's day list).
    """
    query = select(Application).where(visible_condition(actor))
    if day is not None:
        query = query.where(Application.submitted_at >= day, Application.submitted_at < day + timedelta(days=1))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(Application.submitted_at.desc(), Application.id.desc())
                              .offset((page - 1) * per_page).limit(per_page)).all()
    return rows, total
