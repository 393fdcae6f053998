"""Bearer tokens for logins and partner API keys; only their sha256 is stored."""
import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import clock
from ..extensions import db
from ..models import ApiKey, ApiToken, User


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, hours: int) -> tuple[str, ApiToken]:
    raw = secrets.token_urlsafe(32)
    now = clock.now()
    token = ApiToken(token_hash=_digest(raw), user_id=user.id, created_at=now,
                     expires_at=now + timedelta(hours=hours))
    db.session.add(token)
    db.session.flush()
    return raw, token


def create_api_key(name: str, channel: str, user: User) -> tuple[str, ApiKey]:
    raw = "pk_" + secrets.token_urlsafe(32)
    key = ApiKey(name=name, channel=channel, key_hash=_digest(raw), user_id=user.id, created_at=clock.now())
    db.session.add(key)
    db.session.flush()
    return raw, key


def resolve_bearer(raw: str) -> tuple[User, str | None] | None:
    """The user behind a bearer value and, for an API key, its channel; ``None`` if not valid now."""
    digest = _digest(raw)
    # One query for token, user and postings (joined rows are folded back by unique()).
    token = db.session.execute(select(ApiToken).where(ApiToken.token_hash == digest)
                               .options(joinedload(ApiToken.user).joinedload(User.postings))
                               ).unique().scalar_one_or_none()
    if token is not None:
        if clock.as_utc(token.expires_at) <= clock.now() or not token.user.active:
            return None
        return token.user, None
    key = db.session.scalar(select(ApiKey).where(ApiKey.key_hash == digest, ApiKey.revoked_at.is_(None)))
    if key is not None and key.user.active:
        return key.user, key.channel
    return None
