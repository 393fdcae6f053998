"""The applicant's rating of a delivered service (SoP: citizen feedback), once per application."""
from datetime import datetime

from sqlalchemy import ForeignKey, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import BigId, UtcDateTime


class Feedback(db.Model):
    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: One feedback per application: the unique key refuses a second one made at the same moment.
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    #: Kept with the row so averages per service need no join through the application.
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    #: 1 (poor) to 5 (excellent).
    rating: Mapped[int] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(String(1000))
    given_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    given_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))

    application = relationship("Application")
    given_by = relationship("User")
