"""The applications a caller may see, as one list (``GET /api/v1/applications``, "My applications").

A citizen: the applications carrying the mobile they proved by OTP (whoever filed them) and those
they made; an operator or API key: what they filed; an officer: the applications of the areas their
offices serve and those their offices handle. Newest first.
"""
from datetime import datetime, timedelta

from sqlalchemy import func, select

from .. import policy
from ..accounts.mobile import spellings
from ..extensions import db
from ..models import Application


def visible_condition(actor):
    """A WHERE clause on ``Application`` for what ``actor`` may see in a list (the access policy's)."""
    return policy.visible_applications(actor)


def visible_applications(actor, *, page: int = 1, per_page: int = 50,
                         day: datetime | None = None, mobile: str | None = None) -> tuple[list[Application], int]:
    """One page of what ``actor`` may see, newest first, and the total.

    :param day: only those submitted in the 24 hours from ``day`` (an operator's day list).
    :param mobile: only those whose applicant has this mobile (E.164), however the form spelt it — an
        index lookup on ``applicant_mobile`` (``ix_application_applicant_mobile``).
    """
    query = select(Application).where(visible_condition(actor))
    if mobile is not None:
        query = query.where(Application.applicant_mobile.in_(spellings(mobile)))
    if day is not None:
        query = query.where(Application.submitted_at >= day, Application.submitted_at < day + timedelta(days=1))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(Application.submitted_at.desc(), Application.id.desc())
                              .offset((page - 1) * per_page).limit(per_page)).all()
    return rows, total
