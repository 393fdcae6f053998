"""Issued certificates: one signed PDF per approved application, addressed by its sha256."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import BigId, UtcDateTime

CERTIFICATE_STATUSES = ("VALID", "REVOKED")


class Certificate(db.Model):
    __tablename__ = "certificate"
    __table_args__ = (UniqueConstraint("status_list", "status_index", name="uq_certificate_status_entry"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: ``DDDSSSYYYYNNNNNN`` (SoP §9), from the locked ``uin:<DEPT>:<SVC>:<YEAR>`` counter row.
    uin: Mapped[str] = mapped_column(String(16), unique=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    #: Relative to the data dir: ``certificates/<sha256>.pdf`` (content-addressed, written once).
    pdf_path: Mapped[str] = mapped_column(String(255))
    #: sha256 of the signed PDF as issued; an uploaded PDF must match it byte for byte.
    pdf_sha256: Mapped[str] = mapped_column(String(64), index=True)
    #: Common name of the signing certificate (officer's or office's key).
    signer_name: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(String(10), default="VALID", index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    revocation_reason: Mapped[str | None] = mapped_column(String(2000))
    #: W3C Bitstring Status List of the applicant's district (its LGD code) and this certificate's bit
    #: in it (``app/certificates/statuslist.py``); None for a certificate issued before lists existed.
    status_list: Mapped[str | None] = mapped_column(String(20))
    status_index: Mapped[int | None] = mapped_column(Integer)
    #: The office of the posting that approved, printed as the issuing office and signed into the QR
    #: (a Gram Panchayat-verified, BDO-approved application: the BDO's office, not the processing one).
    issuing_office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"))

    application = relationship("Application")
    issuing_office_row = relationship("Office")
    service = relationship("Service")
    issued_by = relationship("User", foreign_keys=[issued_by_id])
    revoked_by = relationship("User", foreign_keys=[revoked_by_id])

    @property
    def issuing_office(self):
        """The office that issued it (a certificate from before ``issuer01`` without one: the
        application's processing office, which is what it printed then)."""
        return self.issuing_office_row or self.application.processing_office

    def revoke(self, by_user, now: datetime, reason: str) -> None:
        """Mark revoked; refuses a second revocation and an empty reason."""
        if self.status == "REVOKED":
            raise ValueError("certificate already revoked")
        if not (reason or "").strip():
            raise ValueError("a revocation needs a reason")
        self.status = "REVOKED"
        self.revoked_at = now
        self.revoked_by_id = getattr(by_user, "id", None)
        self.revocation_reason = reason.strip()

    def to_public(self) -> dict:
        """What the public verifier may show (no personal data beyond what the PDF prints)."""
        return {"uin": self.uin, "status": self.status,
                "issued_at": self.issued_at.isoformat() if self.issued_at else None,
                "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
                "signer_name": self.signer_name}
