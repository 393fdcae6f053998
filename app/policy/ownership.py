"""Ownership: whose application is it?

- a citizen owns what they filed and what names the mobile number they proved by OTP;
- an operator owns what they or their centre (a current OPERATOR posting at the same office) created;
- a partner's API key owns what keys of its channel created;
- anyone owns what they created themselves.
"""
from sqlalchemy import exists, false, or_, select

from ..accounts.mobile import e164, spellings as _mobile_spellings
from ..accounts.otp import verified_mobile_of
from ..extensions import db
from ..models import ApiKey, Application, Document, Posting
from .postings import current_filter
from .roles import OPERATOR


def _centre_office_ids(actor) -> set[int]:
    return {p.office_id for p in actor.postings if p.role == OPERATOR}


def is_owner(actor, application: Application) -> bool:
    if actor.id in (application.applicant_user_id, application.created_by_id):
        return True
    if actor.channel:
        return application.channel == actor.channel and _created_by_channel_key(application, actor.channel)
    if actor.roles == ["CITIZEN"]:
        return _holds_applicant_mobile(actor, application)
    centres = _centre_office_ids(actor)
    if centres and application.created_by_id is not None:
        return bool(db.session.scalar(select(exists().where(
            Posting.user_id == application.created_by_id, Posting.role == OPERATOR,
            Posting.office_id.in_(centres), current_filter(Posting)))))
    return False


def _created_by_channel_key(application: Application, channel: str) -> bool:
    return bool(db.session.scalar(select(exists().where(
        ApiKey.user_id == application.created_by_id, ApiKey.channel == channel))))


def _holds_applicant_mobile(actor, application: Application) -> bool:
    """A citizen logged in by OTP proved the number the application gives as the applicant's.

    Only plain citizen accounts (no posting, no API key) count, and only the number proved by OTP
    (``verified_mobile``), never a mobile merely written on an account.
    """
    if actor.channel or actor.roles != ["CITIZEN"] or not application.applicant_mobile:
        return False
    mine = verified_mobile_of(actor.id)
    return mine is not None and mine == e164(application.applicant_mobile)


def owned_filter(actor):
    """SQL on ``Application``: the rows :func:`is_owner` accepts (mobile matches only for citizens)."""
    conditions = [Application.applicant_user_id == actor.id, Application.created_by_id == actor.id]
    if actor.channel:
        conditions.append((Application.channel == actor.channel) & Application.created_by_id.in_(
            select(ApiKey.user_id).where(ApiKey.channel == actor.channel)))
    elif actor.roles == ["CITIZEN"]:
        mine = verified_mobile_of(actor.id)
        if mine:
            conditions.append(Application.applicant_mobile.in_(_mobile_spellings(mine)))
    else:
        centres = _centre_office_ids(actor)
        if centres:
            conditions.append(Application.created_by_id.in_(select(Posting.user_id).where(
                Posting.role == OPERATOR, Posting.office_id.in_(centres), current_filter(Posting))))
    return or_(*conditions) if conditions else false()


def own_documents(actor):
    """SQL on ``Document``: an actor's repository holds only the files they uploaded."""
    return Document.owner_id == actor.id


