"""Applying (citizens for themselves, operators on a citizen's behalf), my applications, an
application's page, resubmission and the downloads (acknowledgement, documents, certificate)."""
import io
import uuid
from datetime import datetime, time, timezone

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock, policy
from ..accounts.mobile import e164
from ..accounts.otp import verified_mobile_of
from ..catalogue import operations as catalogue
from ..errors import DomainError, Invalid, NotFound, StorageUnavailable
from ..inputs import day_from_text, text_problems
from ..intake import aadhaar
from ..intake import operations as intake
from ..intake import records
from ..intake.document_checks import download_name
from ..intake.documents import document_content, store_upload
from ..intake.complaints import complaints_of
from ..intake.enquiry import eo_report
from ..models.application import CHANNELS
from ..storage import storage_for
from . import forms, queries
from .access import AUTHENTICATED, current_actor, page_access
from .edge import keep_changes
from .i18n import IST

applicant_bp = Blueprint("applicant", __name__)

OPERATOR_CHANNELS = tuple(c for c in CHANNELS if c != "WEB")


def _default_channel(actor) -> str:
    levels = {p.office.level for p in actor.postings if p.role == "OPERATOR"}
    for level, channel in (("CSC", "CSC"), ("BSK", "BSK"), ("KIOSK", "KIOSK"), ("GP", "GP")):
        if level in levels:
            return channel
    return "CSC"


def _envelope(form) -> dict:
    """The applicant, location, channel and Tatkal parts of a posted application form."""
    applicant = {"name": form.get("applicant.name", "").strip()}
    for key in ("mobile", "email", "aadhaar"):
        value = form.get(f"applicant.{key}", "").strip()
        if value:
            applicant[key] = value
    applicant["language"] = form.get("applicant.language") if form.get("applicant.language") in ("en", "bn") else "en"
    return {"applicant": applicant, "lgd_code": form.get("location", "").strip(),
            "channel": form.get("channel") or None, "tatkal": form.get("tatkal") == "on"}


def _citizen_envelope(actor) -> dict:
    """A citizen's own form: the mobile they proved, in the field's own form (ten digits); the name
    only when the account has a real one (an OTP account is called "Citizen <number>", which must
    never print on a certificate)."""
    mobile = e164(verified_mobile_of(actor.id) or current_user.mobile or "")
    name = current_user.name or ""
    if mobile and name == f"Citizen {mobile[3:]}":
        name = ""
    return {"applicant": {"name": name, "mobile": mobile[3:] if mobile else "", "language": current_user.language}}


def _size(upload) -> int:
    upload.stream.seek(0, 2)
    size = upload.stream.tell()
    upload.stream.seek(0)
    return size


def _over_limits(service, actor) -> dict[str, str]:
    """Field errors for chosen files over the per-file limit, or over the application's total with
    the files kept from an earlier post; nothing is stored when the total is over."""
    cfg, errors, total = current_app.config, {}, 0
    chosen = {}
    for doc in service.documents or []:
        upload = request.files.get(f"file.{doc['type']}")
        if upload is not None and upload.filename:
            chosen[doc["type"]] = _size(upload)
            if chosen[doc["type"]] > cfg["MAX_UPLOAD_BYTES"]:
                errors[f"documents.{doc['type']}"] = "too large"
        elif (request.form.get(f"doc.{doc['type']}") or "").isdigit():
            total += queries.document_size(actor, int(request.form[f"doc.{doc['type']}"]))
    total += sum(chosen.values())
    if total > cfg["MAX_APPLICATION_UPLOAD_BYTES"]:
        errors.update({f"documents.{t}": "together too large" for t in chosen})
    return errors


def _documents(service, actor) -> tuple[dict[str, int], dict[str, str]]:
    """Store newly chosen files; keep earlier uploads named in hidden fields. :returns: ids, errors.

    A file over the limits is refused beside its field and, when the total is over, no new file is
    stored; the files kept from an earlier post stay offered.
    """
    errors = _over_limits(service, actor)
    store_new = not errors
    ids = {}
    cfg = current_app.config
    for doc in service.documents or []:
        doc_type = doc["type"]
        upload = request.files.get(f"file.{doc_type}")
        if store_new and upload is not None and upload.filename:
            try:
                stored = store_upload(actor.user, doc_type, upload.filename, upload.stream,
                                      storage=storage_for(cfg), max_bytes=cfg["MAX_UPLOAD_BYTES"],
                                      daily_quota=cfg["DAILY_UPLOAD_QUOTA"])
                ids[doc_type] = stored.id
            except StorageUnavailable:
                raise   # the whole page says so (web edge), not one field
            except DomainError as exc:  # Invalid, TooLarge, UnsupportedType: shown beside the field
                errors[f"documents.{doc_type}"] = next(iter(exc.fields.values()), exc.message)
        elif (request.form.get(f"doc.{doc_type}") or "").isdigit():
            ids[doc_type] = int(request.form[f"doc.{doc_type}"])
        if doc_type not in ids and doc.get("required") and f"documents.{doc_type}" not in errors:
            errors[f"documents.{doc_type}"] = "is required"
    return ids, errors


def _form_page(service, schema, *, values, envelope, errors, doc_ids, status=200, message=None):
    actor = current_actor()
    cfg = current_app.config
    return render_template(
        "applicant/apply.html", service=service, schema=schema,
        max_file_mb=cfg["MAX_UPLOAD_BYTES"] // (1024 * 1024),
        max_total_mb=cfg["MAX_APPLICATION_UPLOAD_BYTES"] // (1024 * 1024),
        fields=forms.fields(schema, values, errors), envelope=envelope, errors=errors, doc_ids=doc_ids,
        gp_choices=queries.gp_choices(), channels=OPERATOR_CHANNELS if actor.has_role("OPERATOR") else (),
        default_channel=_default_channel(actor), token=request.form.get("token") or uuid.uuid4().hex,
        message=message), status


@applicant_bp.route("/apply/<key>", methods=["GET", "POST"])
@page_access(roles=policy.SUBMITTERS)
def apply(key):
    service = catalogue.get_service(key)
    schema = catalogue.application_form(key)
    actor = current_actor()
    if request.method == "GET":
        envelope = _citizen_envelope(actor) if actor.has_role("CITIZEN") else {"applicant": {"language": "bn"}}
        return _form_page(service, schema, values={}, envelope=envelope, errors={}, doc_ids={})
    values = forms.parse(schema, request.form)
    envelope = _envelope(request.form)
    step = request.form.get("step", "review")
    if step.startswith(("add:", "remove:")):  # a row added or removed without the page's script
        doc_ids, doc_errors = _documents(service, actor)   # files chosen so far are kept, not lost
        return _form_page(service, schema, values=forms.change_rows(schema, request.form, step), envelope=envelope,
                          errors={k: v for k, v in doc_errors.items() if v != "is required"}, doc_ids=doc_ids)
    if step == "edit":
        return _form_page(service, schema, values=values, envelope=envelope, errors={},
                          doc_ids={d["type"]: request.form.get(f"doc.{d['type']}") for d in service.documents})
    doc_ids, errors = _documents(service, actor)
    if step == "submit" and not errors:
        payload = {"service": key, "applicant": envelope["applicant"], "location": {"lgd_code": envelope["lgd_code"]},
                   "data": values, "documents": [{"type": t, "id": i} for t, i in doc_ids.items()],
                   "tatkal": envelope["tatkal"]}
        if envelope["channel"] and actor.has_role("OPERATOR"):
            payload["channel"] = envelope["channel"]
        try:
            application = intake.submit(actor, payload, idempotency_key=request.form.get("token"),
                                        settings=current_app.config)
        except Invalid as exc:
            keep_changes()
            return _form_page(service, schema, values=values, envelope=envelope, errors=exc.fields,
                              doc_ids=doc_ids, status=422, message=_("The application is not complete. "
                                                                     "Please correct the fields marked below."))
        flash(_("Application submitted. Your AIN is %(ain)s.", ain=application.ain), "success")
        return redirect(url_for("applicant.detail", ain=application.ain))
    from ..formschema import field_errors
    errors.update(field_errors(schema, values))
    applicant = envelope["applicant"]
    errors.update(text_problems(applicant, prefix="applicant.", single_line=set(applicant)))
    if len(applicant["name"]) < 2:
        errors["applicant.name"] = "is required"
    # the checks intake makes at submission, here at review so the field is marked at once
    if envelope["applicant"].get("aadhaar") and aadhaar.normalise(envelope["applicant"]["aadhaar"]) is None:
        errors["applicant.aadhaar"] = "is not a valid Aadhaar number"
    if envelope["applicant"].get("mobile") and e164(envelope["applicant"]["mobile"]) is None:
        errors["applicant.mobile"] = "must be a 10-digit Indian mobile number"
    if not envelope["lgd_code"]:
        errors["location.lgd_code"] = "is required"
    if errors:
        keep_changes()
        return _form_page(service, schema, values=values, envelope=envelope, errors=errors, doc_ids=doc_ids,
                          status=422, message=_("Please correct the fields marked below."))
    keep_changes()
    location = next((gp for _block, gps in queries.gp_choices() for gp in gps
                     if gp.lgd_code == envelope["lgd_code"]), None)
    return render_template("applicant/review.html", service=service, schema=schema, values=values,
                           rows=forms.describe(schema, values), hidden=forms.hidden(values), envelope=envelope,
                           location=location,
                           doc_ids=doc_ids, token=request.form.get("token") or uuid.uuid4().hex)


def _visible(ain: str):
    application = records.find_by_ain(ain)
    policy.check(current_actor(), "application.view", application,
                 missing=_("There is no such application that you may see."))
    return application


@applicant_bp.get("/applications/<ain>")
@page_access(AUTHENTICATED)
def detail(ain):
    return _detail_page(_visible(ain))


def _detail_page(application, *, status=200, feedback_errors=None, feedback_values=None):
    from ..intake.feedback import feedback_of
    actor = current_actor()
    schema = application.instance.version.forms.get(application.service.key, {}) if application.instance else {}
    certificate = queries.certificate_of(application)
    return render_template("applicant/detail.html", application=application,
                           rows=forms.describe(schema, application.data or {}),
                           history=queries.history_rows(application), certificate=certificate,
                           report=eo_report(application), complaints=complaints_of(application),
                           expected_by=records.expected_by(application),
                           applicant_side=policy.is_owner(actor, application),
                           open_items=[w for w in application.work_items if w.closed_at is None],
                           feedback=feedback_of(application), feedback_errors=feedback_errors or {},
                           feedback_values=feedback_values or {},
                           may_recall=queries.recallable(actor, application) is not None,
                           may_audit=policy.may(actor, "application.audit", application),
                           may_revoke=certificate is not None and queries.may_revoke(actor, certificate)), status


@applicant_bp.post("/applications/<ain>/feedback")
@page_access(roles=policy.SUBMITTERS)
def feedback(ain):
    """The applicant side rates a delivered service once (1–5, optional comment)."""
    from ..intake.feedback import give_feedback
    application = _visible(ain)
    values = {"rating": request.form.get("rating", ""), "comment": request.form.get("comment", "")}
    try:
        give_feedback(current_actor(), ain, {k: v for k, v in values.items() if v != ""})
    except Invalid as exc:
        return _detail_page(application, status=422, feedback_errors=exc.fields, feedback_values=values)
    flash(_("Thank you. Your feedback was recorded."), "success")
    return redirect(url_for("applicant.detail", ain=application.ain))


@applicant_bp.get("/applications/<ain>/acknowledgement.pdf")
@page_access(AUTHENTICATED)
def acknowledgement(ain):
    from ..certificates.lookup import acknowledgement_for
    application = _visible(ain)
    pdf = acknowledgement_for(application, current_app.config)
    return current_app.response_class(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="acknowledgement-{application.ain}.pdf"'})


@applicant_bp.get("/applications/<ain>/documents/<int:document_id>")
@page_access(AUTHENTICATED)
def document(ain, document_id):
    application = _visible(ain)
    link = next((d for d in application.documents if d.document_id == document_id), None)
    if link is None:
        abort(404)
    content = document_content(link.document, storage_for(current_app.config))
    # Always a download under a generated name: an upload is never opened as a page of this site.
    # (Images still show in an <img> on the task page; a PDF preview opens the download.)
    return send_file(io.BytesIO(content), mimetype=link.document.mime, as_attachment=True,
                     download_name=download_name(link.document))


@applicant_bp.get("/applications/<ain>/certificate.pdf")
@page_access(AUTHENTICATED)
def certificate(ain):
    from ..certificates.operations import certificate_pdf
    application = _visible(ain)
    found = queries.certificate_of(application)
    if found is None:
        raise NotFound(_("No certificate has been issued for this application yet."))
    return send_file(io.BytesIO(certificate_pdf(current_app.config, found)), mimetype="application/pdf",
                     download_name=f"certificate-{found.uin}.pdf")


@applicant_bp.route("/applications/<ain>/resubmit", methods=["GET", "POST"])
@page_access(roles=policy.SUBMITTERS)
def resubmit(ain):
    application = _visible(ain)
    schema = application.instance.version.forms.get(application.service.key, {})
    values, errors, status, message = dict(application.data or {}), {}, 200, None
    step = request.form.get("step", "")
    if request.method == "POST" and step.startswith(("add:", "remove:")):  # rows changed without the script
        values = forms.change_rows(schema, request.form, step)
    elif request.method == "POST":
        values = forms.parse(schema, request.form)
        errors = _replacement_documents(application)
        if errors:  # the page answers 422, so the files attached so far are rolled back with the rest
            from ..formschema import field_errors
            errors = {**field_errors(schema, values), **errors}
        else:
            try:
                intake.resubmit(current_actor(), ain, {"data": values, "remarks": request.form.get("remarks") or None},
                                current_app.config)
            except Invalid as exc:
                errors = exc.fields
            else:
                flash(_("Your corrected application was sent again."), "success")
                return redirect(url_for("applicant.detail", ain=application.ain))
        status, message = 422, _("Please correct the fields marked below.")
        if any(f.filename for f in request.files.values()):
            message += " " + _("Choose the replacement files again.")
    remarks = next((h["remarks"] for h in reversed(records.history(application)) if h["action"] == "send_back"), None)
    return render_template("applicant/resubmit.html", application=application, remarks=remarks,
                           fields=forms.fields(schema, values, errors), errors=errors, message=message), status


def _replacement_documents(application) -> dict[str, str]:
    """Attach the files chosen on the resubmit page (same operation as ``POST .../documents``).

    :returns: field errors by ``documents.<type>``; a refused file leaves the rest to be rolled back.
    """
    from ..errors import TooLarge, TooMany, UnsupportedType
    from ..intake.application_documents import add_document
    cfg, errors = current_app.config, {}
    for doc in application.service.documents or []:
        upload = request.files.get(f"file.{doc['type']}")
        if upload is None or not upload.filename:
            continue
        try:
            add_document(current_actor(), application.ain, doc["type"], upload.filename, upload.stream,
                         storage=storage_for(cfg), max_bytes=cfg["MAX_UPLOAD_BYTES"],
                         daily_quota=cfg["DAILY_UPLOAD_QUOTA"])
        except (Invalid, TooLarge, TooMany, UnsupportedType) as exc:
            errors[f"documents.{doc['type']}"] = next(iter(exc.fields.values()), exc.message)
    return errors


@applicant_bp.get("/my/applications")
@page_access(roles=policy.SUBMITTERS)
def my_applications():
    actor = current_actor()
    day = None
    day_text = request.args.get("day", "")
    if actor.has_role("OPERATOR"):
        chosen = day_from_text(day_text) if day_text else clock.now().astimezone(IST).date()
        day_text = chosen.isoformat()
        day = datetime.combine(chosen, time(0), IST).astimezone(timezone.utc)
    items, total = queries.my_applications(actor, day=day, per_page=200)
    services, _total = catalogue.list_services(1, 200)
    return render_template("applicant/mine.html", items=items, total=total, day=day_text, services=services,
                           operator=actor.has_role("OPERATOR"))


@applicant_bp.post("/applications/<ain>/complaint")
@page_access(roles=policy.SUBMITTERS)
def complaint(ain):
    """The applicant complains about a rejection (SoP §8.7); the district's officers see it."""
    from ..intake import complaints
    try:
        complaints.file_complaint(current_actor(), ain, {"text": request.form.get("text", "")})
    except Invalid:
        flash(_("Describe the complaint in 10 to 4000 characters."), "error")
    else:
        flash(_("Your complaint was registered. The district office will look into it."), "success")
    return redirect(url_for("applicant.detail", ain=ain))
