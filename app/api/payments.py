"""Fees: the applicant's payment, the gateway's signed callback, refunds (ADMIN)."""
from flask import jsonify, request

from .. import policy
from ..intake import records
from ..payments import operations as payments
from . import api_bp
from .applications import _visible
from .edge import PUBLIC, access, base_url, current_actor, settings


@api_bp.get("/applications/<ain>/payment")
@access()
def payment_status(ain):
    payment = payments.current(_visible(ain))
    if payment is None:
        return jsonify({"error": {"code": "not_found", "message": "This application has no fee to pay."}}), 404
    return jsonify(payments.api(payment))


@api_bp.post("/applications/<ain>/payment")
@access()
def start_payment(ain):
    """The applicant's side opens the gateway order and gets the address to pay at."""
    application = records.find_by_ain(ain)
    policy.check(current_actor(), "application.as_applicant", application,
                 refused="Only the applicant or whoever filed the application pays its fee.")
    payment = payments.start(application, settings(), f"{base_url()}/api/v1/payments/callback")
    return jsonify(payments.api(payment))


@api_bp.post("/payments/callback")
@access(PUBLIC)
def payment_callback():
    """The gateway's notice, signed with HMAC-SHA256 over the raw body (``X-Signature``)."""
    return jsonify(payments.callback(request.get_data(cache=False, as_text=False)[:65536],
                                     request.headers.get("X-Signature"), settings()))


@api_bp.get("/payments/refunds")
@access(roles=policy.REFUNDERS)
def refunds_due():
    rows = [payments.api(p) for p in payments.refunds_due(current_actor())]
    return jsonify({"items": rows, "page": 1, "per_page": max(len(rows), 1), "total": len(rows)})


@api_bp.post("/payments/<int:payment_id>/refunded")
@access(roles=policy.REFUNDERS)
def mark_refunded(payment_id):
    return jsonify(payments.api(payments.mark_refunded(current_actor(), payment_id)))
