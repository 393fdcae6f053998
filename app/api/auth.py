"""Password login and the caller's logins: /api/v1/auth/token, /auth/tokens, /auth/password."""
from flask import current_app, jsonify, request

from .. import clock
from ..accounts import ratelimit
from ..accounts import operations as accounts
from ..accounts.tokens import SessionPolicy
from ..errors import Invalid
from . import api_bp
from .edge import PUBLIC, access, current_actor, current_login_id, json_body


def _only(body: dict, allowed: set) -> None:
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise Invalid("Unknown fields.", fields={k: "unknown field" for k in unknown})


@api_bp.post("/auth/token")
@access(PUBLIC)
def token():
    body = json_body()
    _only(body, {"username", "password"})
    enabled = current_app.config.get("RATELIMIT_ENABLED", True)
    ratelimit.hit("login-ip", request.remote_addr or "?", limit=30, window_seconds=300, enabled=enabled)
    ratelimit.hit("login-user", accounts.normalise_username(body.get("username"))[:80], limit=10,
                  window_seconds=300, enabled=enabled)
    raw, token_row, user = accounts.login(body.get("username"), body.get("password"),
                                          token_hours=current_app.config["TOKEN_HOURS"],
                                          policy=SessionPolicy.from_config(current_app.config))
    return jsonify({"token": raw, "expires_at": clock.iso(token_row.expires_at), "user": accounts.user_api(user)})


@api_bp.delete("/auth/token")
@access()
def logout():
    """End the login this request came with (a partner API key is revoked by an admin instead)."""
    login_id = current_login_id()
    if login_id is None:
        raise Invalid("An API key is not a login; ask an admin to revoke it.", code="not_a_login")
    accounts.revoke_login(current_actor().user, login_id)
    return "", 204


@api_bp.get("/auth/tokens")
@access()
def list_logins():
    login_id = current_login_id()
    items = [accounts.login_api(t, login_id) for t in accounts.logins_of(current_actor().user)]
    return jsonify({"items": items, "page": 1, "per_page": max(len(items), 1), "total": len(items)})


@api_bp.delete("/auth/tokens/<int:token_id>")
@access()
def revoke_login(token_id):
    accounts.revoke_login(current_actor().user, token_id)
    return "", 204


@api_bp.post("/auth/password")
@access()
def change_password():
    """Change the caller's password; every other login of theirs (pages and tokens) ends."""
    body = json_body()
    _only(body, {"current_password", "new_password"})
    ratelimit.hit_signed_in("password-user", str(current_actor().id), limit=10, window_seconds=300,
                            enabled=current_app.config.get("RATELIMIT_ENABLED", True))
    ended = accounts.change_password(current_actor().user, body.get("current_password"), body.get("new_password"),
                                     keep_login_id=current_login_id())
    return jsonify({"status": "changed", "other_logins_ended": ended})
