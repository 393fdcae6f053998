"""POST /api/v1/auth/otp and /api/v1/auth/otp/verify — citizen login by SMS code."""
from flask import current_app, jsonify, request

from .. import clock
from ..accounts import otp, ratelimit
from ..accounts.operations import user_api
from ..accounts.tokens import SessionPolicy
from ..errors import Invalid
from . import api_bp
from .edge import PUBLIC, access, json_body

#: (bucket, limit, window seconds): per number and per client address.
REQUEST_LIMITS = (("otp-request-mobile", 3, 900), ("otp-request-ip", 20, 3600))
VERIFY_LIMITS = (("otp-verify-mobile", 10, 900), ("otp-verify-ip", 50, 900))


def _fields(body: dict, allowed: set) -> None:
    unknown = set(body) - allowed
    if unknown:
        raise Invalid("Unknown fields.", fields={k: "unknown field" for k in sorted(unknown)})


def _limit(limits, mobile) -> None:
    enabled = current_app.config.get("RATELIMIT_ENABLED", True)
    subjects = {"mobile": "".join(ch for ch in str(mobile or "") if ch.isdigit())[-10:] or "?",
                "ip": request.remote_addr or "?"}
    for bucket, limit, window in limits:
        ratelimit.hit(bucket, subjects[bucket.rsplit("-", 1)[1]], limit=limit, window_seconds=window, enabled=enabled)


@api_bp.post("/auth/otp")
@access(PUBLIC)
def otp_request():
    body = json_body()
    _fields(body, {"mobile", "language"})
    _limit(REQUEST_LIMITS, body.get("mobile"))
    language = body.get("language") if body.get("language") in ("en", "bn") else "en"
    otp.request_code(body.get("mobile"), language=language, secret=current_app.config["SECRET_KEY"])
    return jsonify({"status": "queued", "expires_in": otp.TTL_SECONDS,
                    "message": "If this number can receive SMS, a login code is on its way."}), 202


@api_bp.post("/auth/otp/verify")
@access(PUBLIC)
def otp_verify():
    body = json_body()
    _fields(body, {"mobile", "otp"})
    _limit(VERIFY_LIMITS, body.get("mobile"))
    mobile, candidates = otp.spend_attempt(body.get("mobile"), body.get("otp"))
    raw, token_row, user = otp.verify_code(mobile, body["otp"], candidates, secret=current_app.config["SECRET_KEY"],
                                           token_hours=current_app.config["TOKEN_HOURS"],
                                           policy=SessionPolicy.from_config(current_app.config))
    return jsonify({"token": raw, "expires_at": clock.iso(token_row.expires_at), "user": user_api(user)})
