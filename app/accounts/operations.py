"""Logging in with a password and describing the logged-in user."""
from sqlalchemy import select

from ..errors import Invalid, Unauthorized
from ..extensions import db
from ..models import User
from ..policy.postings import current_postings, roles_of
from .passwords import check_password
from .tokens import issue_token


def login(username, password, *, token_hours: int):
    """:returns: ``(raw token, ApiToken, User)``. Same error for unknown user and wrong password."""
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        raise Invalid("Give a username and a password.",
                      fields={k: "is required" for k, v in (("username", username), ("password", password))
                              if not isinstance(v, str) or not v})
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if not check_password(user.password_hash if user else None, password) or not user.active:
        raise Unauthorized("The username or password is not correct.", code="bad_credentials")
    raw, token = issue_token(user, token_hours)
    return raw, token, user


def user_api(user: User) -> dict:
    return {"username": user.username, "name": user.name, "roles": roles_of(user),
            "postings": [{"role": p.role, "office": p.office.to_api()} for p in current_postings(user)]}
