"""Offices, users, postings (user × role × office) and API credentials."""
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import BigId, UtcDateTime

ROLES = ("CITIZEN", "OPERATOR", "PRADHAN", "BDO", "EO", "SDO", "DM", "ANALYST", "ADMIN")


class Office(db.Model):
    __tablename__ = "office"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    name_bn: Mapped[str | None] = mapped_column(String(200))
    #: GP, BLOCK, SUBDIVISION, DISTRICT, MUNICIPALITY, STATE for government offices; CSC, BSK, KIOSK for
    #: service points (they serve anyone, so they route nothing).
    level: Mapped[str] = mapped_column(String(20), index=True)
    #: The LGD area this office serves (the GP of a GP office, the block of a BDO's office…).
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"), index=True)

    location = relationship("Location")

    def to_api(self) -> dict:
        return {"code": self.code, "name": self.name, "level": self.level}


class User(db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    mobile: Mapped[str | None] = mapped_column(String(20), index=True)
    email: Mapped[str | None] = mapped_column(String(200))
    #: 'en' or 'bn': the language of pages and notifications for this user.
    language: Mapped[str] = mapped_column(String(5), default="en")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    postings = relationship("Posting", back_populates="user", lazy="selectin")

    # Flask-Login protocol
    @property
    def is_active(self):
        return self.active

    is_authenticated = True
    is_anonymous = False

    def get_id(self):
        return str(self.id)

    # Which roles a user holds *now* is the access policy's (``app.policy.roles_of``): postings have dates.


class Posting(db.Model):
    __tablename__ = "posting"
    __table_args__ = (UniqueConstraint("user_id", "role", "office_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    office_id: Mapped[int] = mapped_column(ForeignKey("office.id"), index=True)
    valid_from: Mapped[datetime | None] = mapped_column(UtcDateTime)
    valid_to: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: When the tasks this posting's officer held went to the successor (after ``valid_to``).
    handed_over_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    user = relationship("User", back_populates="postings")
    office = relationship("Office", lazy="joined")


class ApiToken(db.Model):
    """A login: a bearer token (``api``) or a page session (``web``); only its sha256 is stored.

    The row is the session: deleting it (logout, revocation, password change) ends it on every
    worker and host at once.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    #: ``api`` (Authorization: Bearer) or ``web`` (held in the signed session cookie).
    kind: Mapped[str] = mapped_column(String(10), default="api", server_default="api")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: The absolute end: login time + the role's maximum (never extended).
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: Last request seen (refreshed at most once a minute); the idle timeout counts from here.
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    user = relationship("User")


class ApiKey(db.Model):
    """A partner system's key (BSK portal, CSC network); acts as its own user, with a fixed channel."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    channel: Mapped[str] = mapped_column(String(20))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    user = relationship("User")
