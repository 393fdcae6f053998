"""SLA bookkeeping: holidays, each application's SLA clock, per-step figures, escalations, remarks."""
from datetime import date, datetime

from sqlalchemy import JSON, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import BigId, UtcDateTime


class Holiday(db.Model):
    """A day off for a state or one district (``""`` in a scope column means "everywhere")."""

    __tablename__ = "holiday"
    __table_args__ = (UniqueConstraint("on_date", "state_lgd", "district_lgd"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    on_date: Mapped[date] = mapped_column(Date, index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_bn: Mapped[str | None] = mapped_column(String(200))
    #: LGD code of the state, or "" for a nation-wide holiday.
    state_lgd: Mapped[str] = mapped_column(String(20), default="")
    #: LGD code of the district, or "" when the whole state is off.
    district_lgd: Mapped[str] = mapped_column(String(20), default="")


class SlaClock(db.Model):
    """One per application: when the state's clock started, time paused with the citizen, deadlines."""

    __tablename__ = "sla_clock"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), unique=True)
    #: T: the submission time.
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: Set while the application is with the citizen (a task with ``sla_paused=true`` is open).
    paused_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: Working seconds spent with the citizen so far (not counted against the state).
    paused_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    #: {step: {"due", "l1_due", "l2_due", "l1_role", "l2_role", "sla_days", ...}} as computed last.
    deadlines: Mapped[dict] = mapped_column(JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(UtcDateTime)

    application = relationship("Application", back_populates="sla_clock")


class SlaStep(db.Model):
    """Per-step SLA figures for MIS: one row per officer work item of an SLA step."""

    __tablename__ = "sla_step"
    __table_args__ = (UniqueConstraint("work_item_id"), Index("ix_sla_step_office", "office_id", "done_at"),
                      # the MIS counts SLA steps open past due live (app/reports/counted.py)
                      # (PostgreSQL: from the index alone, grouped by place or service)
                      Index("ix_sla_step_open_due", "due_at",
                            postgresql_include=["location_id", "service_id", "application_id", "office_id",
                                                "officer_id", "late_seconds"],
                            postgresql_where=text("done_at IS NULL"), sqlite_where=text("done_at IS NULL")))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    #: The application's place and service, copied when the step opens (as on its work item): the MIS
    #: counts open steps past due per place or service without a look-up per step.
    location_id: Mapped[int | None] = mapped_column(ForeignKey("location.id"))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("service.id"))
    work_item_id: Mapped[int] = mapped_column(ForeignKey("work_item.id"))
    step: Mapped[str] = mapped_column(String(20))
    task_key: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"))
    #: The officer who completed the step.
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: Seconds past due when done (0 when on time); None while open.
    late_seconds: Mapped[float | None] = mapped_column(Float)
    outcome: Mapped[str | None] = mapped_column(String(40))

    #: Lets a step be added with its work item before the item's row is written (one flush).
    work_item = relationship("WorkItem")


class Escalation(db.Model):
    """A work item past its SLA, raised to a higher office (L1, then L2)."""

    __tablename__ = "escalation"
    __table_args__ = (UniqueConstraint("work_item_id", "level"),
                      Index("ix_escalation_target", "target_office_id", "target_role", "resolved_at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id"), index=True)
    work_item_id: Mapped[int] = mapped_column(ForeignKey("work_item.id"), index=True)
    #: 1 or 2.
    level: Mapped[int] = mapped_column(Integer)
    target_role: Mapped[str] = mapped_column(String(20))
    #: Resolved from the LGD hierarchy and the postings when the escalation was raised.
    target_office_id: Mapped[int | None] = mapped_column(ForeignKey("office.id"))
    raised_at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: When the step was due (how late it is counts from here).
    step_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: The escalation level's own deadline (e.g. the DM's T+3).
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    application = relationship("Application")
    work_item = relationship("WorkItem")
    target_office = relationship("Office")


class TaskRemark(db.Model):
    """A remark on a task from a supervising (escalation) officer, shown to the task's assignee."""

    __tablename__ = "task_remark"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    work_item_id: Mapped[int] = mapped_column(ForeignKey("work_item.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    author_role: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    author = relationship("User")
