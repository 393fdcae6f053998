"""Running the scheduler: standby until leader, then APScheduler with the jobs of :mod:`scheduler.jobs`.

``run(app)`` blocks (``flask scheduler run``); ``start_in_process(app)`` runs the same loop in a
daemon thread for ``flask serve`` (never under TESTING). Job options: ``coalesce=True,
max_instances=1, misfire_grace_time=None`` (OPS-NOTES: with the default 1 s grace a clock jump
skipped every run). A job returning a datetime is woken then if that is before its next run.
"""
import logging
import threading
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.background import BackgroundScheduler

from .jobs import JOBS
from .leader import LeaderLock

log = logging.getLogger("pravah.scheduler")
JOB_OPTIONS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}
STANDBY_POLL_SECONDS = 1.0


def _wrap(scheduler, job_id, fn, app):
    def run_job():
        try:
            wake = fn(app)
        except Exception:  # noqa: BLE001 - a failing run is logged; the next interval runs again
            log.exception("scheduler job %s failed", job_id)
            return
        if isinstance(wake, datetime):
            job = scheduler.get_job(job_id)
            now = datetime.now(timezone.utc)
            wake = max(wake, now + timedelta(milliseconds=50))
            if job is not None and job.next_run_time is not None and wake < job.next_run_time:
                job.modify(next_run_time=wake)
    return run_job


def build_scheduler(app) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=timezone.utc, job_defaults=JOB_OPTIONS)
    for job in JOBS:
        seconds = job.interval(app.config)
        scheduler.add_job(_wrap(scheduler, job.id, job.resolve(), app), "interval", seconds=seconds, id=job.id,
                          next_run_time=datetime.now(timezone.utc), replace_existing=True, **JOB_OPTIONS)
    return scheduler


class SchedulerProcess:
    """The standby/leader loop; ``stop()`` ends it."""

    def __init__(self, app):
        self.app = app
        self.lock = LeaderLock(app.config)
        self.stopping = threading.Event()
        self.scheduler = None

    @property
    def leading(self) -> bool:
        return self.scheduler is not None

    def loop(self) -> None:
        announced = False
        try:
            while not self.stopping.is_set():
                if self.lock.acquire():
                    if self.scheduler is None:
                        log.info("scheduler: leader; jobs %s", ", ".join(j.id for j in JOBS))
                        self.scheduler = build_scheduler(self.app)
                        self.scheduler.start()
                elif self.scheduler is not None:
                    log.warning("scheduler: lost the leader lock; standing by")
                    self._stop_scheduler()
                elif not announced:
                    log.info("scheduler: another scheduler leads; standing by")
                    announced = True
                self.stopping.wait(STANDBY_POLL_SECONDS)
        finally:
            self._stop_scheduler()
            self.lock.release()

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
