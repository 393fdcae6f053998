"""Complaints filed on rejected applications (SoP §8.7), seen by the district's DM and SDO offices."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import BigId, UtcDateTime


class Complaint(db.Model):
    __tablename__ = "complaint"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    text: Mapped[str] = mapped_column(String(4000))
    filed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    filed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    #: The applicant's district and subdivision (LGD locations) at filing: whose offices see it.
    district_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"), index=True)
    subdivision_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"), index=True)
    #: OPEN, then CLOSED once a DM or SDO answered it.
    status: Mapped[str] = mapped_column(String(12), default="OPEN")
    answer: Mapped[str | None] = mapped_column(String(4000))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    application = relationship("Application")
    filed_by = relationship("User", foreign_keys=[filed_by_id])
    answered_by = relationship("User", foreign_keys=[answered_by_id])
