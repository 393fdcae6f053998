"""Finding applications and their API representations (who may see them is `app.policy`'s)."""
from datetime import timedelta

from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..models import Application, AuditEvent, Certificate, WorkItem
from ..sla.clock import clock_of, parse
from . import ain as ain_codes
from .enquiry import eo_report_api
from ..notifications.operations import history as notification_history


def find_by_ain(raw: str) -> Application | None:
    """The application with this AIN; a check character typed as its look-alike (``0`` for ``O``)
    is corrected when the corrected AIN exists."""
    ain = ain_codes.normalise(raw) or ain_codes.look_alike(raw)
    if ain is None:
        return None
    return db.session.scalar(select(Application).where(Application.ain == ain))


def work_item_api(item: WorkItem) -> dict:
    return {"id": item.id, "task": {"key": item.task_key, "name": item.task_name}, "role": item.role,
            "office": item.office.code if item.office else None,
            "assignee": item.assignee.username if item.assignee else None,
            "received_at": clock.iso(item.created_at), "due_at": clock.iso(item.due_at),
            "escalation_level": item.escalation_level}


def detail_api(application: Application, base_url: str) -> dict:
    open_items = [w for w in application.work_items if w.closed_at is None]
    body = {
        "ain": application.ain, "service": application.service.key, "status": application.status,
        "stage": application.stage, "stage_bn": application.stage_bn, "channel": application.channel,
        "tatkal": application.tatkal,
        "applicant": {"name": application.applicant_name, "mobile": application.applicant_mobile,
                      "email": application.applicant_email, "aadhaar": application.aadhaar_masked,
                      "language": application.language},
        "location": application.location.to_api(),
        "processing_office": application.processing_office.to_api() if application.processing_office else None,
        "data": application.data, "submitted_at": clock.iso(application.submitted_at),
        "updated_at": clock.iso(application.updated_at), "decided_at": clock.iso(application.decided_at),
        "decision_reason": application.decision_reason,
        "documents": [{"id": d.document_id, "type": d.type, "sha256": d.document.sha256, "size": d.document.size,
                       "mime": d.document.mime} for d in application.documents],
        "work_items": [work_item_api(w) for w in open_items],
        "acknowledgement_url": f"{base_url}/api/v1/applications/{application.ain}/acknowledgement.pdf",
        "certificate": _certificate_api(application, base_url),
        "notifications": notification_history(application),
        "eo_report": eo_report_api(application),
    }
    return body


def _certificate_api(application: Application, base_url: str) -> dict | None:
    """``{"uin", "status", "issued_at", "revoked_at", "pdf_url"}`` once a certificate was issued (a
    revoked one shows REVOKED)."""
    certificate = latest_certificate(application)
    if certificate is None:
        return None
    return {"uin": certificate.uin, **certificate_state(certificate),
            "pdf_url": f"{base_url}/api/v1/certificates/{certificate.uin}.pdf"}


def history(application: Application) -> list[dict]:
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.object_type == "application", AuditEvent.object_key == application.ain)
        .order_by(AuditEvent.id)).all()
    return [{"at": clock.iso(e.at), "actor": e.actor, "role": e.role, "action": e.action, "stage": e.stage,
             "remarks": e.remarks, **_out_of_turn(e), **_report(e)} for e in events]


def _report(event) -> dict:
    """The enquiry report's text and recommendation on its history row."""
    data = event.data if isinstance(event.data, dict) else {}
    if event.action != "submit_report" or not data.get("report"):
        return {}
    return {"report": data["report"], "recommendation": data.get("recommendation")}


def _out_of_turn(event) -> dict:
    """The reason an officer gave for acting out of FIFO order, and whose queue a delegate worked."""
    data = event.data if isinstance(event.data, dict) else {}
    return {k: data[k] for k in ("fifo_override_reason", "on_behalf_of") if data.get(k)}


def track_api(application: Application) -> dict:
    """What anyone may see with just the AIN: no personal data."""
    return {"ain": application.ain, "service": application.service.key,
            "service_name": {"en": application.service.name, "bn": application.service.name_bn},
            "status": application.status, "stage": application.stage, "stage_bn": application.stage_bn,
            "submitted_at": clock.iso(application.submitted_at), "updated_at": clock.iso(application.updated_at),
            "expected_by": clock.iso(expected_by(application)),
            "certificate": certificate_state(latest_certificate(application))}


def latest_certificate(application: Application) -> Certificate | None:
    """The application's latest certificate (a revoked one stays, as REVOKED)."""
    return db.session.scalar(select(Certificate).where(Certificate.application_id == application.id)
                             .order_by(Certificate.id.desc()).limit(1))


def certificate_state(certificate: Certificate | None) -> dict | None:
    """Whether the certificate stands: ``{"status": "VALID"|"REVOKED", "issued_at", "revoked_at"}``
    (the vocabulary of ``GET /api/v1/certificates/<uin>``). Track is anonymous, so no UIN: with it
    anyone holding an AIN could read the applicant's name from the certificate lookup."""
    if certificate is None:
        return None
    return {"status": certificate.status, "issued_at": clock.iso(certificate.issued_at),
            "revoked_at": clock.iso(certificate.revoked_at)}


def expected_by(application: Application):
    """When the decision is due: the last step deadline the SLA area computed (working days,
    holidays, time with the citizen excluded); the published total days from submission until then."""
    if application.status in ("APPROVED", "REJECTED", "DELIVERED"):
        return None
    sla = clock_of(application)
    dues = [parse(step.get("due")) for step in ((sla.deadlines or {}).values() if sla else ())]
    dues = [due for due in dues if due is not None]
    if dues:
        return max(dues)
    days = (application.service.sla or {}).get("total_days")
    return clock.as_utc(application.submitted_at) + timedelta(days=days) if days else None
