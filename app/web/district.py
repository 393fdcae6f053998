"""District and subdivision offices' pages: complaints on rejections (DM, SDO) and certificate
revocation (DM of the applicant's district). Thin views over ``app.intake.complaints`` and
``app.certificates.lookup``, the operations the API calls."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from .. import clock, policy
from ..certificates import lookup
from ..errors import Conflict, Invalid
from ..inputs import page_number
from ..intake import complaints as complaint_ops
from . import queries
from .access import current_actor, page_access

district_bp = Blueprint("district", __name__, url_prefix="/officer")

PER_PAGE = 50


@district_bp.get("/complaints")
@page_access(roles=policy.COMPLAINT_READERS)
def complaints():
    """Complaints on rejected applications of the districts (DM) and subdivisions (SDO) I serve."""
    page = page_number(request.args.get("page"))
    items, total = complaint_ops.list_complaints(current_actor(), page, PER_PAGE)
    next_url = url_for("district.complaints", page=page + 1) if total > page * PER_PAGE else None
    prev_url = url_for("district.complaints", page=page - 1) if page > 1 else None
    return render_template("officer/complaints.html", items=items, total=total, next_url=next_url,
                           prev_url=prev_url)


@district_bp.post("/complaints/<int:complaint_id>/answer")
@page_access(roles=policy.COMPLAINT_READERS)
def answer_complaint(complaint_id):
    """Answer a complaint; the answer closes it and the applicant reads it on their application page."""
    try:
        complaint_ops.answer_complaint(current_actor(), complaint_id, {"answer": request.form.get("answer", "")})
    except Invalid:
        flash(_("Write the answer in 10 to 4000 characters."), "error")
    except Conflict:
        flash(_("This complaint has already been answered and closed."), "info")
    else:
        flash(_("The complaint was answered and closed. The applicant sees the answer on the application page."),
              "success")
    return redirect(url_for("district.complaints"))


def _certificate_page(uin_text: str, *, errors=None, reason="", status=200, message=None):
    certificate = queries.certificate_public(uin_text) if uin_text else None
    actor = current_actor()
    return render_template("officer/certificate.html", uin=uin_text, certificate=certificate,
                           own=certificate is not None and policy.may(actor, "certificate.revoke", certificate),
                           may_revoke=certificate is not None and queries.may_revoke(actor, certificate),
                           errors=errors or {}, reason=reason, message=message), status


@district_bp.get("/certificates")
@page_access(roles=policy.REVOKERS)
def certificates():
    """Find a certificate by its UIN; the DM of the applicant's district may revoke it."""
    return _certificate_page((request.args.get("uin") or "").strip())


@district_bp.post("/certificates/<uin>/revoke")
@page_access(roles=policy.REVOKERS)
def revoke(uin):
    reason = request.form.get("reason", "")
    try:
        revoked = lookup.revoke(current_actor(), uin, reason, clock.now())
    except Invalid as exc:
        return _certificate_page(uin, errors=exc.fields, reason=reason, status=422,
                                 message=_("Please correct the fields marked below."))
    except Conflict:
        return _certificate_page(uin, status=409, message=_("This certificate has already been revoked."))
    flash(_("Certificate %(uin)s was revoked. Verification now shows it as revoked.", uin=revoked.uin), "success")
    return redirect(url_for("district.certificates", uin=revoked.uin))
