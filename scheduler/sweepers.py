"""Sweeper processes: the timer sweep in processes of its own, on every host, leader or standby.

Sweeper threads (``PRAVAH_TIMER_SWEEPERS``, :func:`scheduler.sweep.sweep_parallel`) share one
interpreter lock, so on a host they use about one core between them; processes can use every core
(when the cores are free: docs/performance.md). ``flask scheduler run`` starts ``PRAVAH_TIMER_SWEEP_PROCESSES``
children (default 0) and restarts any that dies; ``flask scheduler sweepers --processes N`` runs a
pool alone, for a host that only sweeps. Each child (``python -m scheduler.sweepers``) builds the
app from the environment, sweeps, and sleeps until the next due timer or ``TIMER_SWEEP_SECONDS``,
whichever comes first. The claim (``FOR UPDATE SKIP LOCKED``, scheduler/sweep.py) keeps every timer
exactly-once between them, the leader's own sweep and the sweepers of other hosts; no leader lock
is needed. A child exits on SIGTERM once the batch it is firing commits, and within a second of
its parent going (``kill -9``).
"""
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

log = logging.getLogger("pravah.scheduler.sweepers")
ROOT = Path(__file__).resolve().parents[1]
BACKOFF_MAX_SECONDS = 60.0


def seconds_until_next(result, interval: float, now) -> float:
    """How long a sweeper sleeps after a sweep: until the next due timer, at most ``interval``."""
    if result.next_due is None:
        return interval
    return min(interval, max(0.05, (result.next_due - now).total_seconds()))


def sweep_loop(app, stop: threading.Event, parent_pid: int | None = None) -> None:
    """Sweep until ``stop`` is set (or the parent process is gone)."""
    from app import clock
    from app.extensions import db

    from .sweep import sweep
    interval = float(app.config.get("TIMER_SWEEP_SECONDS") or 30)
    failures = 0
    while not stop.is_set():
        try:
            with app.app_context():
                try:
                    result = sweep(app.config, stop=stop.is_set)   # SIGTERM: end after this batch
                finally:
                    db.session.remove()
            if result.fired or result.failed:
                log.info("sweeper %s: %s fired, %s failed", os.getpid(), result.fired, result.failed)
            failures, wait = 0, seconds_until_next(result, interval, clock.now())
        except Exception:  # noqa: BLE001 - database trouble: back off and sweep again, never die
            failures += 1
            log.exception("sweeper %s: sweep failed (attempt %s)", os.getpid(), failures)
            wait = min(BACKOFF_MAX_SECONDS, 2.0 ** failures)
        deadline = time.monotonic() + wait
        while not stop.is_set() and time.monotonic() < deadline:
            if parent_pid is not None and os.getppid() != parent_pid:
                log.warning("sweeper %s: parent %s is gone; stopping", os.getpid(), parent_pid)
                return
            stop.wait(min(1.0, max(0.0, deadline - time.monotonic())))


class SweeperPool:
    """``count`` sweeper child processes; :meth:`ensure` restarts dead ones, :meth:`stop` ends them."""

    def __init__(self, count: int, env: dict | None = None):
        self.count = max(0, int(count))
        self.env = env
        self.procs: list[subprocess.Popen] = []

    def _spawn(self) -> subprocess.Popen:
        env = dict(self.env if self.env is not None else os.environ, PRAVAH_SWEEPER_PARENT=str(os.getpid()))
        return subprocess.Popen([sys.executable, "-m", "scheduler.sweepers"], cwd=ROOT, env=env)

    def start(self) -> "SweeperPool":
        self.procs = [self._spawn() for _ in range(self.count)]
        if self.count:
            log.info("scheduler: %s sweeper processes (pids %s)", self.count, ", ".join(str(p.pid) for p in self.procs))
        return self

    def ensure(self) -> None:
        for i, proc in enumerate(self.procs):
            if proc.poll() is not None:
                log.warning("sweeper %s exited with %s; starting another", proc.pid, proc.returncode)
                self.procs[i] = self._spawn()

    def stop(self, timeout: float = 30.0) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs = []


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    from app import create_app
    app = create_app()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    parent = os.environ.get("PRAVAH_SWEEPER_PARENT")
    try:
        sweep_loop(app, stop, int(parent) if parent else None)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
