"""Posting validity: a posting grants its role and office only between ``valid_from`` and ``valid_to``
by the app clock. An expired or not-yet-valid posting grants nothing: no inbox, no task, no page."""
from datetime import datetime

from .. import clock


def is_current(posting, now: datetime | None = None) -> bool:
    now = now or clock.now()
    if posting.valid_from is not None and clock.as_utc(posting.valid_from) > now:
        return False
    return posting.valid_to is None or clock.as_utc(posting.valid_to) > now


def current_postings(user, now: datetime | None = None) -> list:
    now = now or clock.now()
    return [p for p in user.postings if is_current(p, now)]


def roles_of(user, now: datetime | None = None) -> list[str]:
    """The roles a user holds now. A user with no posting at all is a citizen; a user whose postings
    all lapsed holds no role (an officer after transfer is not silently turned into a citizen)."""
    if not user.postings:
        return ["CITIZEN"]
    return sorted({p.role for p in current_postings(user, now)})


def current_filter(model, now: datetime | None = None):
    """SQL: rows of ``Posting`` (or a model with the same columns) current at ``now``."""
    now = clock.now() if now is None else now   # may be a bound parameter of a cached statement
    return ((model.valid_from.is_(None)) | (model.valid_from <= now)) & \
        ((model.valid_to.is_(None)) | (model.valid_to > now))
