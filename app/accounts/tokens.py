"""Bearer tokens, page sessions and partner API keys; only their sha256 is stored.

A login (API token or page session) is one ``api_token`` row. It ends when the row is deleted
(logout, revocation, password change), after the idle timeout (no request for that long) or at
its absolute end, whichever comes first. Staff (anyone with a posting) get shorter limits than
citizens (:class:`SessionPolicy`, settings in docs/security.md). Nothing lives in process memory:
every worker on every host reads the same rows.
"""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import clock
from ..extensions import db
from ..models import ApiKey, ApiToken, User

#: ``last_used_at`` is written at most this often (one UPDATE a minute per login, not per request).
TOUCH_SECONDS = 60


@dataclass(frozen=True)
class SessionPolicy:
    """Idle minutes and absolute hours, per audience (``staff`` or ``citizen``)."""

    idle_minutes: dict
    max_hours: dict

    @classmethod
    def from_config(cls, config) -> "SessionPolicy":
        return cls(dict(config["SESSION_IDLE_MINUTES"]), dict(config["SESSION_MAX_HOURS"]))

    @staticmethod
    def audience(user: User) -> str:
        # Any posting (current or not) makes a staff account: the shorter limits apply. Asked here
        # without app.policy, which itself depends on the accounts area (OTP ownership).
        return "staff" if user.postings else "citizen"

    def idle(self, user: User) -> timedelta:
        return timedelta(minutes=self.idle_minutes[self.audience(user)])

    def lifetime(self, user: User, hours: int | None = None) -> timedelta:
        cap = self.max_hours[self.audience(user)]
        return timedelta(hours=min(hours, cap) if hours else cap)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, hours: int | None, *, policy: SessionPolicy | None = None,
                kind: str = "api") -> tuple[str, ApiToken]:
    """A new login for ``user``: ``hours`` long, never beyond the policy's maximum for the user."""
    raw = secrets.token_urlsafe(32)
    now = clock.now()
    lifetime = policy.lifetime(user, hours) if policy else timedelta(hours=hours)
    token = ApiToken(token_hash=_digest(raw), user_id=user.id, kind=kind, created_at=now, last_used_at=now,
                     expires_at=now + lifetime)
    db.session.add(token)
    db.session.flush()
    return raw, token


def create_api_key(name: str, channel: str, user: User) -> tuple[str, ApiKey]:
    raw = "pk_" + secrets.token_urlsafe(32)
    key = ApiKey(name=name, channel=channel, key_hash=_digest(raw), user_id=user.id, created_at=clock.now())
    db.session.add(key)
    db.session.flush()
    return raw, key


def live_token(raw: str, policy: SessionPolicy | None, *, kind: str = "api") -> ApiToken | None:
    """The login row behind ``raw`` if it is still alive (refreshing its idle clock), else ``None``."""
    # One query for token, user and postings (joined rows are folded back by unique()).
    token = db.session.execute(select(ApiToken).where(ApiToken.token_hash == _digest(raw), ApiToken.kind == kind)
                               .options(joinedload(ApiToken.user).joinedload(User.postings))
                               ).unique().scalar_one_or_none()
    if token is None:
        return None
    now = clock.now()
    last = clock.as_utc(token.last_used_at or token.created_at)
    if clock.as_utc(token.expires_at) <= now or not token.user.active:
        return None
    if policy is not None and last + policy.idle(token.user) <= now:
        return None
    if (now - last).total_seconds() >= TOUCH_SECONDS:
        token.last_used_at = now
    return token


def resolve_bearer(raw: str, policy: SessionPolicy | None = None) -> tuple[User, str | None, int | None] | None:
    """The user behind a bearer value, the channel of an API key and the id of a login token;
    ``None`` if not valid now."""
    token = live_token(raw, policy)
    if token is not None:
        return token.user, None, token.id
    key = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == _digest(raw), ApiKey.revoked_at.is_(None)))
    if key is not None and key.user.active:
        return key.user, key.channel, None
    return None
