"""What partner systems (BSK portal, CSC networks) register: webhooks for status changes."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import BigId, UtcDateTime


class Webhook(db.Model):
    """A URL that gets every status change of the applications its partner filed, signed with HMAC."""

    __tablename__ = "webhook"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: The partner's own user (an API key acts as one); it receives changes of what it filed.
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    url: Mapped[str] = mapped_column(String(200))
    #: Shared HMAC key, shown once at registration; kept to sign each delivery when it is queued.
    secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
