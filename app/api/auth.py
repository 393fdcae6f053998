"""POST /api/v1/auth/token"""
from flask import current_app, jsonify, request

from .. import clock
from ..accounts import ratelimit
from ..accounts.operations import login, user_api
from ..errors import Invalid
from . import api_bp
from .edge import PUBLIC, access, json_body


@api_bp.post("/auth/token")
@access(PUBLIC)
def token():
    body = json_body()
    unknown = set(body) - {"username", "password"}
    if unknown:
        raise Invalid("Unknown fields.", fields={k: "unknown field" for k in unknown})
    enabled = current_app.config.get("RATELIMIT_ENABLED", True)
    ratelimit.hit("login-ip", request.remote_addr or "?", limit=30, window_seconds=300, enabled=enabled)
    ratelimit.hit("login-user", str(body.get("username", "")).lower()[:80], limit=10, window_seconds=300,
                  enabled=enabled)
    raw, token_row, user = login(body.get("username"), body.get("password"),
                                 token_hours=current_app.config["TOKEN_HOURS"])
    return jsonify({"token": raw, "expires_at": clock.iso(token_row.expires_at), "user": user_api(user)})
