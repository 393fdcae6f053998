"""Process versions, running instances and the work-item projection of their ready user tasks."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import BigId, UtcDateTime


class ProcessVersion(db.Model):
    """An immutable deployed model: what instances pin forever."""

    __tablename__ = "process_version"
    __table_args__ = (UniqueConstraint("process_key", "version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    process_key: Mapped[str] = mapped_column(String(60), index=True)
    version: Mapped[int] = mapped_column(Integer)
    bpmn_xml: Mapped[str] = mapped_column(Text, deferred=True)
    #: {file name: DMN XML}
    dmn_xml: Mapped[dict] = mapped_column(JSON, default=dict, deferred=True)
    #: {form key: JSON Schema}
    forms: Mapped[dict] = mapped_column(JSON, default=dict)
    #: {template name: HTML}
    certificate_templates: Mapped[dict] = mapped_column(JSON, default=dict, deferred=True)
    #: The serialized workflow spec (parsed once at deploy, restored once per process and cached).
    spec_json: Mapped[str] = mapped_column(Text, deferred=True)
    #: What the engine needs to know about user tasks without restoring the spec: {task id: {...}}.
    task_meta: Mapped[dict] = mapped_column(JSON, default=dict)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    #: draft | active | retired
    status: Mapped[str] = mapped_column(String(10), default="draft")
    created_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ProcessInstance(db.Model):
    __tablename__ = "process_instance"
    __table_args__ = (Index("ix_process_instance_due", "next_timer_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"), index=True)
    #: Workflow state JSON without the spec.
    state: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(20))
    #: RUNNING | COMPLETE | ERROR
    status: Mapped[str] = mapped_column(String(10), default="RUNNING")
    #: Earliest pending timer; the sweep selects on it with the app clock as a parameter.
    next_timer_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: Optimistic lock: every save increments it and requires the value it loaded.
    lock_version: Mapped[int] = mapped_column(Integer, default=0)
    timer_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

    version = relationship("ProcessVersion", lazy="joined")


class WorkItem(db.Model):
    """One user task an office (or the applicant) has to act on; closed rows stay for SLA figures."""

    __tablename__ = "work_item"
    __table_args__ = (
        UniqueConstraint("task_guid"),
        # Open items only, in inbox order: a page is read straight off the index (bench/scale.py).
        # (assignee_id last: the inbox count is answered from the index alone)
        Index("ix_work_item_open_queue", "office_id", "role", "tatkal", "app_submitted_at", "id", "assignee_id",
              postgresql_ops={"tatkal": "DESC"},   # Tatkal first: the order of the inbox query
              postgresql_where=text("closed_at IS NULL"), sqlite_where=text("closed_at IS NULL")),
        # Overdue open items (MIS, SLA): a small index however many items are closed; on PostgreSQL it
        # also answers the MIS's overdue count per place from the index alone.
        Index("ix_work_item_open_due", "due_at",
              postgresql_include=["location_id", "service_id", "application_id"],
              postgresql_where=text("closed_at IS NULL"), sqlite_where=text("closed_at IS NULL")),
        # An officer's last completed task (the inbox's recall offer).
        Index("ix_work_item_closed_by", "closed_by_id", "closed_at"),
        # The web inbox's filter menus (services and steps among the open items of a queue), answered
        # from the index alone instead of joining every open item to its application.
        Index("ix_work_item_open_menu", "office_id", "role", "service_id", "task_key", "assignee_id", "id",
              postgresql_where=text("closed_at IS NULL"), sqlite_where=text("closed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    #: The application's service, copied when the item is opened (like ``tatkal``): queue filters by service
    #: read the work item alone.
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"))
    #: The application's place, copied when the item is opened (an application's place does not change
    #: after intake): the MIS counts open items past due per place without a look-up per item.
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    task_guid: Mapped[str] = mapped_column(String(40))
    #: BPMN element id of the user task, e.g. ``verify_documents``.
    task_key: Mapped[str] = mapped_column(String(100))
    task_name: Mapped[str] = mapped_column(String(200))
    task_name_bn: Mapped[str | None] = mapped_column(String(200))
    form_key: Mapped[str | None] = mapped_column(String(100))
    #: The lane: a role code.
    role: Mapped[str] = mapped_column(String(20))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    tatkal: Mapped[bool] = mapped_column(default=False)
    app_submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    #: The action that closed it (approve, send_back…) or 'cancelled'.
    outcome: Mapped[str | None] = mapped_column(String(40))

    application = relationship("Application", back_populates="work_items")
    office = relationship("Office")
    assignee = relationship("User", foreign_keys=[assignee_id])
