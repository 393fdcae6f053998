"""Complaints on rejected applications (SoP §8.7): filed by the applicant side, read by DM/SDO offices."""
from sqlalchemy import func, select

from .. import clock, policy
from ..audit.operations import record as audit
from ..errors import Conflict, Invalid
from ..extensions import db
from ..inputs import check_text
from ..models import Complaint
from .records import find_by_ain


def file_complaint(actor, ain: str, payload: dict) -> Complaint:
    """Record the applicant's (or submitter's) complaint on a REJECTED application.

    :raises Conflict: ``not_rejected`` when the application is not rejected, ``complaint_exists`` on a repeat.
    """
    if not isinstance(payload, dict) or set(payload) - {"text"}:
        raise Invalid("Send only the text of the complaint.",
                      fields={k: "unknown field" for k in set(payload or {}) - {"text"}})
    text = payload.get("text")
    if not isinstance(text, str) or not 10 <= len(text.strip()) <= 4000:
        raise Invalid("Describe the complaint in 10 to 4000 characters.",
                      fields={"text": "is required (10–4000 characters)"})
    check_text("text", text)
    application = find_by_ain(ain)
    policy.check(actor, "application.as_applicant", application, missing="There is no such application of yours.",
                 refused="Only the applicant or whoever submitted the application may complain about it.")
    if application.status != "REJECTED":
        raise Conflict("A complaint can be filed only on a rejected application.", code="not_rejected")
    if db.session.scalar(select(Complaint.id).where(Complaint.application_id == application.id,
                                                    Complaint.status == "OPEN").limit(1)):
        raise Conflict("A complaint on this application is already open.", code="complaint_exists")
    location = application.location
    district, subdivision = location.ancestor_at("DISTRICT"), location.ancestor_at("SUBDIVISION")
    complaint = Complaint(application_id=application.id, text=text.strip(), filed_by_id=actor.id,
                          filed_at=clock.now(), district_id=district.id if district else None,
                          subdivision_id=subdivision.id if subdivision else None, status="OPEN")
    db.session.add(complaint)
    db.session.flush()
    audit("complaint", "application", application.ain, actor=actor, role=actor.primary_role,
          stage=application.stage, remarks=complaint.text, data={"complaint_id": complaint.id})
    return complaint


def list_complaints(actor, page: int, per_page: int) -> tuple[list[Complaint], int]:
    """Complaints from the districts of the actor's DM postings and the subdivisions of their SDO postings."""
    policy.require_role(actor, policy.COMPLAINT_READERS)
    query = select(Complaint).where(policy.visible_complaints(actor)).order_by(Complaint.filed_at.desc(), Complaint.id.desc())
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    return db.session.scalars(query.offset((page - 1) * per_page).limit(per_page)).all(), total


def answer_complaint(actor, complaint_id: int, payload: dict) -> Complaint:
    """A DM or SDO who sees the complaint answers it; the answer closes it and the applicant reads it
    on their application page.

    :raises NotFound: no such complaint in the actor's district or subdivision.
    :raises Invalid: no answer, or not 10–4000 characters. :raises Conflict: ``complaint_closed``.
    """
    policy.require_role(actor, policy.COMPLAINT_READERS)
    if not isinstance(payload, dict) or set(payload) - {"answer"}:
        raise Invalid("Send only the answer.", fields={k: "unknown field" for k in set(payload or {}) - {"answer"}})
    text = payload.get("answer")
    if not isinstance(text, str) or not 10 <= len(text.strip()) <= 4000:
        raise Invalid("Write the answer in 10 to 4000 characters.", fields={"answer": "is required (10–4000 characters)"})
    complaint = db.session.get(Complaint, complaint_id) if 0 < complaint_id < 2**63 else None
    policy.check(actor, "complaint.answer", complaint)
    if complaint.status != "OPEN":
        raise Conflict("This complaint has already been answered and closed.", code="complaint_closed")
    complaint.answer, complaint.answered_by_id, complaint.answered_at = text.strip(), actor.id, clock.now()
    complaint.status = "CLOSED"
    db.session.flush()
    audit("complaint_answered", "application", complaint.application.ain, actor=actor, role=actor.primary_role,
          stage=complaint.application.stage, remarks=complaint.answer, data={"complaint_id": complaint.id})
    return complaint


def complaints_of(application) -> list[Complaint]:
    return list(db.session.scalars(select(Complaint).where(Complaint.application_id == application.id)
                                   .order_by(Complaint.id)))


def complaint_api(complaint: Complaint) -> dict:
    application = complaint.application
    return {"id": complaint.id, "ain": application.ain, "service": application.service.key,
            "text": complaint.text, "status": complaint.status, "filed_at": clock.iso(complaint.filed_at),
            "filed_by": complaint.filed_by.username, "applicant_name": application.applicant_name,
            "decision_reason": application.decision_reason, "answer": complaint.answer,
            "answered_by": complaint.answered_by.username if complaint.answered_by else None,
            "answered_at": clock.iso(complaint.answered_at),
            "location": application.location.to_api()}
