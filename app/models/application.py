"""Applications, their documents and the serial counters behind AINs and UINs."""
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import BigId, UtcDateTime

STATUSES = ("SUBMITTED", "IN_PROCESS", "SENT_BACK", "APPROVED", "REJECTED", "DELIVERED")
CHANNELS = ("WEB", "CSC", "KIOSK", "BSK", "GP", "DOORSTEP")


class Application(db.Model):
    __tablename__ = "application"
    __table_args__ = (UniqueConstraint("created_by_id", "idempotency_key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    ain: Mapped[str] = mapped_column(String(32), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    process_instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_mobile: Mapped[str | None] = mapped_column(String(20), index=True)
    applicant_email: Mapped[str | None] = mapped_column(String(200))
    #: Last four digits only; the full number is never stored.
    aadhaar_masked: Mapped[str | None] = mapped_column(String(14))
    #: Keyed hash (HMAC) of the full number, to find duplicates without storing it.
    aadhaar_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    language: Mapped[str] = mapped_column(String(5), default="en")
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    processing_office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"), index=True)
    channel: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12), index=True)
    stage: Mapped[str | None] = mapped_column(String(200))
    stage_bn: Mapped[str | None] = mapped_column(String(200))
    tatkal: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The application form as last (re)submitted.
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: Set on rejection; shown to the applicant (SoP: grounds and suggested remedy).
    decision_reason: Mapped[str | None] = mapped_column(String(2000))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    applicant_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    #: Hash of the last event of this application's audit chain (``app.audit.operations.record`` keeps
    #: it): the next event links to it without a SELECT, and appends serialise on this row's lock.
    audit_head: Mapped[str | None] = mapped_column(String(64))

    service = relationship("Service", lazy="joined")
    location = relationship("Location")
    processing_office = relationship("Office")
    instance = relationship("ProcessInstance")
    created_by = relationship("User", foreign_keys=[created_by_id])
    work_items = relationship("WorkItem", back_populates="application", order_by="WorkItem.id")
    documents = relationship("ApplicationDocument", back_populates="application",
                             order_by="ApplicationDocument.id")
    sla_clock = relationship("SlaClock", back_populates="application", uselist=False)


class Document(db.Model):
    """An uploaded file, kept in its uploader's repository and reusable on later applications."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    type: Mapped[str] = mapped_column(String(60))
    filename: Mapped[str | None] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    #: The MIME type found from the content, never the client's claim.
    mime: Mapped[str] = mapped_column(String(60))
    uploaded_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ApplicationDocument(db.Model):
    __tablename__ = "application_document"
    __table_args__ = (UniqueConstraint("application_id", "document_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id"))
    type: Mapped[str] = mapped_column(String(60))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    application = relationship("Application", back_populates="documents")
    document = relationship("Document", lazy="joined")


class Counter(db.Model):
    """A serial counter row, locked while incremented: AIN and UIN serials, never ``max()+1``."""

    __tablename__ = "counter"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: e.g. ``ain:012:2026`` or ``uin:HHA:012:2026``
    name: Mapped[str] = mapped_column(String(60), unique=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
