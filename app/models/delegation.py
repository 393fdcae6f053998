"""Out-of-office delegation: an officer's queue worked by another officer for a range of days."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import BigId, UtcDateTime


class Delegation(db.Model):
    __tablename__ = "delegation"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: Whose queue: the officer away, and the posting (role at office) being delegated.
    delegator_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"))
    #: Who works it meanwhile: an active officer of the same role in the same district.
    delegate_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: Indian calendar days, both included.
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    delegator = relationship("User", foreign_keys=[delegator_id], lazy="joined")
    delegate = relationship("User", foreign_keys=[delegate_id], lazy="joined")
    office = relationship("Office", lazy="joined")
