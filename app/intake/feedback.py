"""Citizen feedback after delivery: the applicant side rates the service once, 1 to 5, with a comment."""
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from .. import clock, policy
from ..audit.operations import record as audit
from ..errors import Conflict, Invalid
from ..extensions import db
from ..inputs import text_problem
from ..models import Application, Feedback
from .records import find_by_ain

MAX_COMMENT = 1000


def _checked(payload) -> tuple[int, str | None]:
    if not isinstance(payload, dict):
        raise Invalid("Send a rating from 1 to 5 and, if you like, a comment.", fields={"rating": "is required"})
    errors = {k: "is not a field of this request" for k in sorted(set(payload) - {"rating", "comment"})}
    rating = payload.get("rating")
    if isinstance(rating, str) and rating.strip().isdigit():
        rating = int(rating.strip())
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        errors["rating"] = "is required" if rating in (None, "") else "must be a whole number from 1 to 5"
    comment = payload.get("comment")
    if comment is not None and not isinstance(comment, str):
        errors["comment"] = "must be text"
    elif isinstance(comment, str):
        comment = comment.strip() or None
        if comment and len(comment) > MAX_COMMENT:
            errors["comment"] = f"must be at most {MAX_COMMENT} characters"
        elif comment and text_problem(comment, multiline=True):
            errors["comment"] = text_problem(comment, multiline=True)
    if errors:
        raise Invalid("Please check the rating and the comment.", fields=errors)
    return rating, comment


def give_feedback(actor, ain: str, payload: dict) -> Feedback:
    """Record the applicant side's rating of a DELIVERED application.

    :raises Invalid: rating not 1–5, comment over 1000 characters, unknown fields.
    :raises NotFound: no such application the actor may see. :raises Forbidden: not the applicant side.
    :raises Conflict: ``not_delivered`` before delivery, ``feedback_exists`` on a second feedback.
    """
    rating, comment = _checked(payload)
    application = find_by_ain(ain)
    policy.check(actor, "application.as_applicant", application,
                 refused="Only the applicant or whoever submitted the application may give feedback on it.")
    if application.status != "DELIVERED":
        raise Conflict("Feedback can be given once the certificate has been delivered.", code="not_delivered")
    if feedback_of(application) is not None:
        raise Conflict("Feedback on this application has already been given.", code="feedback_exists")
    feedback = Feedback(application_id=application.id, service_id=application.service_id, rating=rating,
                        comment=comment, given_at=clock.now(), given_by_id=actor.id)
    try:
        with db.session.begin_nested():  # a feedback sent at the same moment hits the unique key: 409, not 500
            db.session.add(feedback)
    except IntegrityError:
        raise Conflict("Feedback on this application has already been given.", code="feedback_exists") from None
    audit("feedback", "application", application.ain, actor=actor, role=actor.primary_role,
          stage=application.stage, remarks=comment, data={"rating": rating})
    return feedback


def feedback_of(application: Application) -> Feedback | None:
    return db.session.scalar(select(Feedback).where(Feedback.application_id == application.id))


def ratings_by_service(applications_clause=None) -> dict[int, tuple[float, int]]:
    """``{service_id: (average rating, number of ratings)}``, limited by a WHERE clause on ``Application``
    (e.g. a reports jurisdiction's ``applications()``)."""
    query = select(Feedback.service_id, func.avg(Feedback.rating), func.count())
    if applications_clause is not None:
        query = query.join(Application, Application.id == Feedback.application_id).where(applications_clause)
    return {sid: (float(avg), n) for sid, avg, n in db.session.execute(query.group_by(Feedback.service_id))}


def feedback_api(feedback: Feedback) -> dict:
    return {"ain": feedback.application.ain, "rating": feedback.rating, "comment": feedback.comment,
            "given_at": clock.iso(feedback.given_at), "given_by": feedback.given_by.username}
