"""Documents attached to an application after submission, officers' downloads, and my document repository."""
from sqlalchemy import func, select

from .. import clock
from ..audit.operations import record as audit
from ..errors import Forbidden, NotFound
from ..extensions import db
from ..models import ApplicationDocument, Document, WorkItem
from .documents import document_content, store_upload
from .records import can_view, find_by_ain, is_applicant_side


def is_acting_officer(actor, application) -> bool:
    """True when the actor holds the role and office of one of the application's open tasks."""
    postings = {(p.office_id, p.role) for p in actor.user.postings}
    open_items = db.session.scalars(select(WorkItem).where(
        WorkItem.application_id == application.id, WorkItem.closed_at.is_(None))).all()
    return any((w.office_id, w.role) in postings and w.assignee_id in (None, actor.id) for w in open_items)


def add_document(actor, ain: str, doc_type: str, filename: str | None, stream, *, storage,
                 max_bytes: int, daily_quota: int | None = None) -> Document:
    """Attach a new file to an application: its submitter, its applicant or the officer acting on it.

    The permission is checked before the file is read, so a refused upload leaves nothing behind.
    """
    application = find_by_ain(ain)
    if application is None or not can_view(actor, application):
        raise NotFound("There is no such application that you may see.")
    if not (is_applicant_side(actor, application) or is_acting_officer(actor, application)):
        raise Forbidden("Only the applicant, the submitter or the officer now acting on it may add documents.")
    document = store_upload(actor.user, doc_type, filename, stream, storage=storage, max_bytes=max_bytes,
                            daily_quota=daily_quota)
    db.session.add(ApplicationDocument(application_id=application.id, document_id=document.id, type=document.type,
                                       added_at=clock.now(), added_by_id=actor.id))
    db.session.flush()
    audit("document_added", "application", application.ain, actor=actor, role=actor.primary_role,
          stage=application.stage, data={"type": document.type, "document_id": document.id})
    return document


def application_document(actor, ain: str, document_id: int, storage) -> tuple[Document, bytes]:
    """A document of an application, for anyone who may view the application."""
    application = find_by_ain(ain)
    if application is None or not can_view(actor, application):
        raise NotFound("There is no such application that you may see.")
    link = db.session.scalar(select(ApplicationDocument).where(
        ApplicationDocument.application_id == application.id, ApplicationDocument.document_id == document_id))
    if link is None:
        raise NotFound("This application has no such document.")
    return link.document, document_content(link.document, storage)


def my_documents(actor, page: int, per_page: int) -> tuple[list[Document], int]:
    query = select(Document).where(Document.owner_id == actor.id).order_by(Document.id.desc())
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    return db.session.scalars(query.offset((page - 1) * per_page).limit(per_page)).all(), total


def document_api(document: Document) -> dict:
    return {"id": document.id, "type": document.type, "sha256": document.sha256, "size": document.size,
            "mime": document.mime, "filename": document.filename, "uploaded_at": clock.iso(document.uploaded_at)}
