"""The enquiry officer's report as part of the application: text, recommendation and the report
file the EO attached (a document of type ``enquiry_report``), for the approval task, the
application page and the API.

The report is what the EO's ``submit_report`` action recorded (the audit trail keeps every action
with its data); the latest one counts, so a recalled and re-done enquiry shows the new report.
"""
from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..models import Application, ApplicationDocument, AuditEvent, User

REPORT_ACTION = "submit_report"
#: The document type of an attached report file (the enquiry form's ``x-attachment``).
REPORT_DOCUMENT = "enquiry_report"


def eo_report(application: Application) -> dict | None:
    """``{"by", "by_name", "role", "at", "report", "recommendation", "document"}`` or None."""
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.object_type == "application", AuditEvent.object_key == application.ain,
        AuditEvent.action == REPORT_ACTION).order_by(AuditEvent.id.desc()).limit(1))
    if event is None:
        return None
    data = event.data if isinstance(event.data, dict) else {}
    link = db.session.scalar(select(ApplicationDocument).where(
        ApplicationDocument.application_id == application.id, ApplicationDocument.type == REPORT_DOCUMENT)
        .order_by(ApplicationDocument.id.desc()).limit(1))
    author = db.session.get(User, event.actor_id) if event.actor_id else None
    return {"by": event.actor, "by_name": author.name if author else event.actor, "role": event.role,
            "at": clock.iso(event.at), "at_dt": event.at, "report": data.get("report"),
            "recommendation": data.get("recommendation"),
            "document": {"id": link.document_id, "type": link.type, "mime": link.document.mime,
                         "size": link.document.size} if link else None}


def eo_report_api(application: Application) -> dict | None:
    found = eo_report(application)
    if found is not None:
        found.pop("at_dt")
        found.pop("by_name")
    return found
