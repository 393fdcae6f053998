"""The timer sweep: fire every due process timer exactly once, a batch of instances per transaction.

Due means ``next_timer_at <= :now`` with the APP clock passed as a parameter (never the database's
``now()``: under time-machine it keeps real time). A sweeper claims up to ``TIMER_CLAIM_BATCH`` due
instances in one ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL (on SQLite every transaction is
``BEGIN IMMEDIATE``, app/database.py): PostgreSQL re-checks the due condition on each row it locks,
and rows another sweeper holds are skipped, so two sweepers — threads, processes or hosts — never
fire one timer twice. The batch's applications (with their SLA clocks) and open work items are read
in one statement each; every instance then fires inside its own savepoint, so a failing one is
rolled back alone, counted (``timer_failures``, ``last_error``) and backed off by moving its
``next_timer_at`` forward while the others of the batch go on; the batch commits once.
"""
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from app import clock, engine
from app.batch_cache import batch_cache, batch_rows
from app.extensions import db
from app.models import Application, Escalation, ProcessInstance, WorkItem
from app.processes import store
from app.processes.context import ProcessContext
from app.processes.projection import project

log = logging.getLogger("pravah.scheduler.sweep")
#: instances claimed per transaction (``PRAVAH_TIMER_CLAIM_BATCH``): their row locks are held until
#: the batch commits, so an officer acting on one of them waits at most one batch
CLAIM_BATCH = 20
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


def claim_batch(now: datetime, size: int, exclude: set[int] = frozenset()) -> list[ProcessInstance]:
    """Lock up to ``size`` instances due at ``now`` for this transaction, earliest first."""
    stmt = select(ProcessInstance).where(ProcessInstance.next_timer_at <= now, ProcessInstance.status == "RUNNING")
    if exclude:
        stmt = stmt.where(ProcessInstance.id.not_in(exclude))
    stmt = stmt.order_by(ProcessInstance.next_timer_at).limit(size).execution_options(populate_existing=True)
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=ProcessInstance)
    return list(db.session.scalars(stmt).unique())


def _batch_rows(ids: list[int]) -> tuple[dict, dict, set]:
    """The claimed instances' applications (with SLA clocks), open work items and the escalations
    already raised on those items: one read each for the batch, exact while the claim holds the rows."""
    applications = {a.process_instance_id: a for a in db.session.scalars(
        select(Application).where(Application.process_instance_id.in_(ids)).options(joinedload(Application.sla_clock)))}
    open_items: dict[int, list] = {i: [] for i in ids}
    for item in db.session.scalars(select(WorkItem).where(WorkItem.instance_id.in_(ids), WorkItem.closed_at.is_(None))
                                   .order_by(WorkItem.id)):
        open_items[item.instance_id].append(item)
    item_ids = [item.id for items in open_items.values() for item in items]
    escalated = {(item_id, level) for item_id, level in db.session.execute(select(
        Escalation.work_item_id, Escalation.level).where(Escalation.work_item_id.in_(item_ids)))} if item_ids else set()
    return applications, open_items, escalated


def _fire(instance: ProcessInstance, application: Application | None, open_items: list, settings) -> None:
    if application is None:
        raise LookupError(f"process instance {instance.id} belongs to no application")
    context = ProcessContext(application, None, clock.now(), settings)
    old_status = application.status
    wf = store.restore(instance, context)
    engine.fire_due_timers(wf, context)
    saved = store.save(instance, wf)
    # only the projection opens or closes work items in a sweep, so the batch's read is still exact
    project(application, instance, wf, saved, actor=None, old_status=old_status, open_items=open_items)
    if instance.timer_failures:
        instance.timer_failures = 0
        instance.last_error = None
    db.session.flush()


def _back_off(instance_id: int, failures: int, exc: Exception, now: datetime) -> str:
    message = f"{type(exc).__name__}: {exc}"[:2000]
    db.session.execute(update(ProcessInstance).where(ProcessInstance.id == instance_id).values(
        timer_failures=failures + 1, last_error=message,
        next_timer_at=now + timedelta(seconds=backoff_seconds(failures + 1)))
        .execution_options(synchronize_session=False))
    return message


def fire_batch(now: datetime, settings, size: int, result: SweepResult, again: set[int]) -> int:
    """Claim and fire one batch in one transaction; :returns: how many instances it claimed.

    ``again`` collects instances still due after firing (never fired twice in one sweep)."""
    try:
        instances = claim_batch(now, size, again)
        if not instances:
            db.session.rollback()
            return 0
        applications, open_items, escalated = _batch_rows([i.id for i in instances])
        with batch_rows(open_items=open_items, escalated=escalated):   # escalate reads them (app/sla)
            _fire_each(instances, applications, open_items, settings, now, result, again)
        db.session.commit()
        return len(instances)
    except Exception:
        db.session.rollback()
        raise


def _fire_each(instances, applications, open_items, settings, now, result: SweepResult, again: set[int]) -> None:
    """Each claimed instance in its own savepoint: a failure is rolled back alone and backed off."""
    for instance in instances:
        instance_id, failures = instance.id, instance.timer_failures or 0
        try:
            with db.session.begin_nested():
                _fire(instance, applications.get(instance_id), open_items[instance_id], settings)
        except Exception as exc:  # noqa: BLE001 - any failure of one instance must not stop the others
            log.warning("timer of process instance %s failed: %s", instance_id, exc, exc_info=True)
            result.failures[instance_id] = _back_off(instance_id, failures, exc, now)
            result.failed += 1
            continue
        result.fired += 1
        if instance.next_timer_at is not None and instance.next_timer_at <= now:
            again.add(instance_id)


def sweep(settings, now: datetime | None = None, *, batch: int | None = None, stop=None) -> SweepResult:
    """Fire every timer due at ``now`` (default: the app clock). Needs an app context.

    :param stop: a callable asked between batches; when it answers true the sweep ends early (a
        sweeper process told to stop finishes its batch, not the whole burst)."""
    now = now or clock.now()
    size = max(1, int(batch or settings.get("TIMER_CLAIM_BATCH") or CLAIM_BATCH))
    result = SweepResult()
    again: set[int] = set()
    with batch_cache():   # offices, location ancestors and officers read once per sweep, not per timer
        while fire_batch(now, settings, size, result, again):
            if stop is not None and stop():
                break
    result.next_due = clock.as_utc(db.session.scalar(select(func.min(ProcessInstance.next_timer_at)).where(
        ProcessInstance.status == "RUNNING")))
    db.session.commit()
    return result
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
