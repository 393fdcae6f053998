"""Documents, applications, history, tracking and resubmission."""
from flask import jsonify, request

from .. import clock, policy
from ..accounts import ratelimit
from ..accounts.mobile import e164
from ..errors import Invalid, NotFound
from ..intake import ain as ain_codes
from ..intake import operations as intake
from ..intake import records
from ..intake.listing import visible_applications
from ..intake.documents import store_upload
from ..storage import storage_for
from . import api_bp
from .edge import PUBLIC, access, base_url, current_actor, json_body, page_body, paging, settings



@api_bp.post("/documents")
@access(roles=(*policy.SUBMITTERS, policy.API_KEY))
def upload_document():
    upload = request.files.get("file")
    if upload is None:
        raise Invalid("Attach the file as multipart field 'file'.", fields={"file": "is required"})
    cfg = settings()
    document = store_upload(current_actor().user, request.form.get("type", "").strip(), upload.filename,
                            upload.stream, storage=storage_for(cfg), max_bytes=cfg["MAX_UPLOAD_BYTES"],
                            daily_quota=cfg["DAILY_UPLOAD_QUOTA"])
    return jsonify({"id": document.id, "type": document.type, "sha256": document.sha256,
                    "size": document.size}), 201


@api_bp.post("/applications")
@access(roles=(*policy.SUBMITTERS, policy.API_KEY))
def submit():
    application = intake.submit(current_actor(), json_body(), idempotency_key=request.headers.get("Idempotency-Key"),
                                settings=settings())
    return jsonify(_receipt(application)), 201


def _receipt(application) -> dict:
    return {"ain": application.ain, "status": application.status, "stage": application.stage,
            "submitted_at": clock.iso(application.submitted_at),
            "acknowledgement_url": f"{base_url()}/api/v1/applications/{application.ain}/acknowledgement.pdf"}


def _visible(ain: str):
    application = records.find_by_ain(ain)
    policy.check(current_actor(), "application.view", application)
    return application


@api_bp.get("/applications")
@access()
def list_applications():
    """What the caller may see (citizen: on their verified mobile; submitter: what they filed;
    officer: their jurisdiction), newest first; ``?mobile=`` keeps the applicant's with that mobile."""
    page, per_page = paging()
    mobile = request.args.get("mobile")
    if mobile is not None:
        mobile = e164(mobile)
        if mobile is None:
            raise Invalid("Give a 10-digit Indian mobile number.", fields={"mobile": "must be a 10-digit mobile number"})
    rows, total = visible_applications(current_actor(), page=page, per_page=per_page, mobile=mobile)
    base = base_url()
    return jsonify(page_body([records.detail_api(a, base) for a in rows], page, per_page, total))


@api_bp.get("/applications/<ain>")
@access()
def detail(ain):
    return jsonify(records.detail_api(_visible(ain), base_url()))


@api_bp.get("/applications/<ain>/history")
@access()
def history(ain):
    items = records.history(_visible(ain))
    return jsonify({"items": items, "page": 1, "per_page": len(items), "total": len(items)})


@api_bp.post("/applications/<ain>/resubmit")
@access()
def resubmit(ain):
    application = intake.resubmit(current_actor(), ain, json_body(), settings())
    return jsonify({"ain": application.ain, "status": application.status, "stage": application.stage})


@api_bp.get("/track/<ain>")
@access(PUBLIC)
def track(ain):
    ratelimit.public_lookup("track-ip", request.remote_addr, settings())
    application = records.find_by_ain(ain)
    if application is None:
        hint = ("Check the AIN: its last character does not match (a mistyped or swapped character?)."
                if ain_codes.looks_like_ain(ain) else
                "An AIN looks like HHA012-2026-0000042-7 (hyphens and case do not matter).")
        raise NotFound("No application has this AIN.", code="unknown_ain", hint=hint)
    return jsonify(records.track_api(application))
