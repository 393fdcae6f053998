"""Each application's SLA clock: deadlines per step from the escalation matrix, pauses with the citizen."""
from datetime import datetime

from .. import clock as app_clock
from ..extensions import db
from ..models import SlaClock
from .calendar import calendar_for


def clock_of(application, *, create: bool = False) -> SlaClock | None:
    found = application.sla_clock if application.id is not None else None   # often loaded with the task
    if found is None and create:
        found = SlaClock(application=application, started_at=application.submitted_at, paused_seconds=0.0,
                         deadlines={}, computed_at=app_clock.now())
        db.session.add(found)
    return found


def task_properties(application, task_key: str) -> dict:
    """camunda:properties of a task of the application's pinned process version."""
    version = application.instance.version if application.instance is not None else None
    meta = (version.task_meta or {}).get(task_key, {}) if version is not None else {}
    return meta.get("properties") or {}


def pause(application, now: datetime) -> None:
    """The application went back to the citizen: stop the state's clock."""
    sla = clock_of(application)
    if sla is not None and sla.paused_at is None:
        sla.paused_at = now


def resume(application, now: datetime, settings) -> SlaClock | None:
    """Back with the state: add the working time spent with the citizen to the pause total."""
    sla = clock_of(application)
    if sla is not None and sla.paused_at is not None:
        cal = calendar_for(application.location, settings, since=app_clock.as_utc(sla.paused_at).date())
        sla.paused_seconds = (sla.paused_seconds or 0.0) + cal.between(app_clock.as_utc(sla.paused_at), now)
        sla.paused_at = None
    return sla


def parse(value: str | None) -> datetime | None:
    return app_clock.as_utc(datetime.fromisoformat(value)) if value else None
