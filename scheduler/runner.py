"""Running the scheduler: standby until leader, then APScheduler with the jobs of :mod:`scheduler.jobs`.

``run(app)`` blocks (``flask scheduler run``); ``start_in_process(app)`` runs the same loop in a
daemon thread for ``flask serve`` (never under TESTING). Job options: ``coalesce=True,
max_instances=1, misfire_grace_time=None`` (OPS-NOTES: with the default 1 s grace a clock jump
skipped every run). A job returning a datetime is woken then if that is before its next run.

The loop never dies of a failure: a lock that cannot be taken (lock file unreadable, database
down) or a heartbeat that cannot be written is logged, recorded in ``scheduler_state`` when the
database answers, and retried with exponential back-off (1 s doubling to ``BACKOFF_MAX_SECONDS``).
"""
import logging
import random
import threading
import time
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.background import BackgroundScheduler

from .jobs import JOBS
from .leader import LeaderLock
from .state import StateReporter

log = logging.getLogger("pravah.scheduler")
JOB_OPTIONS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
STANDBY_POLL_SECONDS = 1.0
#: the row in scheduler_state is refreshed at least this often (and at once on a change)
HEARTBEAT_SECONDS = 5.0
BACKOFF_BASE_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 60.0


def backoff_seconds(failures: int) -> float:
    """1, 2, 4 … up to ``BACKOFF_MAX_SECONDS``, with ±20 % jitter so hosts do not retry in step."""
    return min(BACKOFF_MAX_SECONDS, BACKOFF_BASE_SECONDS * 2 ** max(0, failures - 1)) * random.uniform(0.8, 1.2)


def _wrap(scheduler, job_id, fn, app, on_error=None):
    def run_job():
        try:
            wake = fn(app)
        except Exception as exc:  # noqa: BLE001 - a failing run is logged; the next interval runs again
            log.exception("scheduler job %s failed", job_id)
            if on_error is not None:
                on_error(f"job {job_id}: {type(exc).__name__}: {exc}")
            return
        if isinstance(wake, datetime):
            job = scheduler.get_job(job_id)
            now = datetime.now(timezone.utc)
            wake = max(wake, now + timedelta(milliseconds=50))
            if job is not None and job.next_run_time is not None and wake < job.next_run_time:
                job.modify(next_run_time=wake)
    return run_job


def build_scheduler(app, on_error=None) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=timezone.utc, job_defaults=JOB_OPTIONS)
    for job in JOBS:
        seconds = job.interval(app.config)
        scheduler.add_job(_wrap(scheduler, job.id, job.resolve(), app, on_error), "interval", seconds=seconds, id=job.id,
                          next_run_time=datetime.now(timezone.utc), replace_existing=True, **JOB_OPTIONS)
    return scheduler


class SchedulerProcess:
    """The standby/leader loop; ``stop()`` ends it. ``failures`` counts consecutive failed rounds."""

    def __init__(self, app, reporter: StateReporter | None = None):
        self.app = app
        self.lock = LeaderLock(app.config)
        self.state = reporter or StateReporter(app)
        self.stopping = threading.Event()
        self.scheduler = None
        self.failures = 0
        self.job_error: str | None = None
        self._reported = (None, 0.0)
        #: a :class:`scheduler.sweepers.SweeperPool` kept running (dead children restarted) each round
        self.sweepers = None

    @property
    def leading(self) -> bool:
        return self.scheduler is not None

    def loop(self) -> None:
        try:
            while not self.stopping.is_set():
                try:
                    self.step()
                except Exception as exc:  # noqa: BLE001 - lock or database trouble: back off, never die
                    self._failed(exc)
                    self.stopping.wait(backoff_seconds(self.failures))
                    continue
                if self.sweepers is not None:
                    self.sweepers.ensure()
                self.stopping.wait(STANDBY_POLL_SECONDS)
        finally:
            self._stop_scheduler()
            self.lock.release()
            self.state.try_report("stopped")

    def step(self) -> str:
        """One round: take or keep the lock, start or stop the jobs, beat. :returns: the role."""
        if self.lock.acquire():
            if self.scheduler is None:
                log.info("scheduler: leader; jobs %s", ", ".join(j.id for j in JOBS))
                self.scheduler = build_scheduler(self.app, on_error=self._job_failed)
                self.scheduler.start()
            role = "leader"
        else:
            if self.scheduler is not None:
                log.warning("scheduler: lost the leader lock; standing by")
                self._stop_scheduler()
            elif self._reported[0] != "standby":
                log.info("scheduler: another scheduler leads; standing by")
            role = "standby"
        self._beat(role)
        return role

    def _beat(self, role: str) -> None:
        last_role, last_at = self._reported
        recovered = self.failures > 0
        if role == last_role and not recovered and not self.job_error \
                and time.monotonic() - last_at < HEARTBEAT_SECONDS:
            return
        error, self.job_error = self.job_error, None
        self.state.report(role, failures=0, error=error)
        if recovered:
            log.info("scheduler: recovered after %s failed attempt(s)", self.failures)
        self.failures = 0
        self._reported = (role, time.monotonic())

    def _failed(self, exc: Exception) -> None:
        self.failures += 1
        message = f"{type(exc).__name__}: {exc}"
        log.error("scheduler: %s (attempt %s; retrying with back-off)", message, self.failures)
        if self.scheduler is not None and not self.lock.held():
            self._stop_scheduler()
        self.state.try_report("leader" if self.leading else "error", failures=self.failures, error=message)
        self._reported = (None, 0.0)

    def _job_failed(self, message: str) -> None:
        self.job_error = message

    def _stop_scheduler(self):
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=True)
            self.scheduler = None

    def stop(self) -> None:
        self.stopping.set()


def run(app) -> None:
    """Block, leading or standing by, until interrupted."""
    process = SchedulerProcess(app)
    try:
        process.loop()
    except KeyboardInterrupt:
        process.stop()


def start_in_process(app):
    """Run the scheduler loop in a daemon thread of this (single) web process; not under TESTING."""
    if app.config.get("TESTING"):
        return None
    process = SchedulerProcess(app)
    thread = threading.Thread(target=process.loop, name="pravah-scheduler", daemon=True)
    thread.start()
    process.thread = thread
    return process
