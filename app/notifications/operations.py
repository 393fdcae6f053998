"""What people do with notifications: the applicant's history, the admin's failure list and retry."""
from sqlalchemy import func, select

from .. import clock, policy
from ..audit.operations import record as audit
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..models import Application, Notification
from ..models.notification import NOTIFICATION_STATUSES


def history(application) -> list[dict]:
    """Messages to the applicant about this application, oldest first (API ``notifications``)."""
    rows = db.session.scalars(select(Notification).where(
        Notification.application_id == application.id, Notification.audience == "applicant")
        .order_by(Notification.id)).all()
    return [{"channel": row.channel, "event": row.event, "to": row.to, "status": row.status,
             "at": clock.iso(row.sent_at or row.updated_at)} for row in rows]


def admin_api(row: Notification, ain: str | None) -> dict:
    return {"id": row.id, "ain": ain, "event": row.event, "channel": row.channel, "to": row.to,
            "audience": row.audience, "status": row.status, "attempts": row.attempts,
            "last_error": row.last_error, "provider_message_id": row.provider_message_id,
            "created_at": clock.iso(row.created_at), "updated_at": clock.iso(row.updated_at),
            "next_attempt_at": clock.iso(row.next_attempt_at), "sent_at": clock.iso(row.sent_at)}


def failures(status: str | None, page: int, per_page: int) -> tuple[list[dict], int]:
    """Rows by status (``dead`` unless told), newest first, for the admin."""
    status = status or "dead"
    if status not in NOTIFICATION_STATUSES:
        raise Invalid("Unknown status.", fields={"status": "must be one of " + ", ".join(NOTIFICATION_STATUSES)})
    query = (select(Notification, Application.ain).outerjoin(Application, Application.id == Notification.application_id)
             .where(Notification.status == status).order_by(Notification.id.desc()))
    total = db.session.scalar(select(func.count()).select_from(Notification).where(Notification.status == status))
    rows = db.session.execute(query.offset((page - 1) * per_page).limit(per_page)).all()
    return [admin_api(row, ain) for row, ain in rows], total


def retry(actor, notification_id: int) -> Notification:
    """Queue a dead message again with a fresh attempt count.

    A row that may have reached the provider keeps that mark, so the dispatcher asks the provider
    before sending. A one-time code is never re-sent (it has expired; the citizen asks for a new one).

    :raises NotFound: no such row. :raises Conflict: ``not_dead`` or ``otp_not_retried``.
    """
    if actor is not None:                 # None: the operator's CLI
        policy.require_role(actor, policy.ADMINS)
    row = db.session.get(Notification, notification_id)
    if row is None:
        raise NotFound("There is no such notification.")
    if row.status != "dead":
        raise Conflict("Only a failed (dead) notification can be retried.", code="not_dead", status=row.status)
    if row.event == "otp":
        raise Conflict("A login code is never sent again; the citizen can ask for a new one.",
                       code="otp_not_retried")
    now = clock.now()
    row.status = "pending"
    row.attempts = 0
    row.next_attempt_at = now
    row.updated_at = now
    row.lease_owner = row.lease_until = None
    audit("notification_retry", "notification", str(row.id), actor=actor,
          role=actor.primary_role if actor is not None else None,
          data={"event": row.event, "channel": row.channel, "last_error": row.last_error})
    db.session.flush()
    return row
