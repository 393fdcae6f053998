"""Push to DigiLocker through the notification outbox: Add on issue, Delete on revocation.

One outbox row per push (channel ``digilocker``, the body is the ``PushUriRequest`` XML), so pushes
get the dispatcher's lease, retries with backoff and dead-letter list like any message
(app/notifications/dispatch.py). Nothing is queued unless ``DIGILOCKER_PUSH_URL`` is set and the
certificate's service has a DigiLocker document type.
"""
import uuid

import requests
from flask import current_app, has_app_context
from sqlalchemy import update

from .. import clock
from ..accounts.mobile import e164
from ..extensions import db
from ..models import Notification
from ..notifications import enqueue
from ..notifications.backends import SendError
from .operations import expected_hmac, uri_of
from .xmlio import push_request, response_status

CHANNEL = "digilocker"
ADD, UPDATE, DELETE = "A", "U", "D"


def _settings():
    return current_app.config if has_app_context() else {}


def enqueue_push(certificate, action: str, now) -> bool:
    """Queue one push in the current transaction (flushes, never commits).

    :returns: False when pushing is off, the service has no document type, or it is queued already.
    """
    settings = _settings()
    doc_type = certificate.service.digilocker_doc_type
    if not settings.get("DIGILOCKER_PUSH_URL") or not doc_type:
        return False
    application = certificate.application
    txn = uuid.uuid4().hex
    attrs = {"ver": "1.0", "ts": clock.iso(now), "txn": txn, "orgId": settings["DIGILOCKER_ISSUER_ID"]}
    details = {"Action": action, "DocType": doc_type, "DocId": certificate.uin, "URI": uri_of(settings, certificate),
               "IssuedTo": application.applicant_name, "IssueDate": f"{clock.as_utc(certificate.issued_at):%d-%m-%Y}",
               "Mobile": e164(application.applicant_mobile)}
    return enqueue(event=f"digilocker_{action}", channel=CHANNEL, to=details["URI"], audience="issuer",
                   application_id=application.id, body=push_request(attrs, details),
                   dedupe_key=f"digilocker:{certificate.uin}:{action}")


def on_issued(certificate, now, **_) -> None:
    enqueue_push(certificate, ADD, now)


def on_revoked(certificate, now, **_) -> None:
    # An Add still waiting (retrying, or dead and retriable) must not reach DigiLocker after the Delete.
    db.session.execute(update(Notification).where(
        Notification.dedupe_key == f"digilocker:{certificate.uin}:{ADD}",
        Notification.status.in_(("pending", "dead"))).values(expires_at=now)
        .execution_options(synchronize_session=False))
    enqueue_push(certificate, DELETE, now)


class DigiLockerBackend:
    """Sends a queued ``PushUriRequest`` to ``DIGILOCKER_PUSH_URL``, signed like DigiLocker's own calls."""

    name = CHANNEL

    def __init__(self, settings):
        config = _settings()
        self.url = config.get("DIGILOCKER_PUSH_URL")
        self.api_key = config.get("DIGILOCKER_API_KEY")
        self.timeout = settings.send_timeout
        if not (self.url and self.api_key):
            raise SendError("DigiLocker push is not configured (PRAVAH_DIGILOCKER_PUSH_URL / API_KEY).")

    def send(self, message) -> str:
        body = message.body.encode("utf-8")
        try:
            response = requests.post(self.url, data=body, timeout=self.timeout, headers={
                "Content-Type": "application/xml", "x-digilocker-hmac": expected_hmac(body, self.api_key)})
        except requests.RequestException as exc:
            # A push is idempotent at DigiLocker (same URI): sending it again is harmless.
            raise SendError(f"DigiLocker unreachable: {type(exc).__name__}: {exc}"[:900], maybe_sent=True) from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise SendError(f"DigiLocker answered {response.status_code}", maybe_sent=response.status_code >= 500)
        if response.status_code >= 400:
            raise SendError(f"DigiLocker refused the push: {response.status_code} {response.text[:300]}",
                            permanent=True)
        if response_status(response.content) == 0:
            raise SendError(f"DigiLocker did not accept the push: {response.text[:300]}")
        return f"digilocker-{message.id}"

    def find(self, message) -> str | None:
        return None
