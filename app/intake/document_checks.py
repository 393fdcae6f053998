"""What an uploaded document must pass beyond its type and size, and the name it is served under.

- PDFs may not carry active content: JavaScript, Launch actions (run a program) or embedded files
  (a PDF can smuggle any file inside). pikepdf reads the whole object graph, so names hidden in
  object streams or spelt with ``#xx`` escapes are found too; a PDF pikepdf cannot read is scanned
  byte by byte and refused when it holds object streams it cannot look into.
- a per-user daily quota (``DAILY_UPLOAD_QUOTA``, IST calendar day), so one account cannot fill
  the disk.
- documents are served as attachments named ``<type>-<id>.<extension of the detected type>``: the
  uploader's file name (``x.html``) is never used, so a browser never treats an upload as a page.
"""
import io
import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pikepdf
from sqlalchemy import func, select

from .. import clock
from ..errors import Invalid, TooMany
from ..extensions import db
from ..models import Document

IST = ZoneInfo("Asia/Kolkata")
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
ACTIVE_PDF = "contains active content (JavaScript, launch actions or embedded files)"
_ACTIONS = {"/JavaScript", "/Launch"}
_KEYS = {"/JS", "/JavaScript", "/EmbeddedFiles", "/EmbeddedFile", "/EF"}
_MAX_DEPTH = 64


def refuse_active_pdf(content: bytes) -> None:
    """:raises Invalid: the PDF carries JavaScript, a Launch action or an embedded file."""
    try:
        pdf = pikepdf.open(io.BytesIO(content))
    except pikepdf.PdfError:
        _scan_raw(content)
        return
    with pdf:
        for obj in pdf.objects:
            if _active(obj, 0):
                raise Invalid("PDFs with JavaScript, launch actions or attached files are not accepted. "
                              "Print the document to a new PDF or scan it, and upload that.",
                              code="active_pdf", fields={"file": ACTIVE_PDF})


def _active(obj, depth: int) -> bool:
    if depth > _MAX_DEPTH:
        return True  # nesting no real document has: refuse rather than guess
    if isinstance(obj, pikepdf.Stream):
        obj = obj.stream_dict
    if isinstance(obj, pikepdf.Dictionary):
        keys = set(obj.keys())
        if keys & _KEYS or str(obj.get("/S", "")) in _ACTIONS or str(obj.get("/Type", "")) == "/EmbeddedFile":
            return True
        children = (obj[k] for k in keys)
    elif isinstance(obj, pikepdf.Array):
        children = iter(obj)
    else:
        return False
    # Indirect children are visited on their own as members of pdf.objects.
    return any(_active(child, depth + 1) for child in children
               if isinstance(child, (pikepdf.Dictionary, pikepdf.Array, pikepdf.Stream)) and not child.is_indirect)


_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _scan_raw(content: bytes) -> None:
    plain = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), content)
    if re.search(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|EF)\b", plain):
        raise Invalid("PDFs with JavaScript, launch actions or attached files are not accepted.",
                      code="active_pdf", fields={"file": ACTIVE_PDF})
    if b"/ObjStm" in plain:
        raise Invalid("This PDF cannot be read. Save or print it again as PDF and upload that.",
                      code="unreadable_pdf", fields={"file": "cannot be read as PDF"})


def check_quota(owner, daily_quota: int | None) -> None:
    """:raises TooMany: ``owner`` already uploaded ``daily_quota`` documents today (IST)."""
    if not daily_quota:
        return
    start = datetime.combine(clock.now().astimezone(IST).date(), time(0), IST)
    count = db.session.scalar(select(func.count()).select_from(Document).where(
        Document.owner_id == owner.id, Document.uploaded_at >= start))
    if count >= daily_quota:
        raise TooMany(f"You have uploaded {daily_quota} documents today, the most allowed in a day. "
                      "Please try again tomorrow.", code="upload_quota",
                      fields={"file": "daily upload limit reached"})


def download_name(document: Document) -> str:
    """``<type>-<id>.<ext>`` from the detected type, never the uploader's file name."""
    kind = re.sub(r"[^a-z0-9_-]+", "-", (document.type or "document").lower()).strip("-") or "document"
    return f"{kind[:40]}-{document.id}.{EXTENSIONS.get(document.mime, 'bin')}"
