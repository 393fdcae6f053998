"""Documents attached to an application after submission, officers' downloads, and my document repository."""
from sqlalchemy import func, select

from .. import clock, policy
from ..audit.operations import record as audit
from ..errors import NotFound
from ..extensions import db
from ..models import ApplicationDocument, Document
from .documents import document_content, store_upload
from .records import find_by_ain


def add_document(actor, ain: str, doc_type: str, filename: str | None, stream, *, storage,
                 max_bytes: int, daily_quota: int | None = None) -> Document:
    """Attach a new file to an application: its submitter, its applicant or the officer acting on it.

    The permission is checked before the file is read, so a refused upload leaves nothing behind.
    """
    application = find_by_ain(ain)
    policy.check(actor, "application.add_document", application)
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
    policy.check(actor, "application.view", application)
    link = db.session.scalar(select(ApplicationDocument).where(
        ApplicationDocument.application_id == application.id, ApplicationDocument.document_id == document_id))
    if link is None:
        raise NotFound("This application has no such document.")
    return link.document, document_content(link.document, storage)


def my_documents(actor, page: int, per_page: int) -> tuple[list[Document], int]:
    query = select(Document).where(policy.own_documents(actor)).order_by(Document.id.desc())
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    return db.session.scalars(query.offset((page - 1) * per_page).limit(per_page)).all(), total


def document_api(document: Document) -> dict:
    return {"id": document.id, "type": document.type, "sha256": document.sha256, "size": document.size,
            "mime": document.mime, "filename": document.filename, "uploaded_at": clock.iso(document.uploaded_at)}
