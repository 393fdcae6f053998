"""One-time passwords for citizen login, and the mobile numbers citizens proved they hold."""
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import BigId, UtcDateTime


class OtpChallenge(db.Model):
    """A 6-digit code sent by SMS; only its keyed hash is stored."""

    __tablename__ = "otp_challenge"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    #: E.164, e.g. ``+919876543210``.
    mobile: Mapped[str] = mapped_column(String(20), index=True)
    #: HMAC-SHA256 (secret key) of ``<salt>:<mobile>:<code>``.
    code_hash: Mapped[str] = mapped_column(String(64))
    salt: Mapped[str] = mapped_column(String(32))
    #: Wrong or right, each verification counts; at the cap the code is dead.
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: Set when used, or when a newer code replaced it.
    consumed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class VerifiedMobile(db.Model):
    """A citizen account reached by OTP: the number it proved it holds (one account per number).

    Kept apart from ``user_account.mobile`` on purpose: an officer's account with a mobile on file is
    never reachable by an OTP sent to that number.
    """

    __tablename__ = "verified_mobile"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    mobile: Mapped[str] = mapped_column(String(20), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), unique=True)
    verified_at: Mapped[datetime] = mapped_column(UtcDateTime)
