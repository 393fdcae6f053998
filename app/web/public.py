"""Pages anyone may open: the service catalogue, tracking by AIN and certificate verification."""
from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import policy
from ..accounts import ratelimit
from ..catalogue import operations as catalogue
from ..certificates import lookup as certificate_lookup
from ..certificates import qrkeys
from ..errors import DomainError, TooMany
from ..intake import ain as ain_codes
from ..intake import records
from . import queries
from .access import PUBLIC, current_actor, page_access

public_bp = Blueprint("public", __name__)


def _limit(bucket: str) -> None:
    """Tracking and verifying are rate-limited per address (generous: kiosks share one)."""
    ratelimit.public_lookup(bucket, request.remote_addr, current_app.config)


@public_bp.get("/")
@page_access(PUBLIC)
def home():
    services, _total = catalogue.list_services(1, 200)
    return render_template("public/home.html", services=services)


@public_bp.get("/track")
@page_access(PUBLIC)
def track():
    raw = request.args.get("ain", "").strip()
    result = error = None
    status = 200
    if raw:
        try:
            _limit("track-ip")
        except TooMany as exc:
            return render_template("public/track.html", ain=raw, result=None, error=exc.message), 429
        application = records.find_by_ain(raw)
        if application is None:
            status = 404
            error = (_("Check the AIN: its last character does not match (a mistyped or swapped character?).")
                     if ain_codes.looks_like_ain(raw) else
                     _("No application has this AIN. An AIN looks like HHA012-2026-0000042-7."))
        else:
            result = records.track_api(application)
            result["expected_by_dt"] = records.expected_by(application)
            result["submitted_at_dt"] = application.submitted_at
            result["updated_at_dt"] = application.updated_at
            certificate = records.latest_certificate(application)   # the API's answer, and its date to show
            result["revoked_at_dt"] = certificate.revoked_at if certificate is not None else None
            result["may_view"] = current_user.is_authenticated and policy.may(current_actor(), "application.view", application)
    return render_template("public/track.html", ain=raw, result=result, error=error), status


@public_bp.get("/verify")
@page_access(PUBLIC)
def verify_form():
    uin = request.args.get("uin", "").strip()
    if uin and _application_number(uin):
        return _not_a_uin(uin)
    if uin:
        return redirect(url_for("public.verify", uin="".join(uin.split()).upper()))
    return render_template("public/verify.html", uin="", certificate=None, looked_up=False)


def _application_number(text: str) -> str | None:
    """The AIN when someone typed an application number where a certificate number goes."""
    if not ain_codes.looks_like_ain(text):
        return None
    return ain_codes.normalise(text) or ain_codes.look_alike(text) or text.strip().upper()


def _not_a_uin(text: str):
    """An AIN typed into verify: say so, and link to tracking (not a 404 for a cut-off number)."""
    return render_template("public/verify.html", uin=text, certificate=None, looked_up=False,
                           ain=_application_number(text)), 200


@public_bp.post("/verify")
@page_access(PUBLIC)
def verify_upload():
    """Check an uploaded certificate PDF: signature, match with the issued record, revocation."""
    try:
        _limit("verify-ip")
        upload = request.files.get("file")
        result = certificate_lookup.verify_upload(upload.read() if upload else b"", current_app.config)
    except DomainError as exc:
        return render_template("public/verify.html", uin="", certificate=None, looked_up=False,
                               error=_("Choose the certificate PDF file to check.") if exc.status in (415, 422)
                               else exc.message), exc.status
    certificate = queries.certificate_public(result["uin"]) if result["uin"] else None
    return render_template("public/verify.html", uin=result["uin"] or "", certificate=certificate,
                           looked_up=False, upload=result)


@public_bp.get("/verify/<uin>")
@page_access(PUBLIC)
def verify(uin):
    try:
        _limit("verify-ip")
    except TooMany as exc:
        return render_template("public/verify.html", uin=uin, certificate=None, looked_up=False,
                               error=exc.message), 429
    if _application_number(uin):
        return _not_a_uin(uin)
    certificate = queries.certificate_public(uin)
    # The QR's signed fragment (#1:…) never reaches the server: the page checks it with these.
    return render_template("public/verify.html", uin=uin, certificate=certificate, looked_up=True,
                           qr_keys=qrkeys.key_set(current_app.config),
                           qr_record=queries.qr_record(certificate)), 200 if certificate else 404


@public_bp.get("/.well-known/pravah-keys.json")
@page_access(PUBLIC)
def qr_keys():
    """The JWK Set of the keys that sign QR payloads (current first, then previous ones still trusted)."""
    response = jsonify(qrkeys.key_set(current_app.config))
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response
