"""Rows that keep the deployment working: stored file contents and the scheduler's heartbeat."""
from datetime import datetime

from sqlalchemy import DDL, Integer, LargeBinary, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from .types import UtcDateTime


class StoredBlob(db.Model):
    """The bytes of a document or certificate PDF when storage is the database (the PostgreSQL default).

    Content-addressed: the key holds the sha256, so a row is written once and never changed.
    """
    __tablename__ = "stored_blob"

    #: ``documents/<sha256>`` or ``certificates/<sha256>.pdf`` — the same key on every backend.
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


#: PDFs and photographs are compressed already: PostgreSQL's TOAST compression of ``content`` found
#: nothing to save (same table size) and cost ~4 ms per 120 KB certificate, inside the approval.
#: EXTERNAL stores the bytes out of line without trying (migration ``blob01`` for existing databases).
BLOB_STORAGE = DDL("ALTER TABLE stored_blob ALTER COLUMN content SET STORAGE EXTERNAL").execute_if(dialect="postgresql")
event.listen(StoredBlob.__table__, "after_create", BLOB_STORAGE)


class SchedulerState(db.Model):
    """One row per scheduler process (``host:pid``): what /readyz and the operators read."""
    __tablename__ = "scheduler_state"

    name: Mapped[str] = mapped_column(String(120), primary_key=True)
    #: ``leader`` (runs the jobs), ``standby`` or ``error`` (retrying after a failure)
    role: Mapped[str] = mapped_column(String(12))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: refreshed every few seconds while the process lives (app clock)
    heartbeat_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    #: consecutive failures of the lock or the database (0 when healthy)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
