"""Who may open a page: the HTML twin of the API's ``@access``; the decisions are ``app.policy``'s.

Every web route declares a rule; ``tests/test_routes_access.py`` lists all routes and fails on one
without. Anonymous visitors of a protected page are sent to the login page; a logged-in user without
the role gets a 403 page.
"""
import functools

from flask import abort, current_app, g, redirect, request, session, url_for
from flask_login import current_user

from .. import policy
from ..accounts.actor import Actor
from ..accounts.operations import revoke_login
from ..accounts.tokens import SessionPolicy, live_token
from ..errors import NotFound

PUBLIC = "public"
AUTHENTICATED = "authenticated"



def page_access(rule: str = AUTHENTICATED, *, roles: tuple[str, ...] = ()):
    """Declare and enforce who may open a page: ``public``, any logged-in user, or ``roles``."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if rule != PUBLIC:
                if not current_user.is_authenticated:
                    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
                actor = current_actor()
                if roles and not policy.has_role(actor, roles):
                    abort(403)
                if not roles:
                    policy.require_authenticated(actor)
            return view(*args, **kwargs)
        wrapper.access_rule = (rule, roles)
        wrapper.asks_policy = True
        return wrapper
    return decorate


def current_actor() -> Actor:
    """The logged-in user as the operations' explicit actor."""
    return Actor(user=current_user._get_current_object(), ip=request.remote_addr)


def load_page_user(user_id: str):
    """Flask-Login's user loader: the user of this browser's server-side session row, if that row is
    still alive (not logged out, not idle too long, not past its end, password not changed since)."""
    raw = session.get("sid")
    if not isinstance(raw, str) or not raw:
        return None
    token = live_token(raw, SessionPolicy.from_config(current_app.config), kind="web")
    if token is None or str(token.user_id) != user_id:
        return None
    g.page_login_id = token.id
    return token.user


def end_page_session() -> None:
    """Delete this browser's session row: the cookie, even if replayed, opens nothing afterwards."""
    if current_user.is_authenticated and g.get("page_login_id") is not None:
        try:
            revoke_login(current_user._get_current_object(), g.page_login_id)
        except NotFound:
            pass
