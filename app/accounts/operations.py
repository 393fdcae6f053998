"""Logging in with a password, the caller's logins (list, revoke, log out) and password changes."""
from sqlalchemy import delete, select

from .. import clock, policy
from ..errors import Invalid, Unauthorized
from ..extensions import db
from ..models import ApiToken, User
from ..policy.postings import current_postings, roles_of
from .passwords import check_password, hash_password
from .tokens import SessionPolicy, issue_token

MIN_PASSWORD_CHARS = 10
PASSWORD_TOO_SHORT = f"must be at least {MIN_PASSWORD_CHARS} characters"


def normalise_username(raw) -> str:
    """The one form of a username for lookups and for counting login attempts: ``" BDO.Domkal "``
    and ``"bdo.domkal"`` are the same user and share one limit."""
    return raw.strip().casefold() if isinstance(raw, str) else ""


def login(username, password, *, token_hours: int, policy: SessionPolicy | None = None, kind: str = "api"):
    """:returns: ``(raw token, ApiToken, User)``. Same error for unknown user and wrong password."""
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        raise Invalid("Give a username and a password.",
                      fields={k: "is required" for k, v in (("username", username), ("password", password))
                              if not isinstance(v, str) or not v})
    user = authenticate(username, password)
    if user is None:
        raise Unauthorized("The username or password is not correct.", code="bad_credentials")
    raw, token = issue_token(user, token_hours, policy=policy, kind=kind)
    return raw, token, user


def authenticate(username: str, password: str) -> User | None:
    """The active user with this username and password; ``None`` otherwise (same cost either way)."""
    user = db.session.scalar(select(User).where(User.username == normalise_username(username)))
    if not check_password(user.password_hash if user else None, password) or not user.active:
        return None
    return user


def user_api(user: User) -> dict:
    return {"username": user.username, "name": user.name, "roles": roles_of(user),
            "postings": [{"role": p.role, "office": p.office.to_api()} for p in current_postings(user)]}


def logins_of(user: User) -> list[ApiToken]:
    """The user's logins that have not reached their absolute end, newest first."""
    return list(db.session.scalars(select(ApiToken).where(policy.own_logins(user), ApiToken.expires_at > clock.now())
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def login_api(token: ApiToken, current_id: int | None) -> dict:
    return {"id": token.id, "kind": token.kind, "created_at": clock.iso(token.created_at),
            "last_used_at": clock.iso(token.last_used_at), "expires_at": clock.iso(token.expires_at),
            "current": token.id == current_id}


def revoke_login(user: User, token_id: int) -> None:
    """End one of the user's own logins (``user`` may be an actor). :raises NotFound: not theirs (or ended)."""
    token = db.session.get(ApiToken, token_id) if 0 < token_id < 2**63 else None
    policy.check(user, "login.end", token)
    db.session.delete(token)     # through the session: a refreshed last_used_at is not written back after it


def end_other_logins(user: User, keep_id: int | None) -> int:
    """End every login of ``user`` except ``keep_id``; :returns: how many ended."""
    stmt = delete(ApiToken).where(ApiToken.user_id == user.id)
    if keep_id is not None:
        stmt = stmt.where(ApiToken.id != keep_id)
    return db.session.execute(stmt.execution_options(synchronize_session=False)).rowcount


def change_password(user: User, current, new, *, keep_login_id: int | None, again=None) -> int:
    """Set a new password after proving the current one; every other login of the user ends.

    :param again: the new password typed a second time (the page's form); ``None`` when not asked.
    :returns: how many other logins ended. :raises Invalid: wrong current password, a weak new one,
        or a second typing that differs.
    """
    fields = {}
    if not isinstance(current, str) or not check_password(user.password_hash, current):
        fields["current_password"] = "is not your current password"
    if not isinstance(new, str) or len(new) < MIN_PASSWORD_CHARS:
        fields["new_password"] = PASSWORD_TOO_SHORT
    elif isinstance(current, str) and new == current:
        fields["new_password"] = "must differ from the current password"
    if again is not None and again != new:
        fields["new_password_again"] = "does not match the new password"
    if fields:
        raise Invalid("The password was not changed.", fields=fields)
    user.password_hash = hash_password(new)
    return end_other_logins(user, keep_login_id)
