"""Moving the clock in SLA tests: IST wall times, sweeping, reading escalations."""
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from sqlalchemy import select

from app.extensions import db
from app.models import Application, Escalation, WorkItem
from scheduler.sweep import sweep

IST = ZoneInfo("Asia/Kolkata")


def ist(*args) -> datetime:
    return datetime(*args, tzinfo=IST)


class Clock:
    """time-machine travel that the Api's cached tokens survive (they expire after 12 hours)."""

    def __init__(self, api, start: datetime):
        self.api = api
        self.traveller = time_machine.travel(start, tick=False)
        self.machine = None

    def __enter__(self):
        self.machine = self.traveller.start()
        return self

    def __exit__(self, *exc):
        self.traveller.stop()

    def to(self, when: datetime):
        self.machine.move_to(when)
        self.api.tokens.clear()


def run_sweep(app):
    with app.app_context():
        try:
            return sweep(app.config)
        finally:
            db.session.remove()


def escalations(app, ain):
    with app.app_context():
        rows = db.session.scalars(select(Escalation).join(Application).where(Application.ain == ain)
                                  .order_by(Escalation.id)).all()
        out = [{"level": e.level, "role": e.target_role, "office": e.target_office.code,
                "task": e.work_item.task_key, "resolved": e.resolved_at is not None, "raised_at": e.raised_at,
                "due_at": e.due_at} for e in rows]
        db.session.remove()
        return out


def work_item(app, ain, task_key):
    with app.app_context():
        item = db.session.scalar(select(WorkItem).join(Application).where(
            Application.ain == ain, WorkItem.task_key == task_key).order_by(WorkItem.id.desc()).limit(1))
        out = {"id": item.id, "due_at": item.due_at, "escalation_level": item.escalation_level,
               "closed": item.closed_at is not None}
        db.session.remove()
        return out
