"""Uploaded documents: type checked by content, size capped, stored by content hash (app/storage)."""
import hashlib

from sqlalchemy import select

from .. import clock
from ..errors import Invalid, NotFound, TooLarge, UnsupportedType
from ..extensions import db
from ..inputs import is_db_id
from ..models import Document
from ..storage import BlobMissing
from .document_checks import check_quota, download_name, refuse_active_pdf

#: Leading bytes of the only file types we accept.
_MAGIC = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


def sniff(head: bytes) -> str | None:
    return next((mime for magic, mime in _MAGIC if head.startswith(magic)), None)


def store_upload(owner, doc_type: str, filename: str | None, stream, *, storage, max_bytes: int,
                 daily_quota: int | None = None) -> Document:
    """Check and keep an uploaded file in ``owner``'s document repository, under a generated name.

    :param filename: the uploader's name for the file; ignored (never stored or served).
    :raises TooLarge: over ``max_bytes``. :raises UnsupportedType: not PDF/JPEG/PNG by content.
    :raises Invalid: a PDF with active content. :raises TooMany: over ``daily_quota`` today.
    """
    check_quota(owner, daily_quota)
    if not doc_type or len(doc_type) > 60:
        raise Invalid("Say what kind of document this is.", fields={"type": "is required"})
    content = stream.read(max_bytes + 1)
    if len(content) > max_bytes:
        raise TooLarge(f"The file is larger than {max_bytes // (1024 * 1024)} MB.", fields={"file": "too large"})
    if not content:
        raise Invalid("The file is empty.", fields={"file": "is empty"})
    mime = sniff(content[:16])
    if mime is None:
        raise UnsupportedType("Only PDF, JPEG and PNG files are accepted.", fields={"file": "not a PDF, JPEG or PNG file"})
    if mime == "application/pdf":
        refuse_active_pdf(content)
    digest = hashlib.sha256(content).hexdigest()
    storage.put(document_key(digest), content)
    document = Document(owner_id=owner.id, type=doc_type, filename=None, sha256=digest,
                        size=len(content), mime=mime, uploaded_at=clock.now())
    db.session.add(document)
    db.session.flush()
    document.filename = download_name(document)
    return document


def owned_documents(owner, refs: list) -> list[tuple[str, Document]]:
    """Resolve ``[{"type", "id"}]`` against the owner's repository; refuses anything not theirs."""
    if not isinstance(refs, list):
        raise Invalid("documents must be a list.", fields={"documents": "must be a list of {type, id}"})
    resolved, errors = [], {}
    wanted = [ref["id"] for ref in refs if isinstance(ref, dict) and is_db_id(ref.get("id"))]
    # One statement for all of them (not one per document); the owner is checked below, per item.
    found = {d.id: d for d in db.session.scalars(select(Document).where(Document.id.in_(wanted)))} if wanted else {}
    for index, ref in enumerate(refs):
        if not isinstance(ref, dict) or set(ref) - {"type", "id"} or "id" not in ref:
            errors[f"documents.{index}"] = "must be {type, id}"
            continue
        document = found.get(ref["id"]) if is_db_id(ref["id"]) else None
        if document is None or document.owner_id != owner.id:
            errors[f"documents.{index}.id"] = "no such document in your uploads"
            continue
        if any(seen.id == document.id for _, seen in resolved):
            errors[f"documents.{index}.id"] = "this document is listed twice; upload it again for a second item"
            continue
        resolved.append((ref.get("type") or document.type, document))
    if errors:
        raise Invalid("Some documents could not be found.", fields=errors)
    return resolved


def document_key(sha256: str) -> str:
    """Storage key of a document's bytes (the layout the filesystem backend has always used)."""
    return f"documents/{sha256[:2]}/{sha256}"


def document_content(document: Document, storage) -> bytes:
    """:raises NotFound: the stored file is missing. :raises StorageUnavailable: the store does not answer."""
    try:
        return storage.get(document_key(document.sha256))
    except BlobMissing as exc:
        raise NotFound("The file of this document is missing.") from exc


def find(document_id: int) -> Document | None:
    return db.session.scalar(select(Document).where(Document.id == document_id))
