"""The notification outbox: one row per message to one recipient on one channel.

Rows are written in the same transaction as the change they report (a rollback leaves none) and
sent later by the dispatcher (``app/notifications/dispatch.py``), which claims them with a lease.
"""
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import BigId, UtcDateTime

#: ``digilocker``: pushes to DigiLocker (app/digilocker/push.py), delivered by its own backend.
CHANNELS = ("sms", "whatsapp", "email", "digilocker")
#: pending → sending (claimed, leased) → sent | pending again (retry) | dead | expired
NOTIFICATION_STATUSES = ("pending", "sending", "sent", "dead", "expired")


class Notification(db.Model):
    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: Stops a double enqueue: ``app:<id>:<event>:<change>:<channel>:<to>``, ``otp:<challenge id>``…
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("application.id"), index=True)
    #: The recipient when it is a user (an officer on escalation, a citizen); None for an applicant
    #: known only by the contact details on the application.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: applicant | officer | user — who the message is for; the applicant's history shows 'applicant'.
    audience: Mapped[str] = mapped_column(String(10))
    #: The template name: submitted, in_process, sent_back, rejected, approved, delivered, escalated, otp.
    event: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))
    #: E.164 mobile (``+919876543210``) for sms/whatsapp, an address for email.
    to: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(5), default="en")
    #: Template variables; the body is rendered from them at the first dispatch when not given.
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    subject: Mapped[str | None] = mapped_column(String(300))
    #: Fixed once rendered: every attempt (and the provider look-up after a lost lease) uses the same text.
    body: Mapped[str | None] = mapped_column(Text)
    #: Higher first (an OTP before a status message).
    priority: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    #: Attempts started (counted when claimed, so a dispatcher that dies on a row still counts).
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(40))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: An earlier attempt may have reached the provider (lease lost, timeout, 5xx): ask the provider
    #: before sending again.
    maybe_sent: Mapped[bool] = mapped_column(Boolean, default=False)
    provider_message_id: Mapped[str | None] = mapped_column(String(100))
    last_error: Mapped[str | None] = mapped_column(String(1000))
    #: Not sent after this (an OTP is useless once it has expired).
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    application = relationship("Application")
