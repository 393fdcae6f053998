"""The timer sweep: fire every due process timer exactly once, each instance in its own transaction.

Due means ``next_timer_at <= :now`` with the APP clock passed as a parameter (never the database's
``now()``: under time-machine it keeps real time). Each candidate is claimed with
``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL (on SQLite every transaction is ``BEGIN
IMMEDIATE``, app/database.py) and re-checked as still due, so two sweepers never fire one timer
twice: the loser either skips the locked row or finds it no longer due. A failing instance is rolled
back to a savepoint, counted (``timer_failures``, ``last_error``) and backed off by moving its
``next_timer_at`` forward; the others go on.
"""
import logging
import random
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from app import clock, engine
from app.batch_cache import batch_cache
from app.extensions import db
from app.models import Application, ProcessInstance
from app.processes import store
from app.processes.context import ProcessContext
from app.processes.projection import project

log = logging.getLogger("pravah.scheduler.sweep")
BATCH = 200
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 6 * 3600


@dataclass
class SweepResult:
    fired: int = 0
    failed: int = 0
    skipped: int = 0
    #: earliest pending timer after the sweep (aware UTC) or None
    next_due: datetime | None = None
    failures: dict = field(default_factory=dict)


def backoff_seconds(failures: int) -> float:
    return min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, failures - 1))


def _due_ids(now: datetime, limit: int) -> list[int]:
    ids = db.session.scalars(select(ProcessInstance.id).where(
        ProcessInstance.next_timer_at <= now, ProcessInstance.status == "RUNNING")
        .order_by(ProcessInstance.next_timer_at).limit(limit)).all()
    db.session.commit()
    return list(ids)


def _claim(instance_id: int, now: datetime) -> ProcessInstance | None:
    stmt = select(ProcessInstance).where(
        ProcessInstance.id == instance_id, ProcessInstance.next_timer_at <= now,
        ProcessInstance.status == "RUNNING").execution_options(populate_existing=True)
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=ProcessInstance)
    return db.session.execute(stmt).scalar_one_or_none()


def _fire(instance: ProcessInstance, settings) -> None:
    application = db.session.scalar(select(Application).where(Application.process_instance_id == instance.id)
                                    .options(joinedload(Application.sla_clock)))
    if application is None:
        raise LookupError(f"process instance {instance.id} belongs to no application")
    context = ProcessContext(application, None, clock.now(), settings)
    old_status = application.status
    wf = store.restore(instance, context)
    engine.fire_due_timers(wf, context)
    saved = store.save(instance, wf)
    project(application, instance, wf, saved, actor=None, old_status=old_status)
    if instance.timer_failures:
        instance.timer_failures = 0
        instance.last_error = None
    db.session.flush()


def _back_off(instance_id: int, exc: Exception, now: datetime) -> None:
    failures = (db.session.scalar(select(ProcessInstance.timer_failures)
                                  .where(ProcessInstance.id == instance_id)) or 0) + 1
    message = f"{type(exc).__name__}: {exc}"[:2000]
    db.session.execute(update(ProcessInstance).where(ProcessInstance.id == instance_id).values(
        timer_failures=failures, last_error=message,
        next_timer_at=now + timedelta(seconds=backoff_seconds(failures))).execution_options(synchronize_session=False))


def fire_instance(instance_id: int, now: datetime, settings) -> str:
    """Claim one instance and fire its due timers in one transaction: ``fired``/``skipped``/``failed``."""
    try:
        instance = _claim(instance_id, now)
        if instance is None:
            db.session.rollback()
            return "skipped"
        try:
            with db.session.begin_nested():
                _fire(instance, settings)
        except Exception as exc:  # noqa: BLE001 - any failure of one instance must not stop the others
            log.warning("timer of process instance %s failed: %s", instance_id, exc, exc_info=True)
            _back_off(instance_id, exc, now)
            db.session.commit()
            return "failed"
        db.session.commit()
        return "fired"
    except Exception:
        db.session.rollback()
        raise


def sweep(settings, now: datetime | None = None, *, batch: int = BATCH) -> SweepResult:
    """Fire every timer due at ``now`` (default: the app clock). Needs an app context."""
    now = now or clock.now()
    result = SweepResult()
    seen: set[int] = set()
    with batch_cache():   # offices, location ancestors and officers read once per sweep, not per timer
        _drain(settings, now, batch, result, seen)
    result.next_due = clock.as_utc(db.session.scalar(select(func.min(ProcessInstance.next_timer_at)).where(
        ProcessInstance.status == "RUNNING")))
    db.session.commit()
    return result


def _drain(settings, now: datetime, batch: int, result: SweepResult, seen: set[int]) -> None:
    while True:
        ids = [i for i in _due_ids(now, batch + len(seen)) if i not in seen]
        if not ids:
            break
        random.shuffle(ids)   # several sweepers spread over the batch instead of queueing on one row
        for instance_id in ids:
            seen.add(instance_id)
            outcome = fire_instance(instance_id, now, settings)
            setattr(result, outcome, getattr(result, outcome) + 1)
            if outcome == "failed":
                result.failures[instance_id] = db.session.scalar(
                    select(ProcessInstance.last_error).where(ProcessInstance.id == instance_id))
                db.session.commit()


def _merge(results: list[SweepResult]) -> SweepResult:
    out = SweepResult()
    for r in results:
        out.fired, out.failed, out.skipped = out.fired + r.fired, out.failed + r.failed, out.skipped + r.skipped
        out.failures.update(r.failures)
        if r.next_due is not None and (out.next_due is None or r.next_due < out.next_due):
            out.next_due = r.next_due
    return out


def sweep_parallel(app, sweepers: int, now: datetime | None = None) -> SweepResult:
    """``sweepers`` threads sweep the same due rows, each with its own session and connection; the
    row claim (``FOR UPDATE SKIP LOCKED`` + still-due re-check) keeps every timer exactly-once, as it
    does between sweepers on different hosts. SQLite serialises writers: one sweeper there."""
    with app.app_context():
        if sweepers <= 1 or db.session.get_bind().dialect.name != "postgresql":
            try:
                return sweep(app.config, now)
            finally:
                db.session.remove()
    results: list = [None] * sweepers
    errors: list = []

    def run(slot: int) -> None:
        with app.app_context():
            try:
                results[slot] = sweep(app.config, now)
            except Exception as exc:  # noqa: BLE001 - reported after the others finish
                errors.append(exc)
            finally:
                db.session.remove()
    threads = [threading.Thread(target=run, args=(i,), name=f"timer-sweeper-{i}") for i in range(sweepers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return _merge([r for r in results if r is not None])


def sweep_job(app) -> datetime | None:
    """The scheduler job: one sweep (``TIMER_SWEEPERS`` threads); returns when the next timer is due so
    the scheduler can wake then."""
    result = sweep_parallel(app, int(app.config.get("TIMER_SWEEPERS", 1)))
    if result.fired or result.failed:
        log.info("timer sweep: %s fired, %s failed, %s skipped", result.fired, result.failed, result.skipped)
    return result.next_due
