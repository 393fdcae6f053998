"""What every API request passes through: bearer authentication, errors as JSON, one commit."""
import functools

from flask import current_app, g, jsonify, request
from sqlalchemy.exc import IntegrityError, OperationalError
from werkzeug.exceptions import HTTPException

from ..accounts.actor import Actor
from .. import policy
from ..accounts.tokens import SessionPolicy, resolve_bearer
from ..errors import DomainError, Invalid, Unauthorized
from ..extensions import db
from ..inputs import MAX_PAGE
from . import api_bp

PUBLIC = "public"

AUTHENTICATED = "authenticated"


def access(rule: str = AUTHENTICATED, *, roles: tuple[str, ...] = ()):
    """Declare and enforce who may call a route: ``public``, any authenticated actor, or ``roles``.

    The decision is the policy's (``app.policy``); handlers then check the object they load.
    """
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if rule != PUBLIC:
                actor = current_actor()
                if roles:
                    policy.require_role(actor, roles)
                else:
                    policy.require_authenticated(actor)
            return view(*args, **kwargs)
        wrapper.access_rule = (rule, roles)
        wrapper.asks_policy = True
        return wrapper
    return decorate


def current_actor() -> Actor:
    if "actor" not in g:
        header = request.headers.get("Authorization", "")
        scheme, _, raw = header.partition(" ")
        found = (resolve_bearer(raw.strip(), SessionPolicy.from_config(current_app.config))
                 if scheme.lower() == "bearer" and raw.strip() else None)
        if found is None:
            raise Unauthorized("Log in first: send 'Authorization: Bearer <token>'.")
        user, channel, g.login_id = found
        g.actor = Actor(user=user, channel=channel, ip=request.remote_addr)
    return g.actor


def current_login_id() -> int | None:
    """The id of the login token this request came with (``None`` for a partner API key)."""
    current_actor()
    return g.get("login_id")


def json_body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Invalid("Send a JSON object with Content-Type: application/json.", code="bad_json")
    return body


def paging() -> tuple[int, int]:
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", 50))
    except ValueError:
        raise Invalid("page and per_page must be numbers.", fields={"page": "must be a number"}) from None
    if not 1 <= page <= MAX_PAGE:
        raise Invalid(f"page is 1 to {MAX_PAGE}.", fields={"page": f"1 to {MAX_PAGE}"})
    if not 1 <= per_page <= 200:
        raise Invalid("page starts at 1; per_page is 1 to 200.", fields={"per_page": "1 to 200"})
    return page, per_page


def page_body(items: list, page: int, per_page: int, total: int) -> dict:
    return {"items": items, "page": page, "per_page": per_page, "total": total}


def in_own_transaction(fn) -> tuple[int, object]:
    """Run ``fn()`` and commit it alone: ``(200, its value)``, or ``(status, error body)`` rolled back.

    For bulk requests, where each item is its own unit of work and one failure must not undo or
    stop the others. The request's own commit then has nothing left to do.
    """
    try:
        value = fn()
        db.session.commit()
        return 200, value
    except DomainError as exc:
        db.session.rollback()
        return exc.status, exc.to_dict()["error"]
    except IntegrityError:
        db.session.rollback()
        return 409, {"code": "conflict", "message": "This conflicts with a change made at the same time. Try again."}
    except OperationalError:
        db.session.rollback()
        return 503, {"code": "busy", "message": "The system is busy. Please try again in a moment."}


def base_url() -> str:
    return request.host_url.rstrip("/")


def settings() -> dict:
    return current_app.config


@api_bp.errorhandler(DomainError)
def _domain_error(exc: DomainError):
    return jsonify(exc.to_dict()), exc.status


@api_bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    codes = {413: "too_large", 404: "not_found", 405: "method_not_allowed", 400: "bad_request"}
    messages = {413: "The upload is too large.", 404: "There is nothing at this address.",
                405: "This address does not accept that method."}
    body = {"error": {"code": codes.get(exc.code, "http_error"), "message": messages.get(exc.code, exc.description)}}
    return jsonify(body), exc.code


@api_bp.errorhandler(OperationalError)
def _db_busy(exc):
    db.session.rollback()
    current_app.logger.warning("database busy: %s", exc)
    return jsonify({"error": {"code": "busy", "message": "The system is busy. Please try again in a moment."}}), 503


@api_bp.after_request
def _commit(response):
    """One commit per request, at the edge; any failure status rolls everything back."""
    if response.status_code < 400:
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            response = jsonify({"error": {"code": "conflict",
                                          "message": "This conflicts with a change made at the same time. Try again."}})
            response.status_code = 409
    else:
        db.session.rollback()
    return response
