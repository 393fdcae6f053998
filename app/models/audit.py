"""Append-only audit trail, hash-chained so that a changed or removed row is detectable."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import BigId, UtcDateTime


class AuditEvent(db.Model):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: Username at the time (users may be renamed; the trail may not).
    actor: Mapped[str | None] = mapped_column(String(80))
    role: Mapped[str | None] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(60))
    #: What it concerns: ``application``, ``process_version``, ``certificate``…
    object_type: Mapped[str] = mapped_column(String(30))
    object_key: Mapped[str | None] = mapped_column(String(60), index=True)
    stage: Mapped[str | None] = mapped_column(String(200))
    remarks: Mapped[str | None] = mapped_column(String(2000))
    data: Mapped[dict | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(45))
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
