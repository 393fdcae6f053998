"""``POST /digilocker/pulluri`` and ``/digilocker/pulldoc``: DigiLocker's calls, authenticated by HMAC.

Only DigiLocker holds ``PRAVAH_DIGILOCKER_API_KEY``; a request whose ``x-digilocker-hmac`` is not
the base64 HMAC-SHA256 of its exact body is refused with 401 before the XML is read.
"""
from flask import Blueprint, Response, current_app, request

from ..api.edge import PUBLIC, access
from . import operations
from .xmlio import BadRequestXml

digilocker_bp = Blueprint("digilocker", __name__, url_prefix="/digilocker")


def _xml(body: bytes, status: int = 200) -> Response:
    response = Response(body, status=status, mimetype="application/xml")
    response.headers["Cache-Control"] = "no-store"
    return response


def _error(status: int, message: str) -> Response:
    text = message.replace("&", "&amp;").replace("<", "&lt;")
    return _xml(f'<?xml version="1.0" encoding="UTF-8"?><Error status="{status}">{text}</Error>'.encode(), status)


def _answer(handler):
    body = request.get_data(cache=False)
    if not operations.hmac_ok(body, request.headers.get("x-digilocker-hmac"),
                              current_app.config.get("DIGILOCKER_API_KEY")):
        return _error(401, "x-digilocker-hmac does not match the request body.")
    try:
        return _xml(handler(body, current_app.config))
    except BadRequestXml as exc:
        return _error(400, str(exc))


@digilocker_bp.post("/pulluri")
@access(PUBLIC)
def pull_uri():
    """Public route; authenticated by the request's HMAC (checked first)."""
    return _answer(operations.pull_uri)


@digilocker_bp.post("/pulldoc")
@access(PUBLIC)
def pull_doc():
    return _answer(operations.pull_doc)
