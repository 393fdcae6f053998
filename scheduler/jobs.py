"""The scheduler's jobs. Adding one is one line: append a :class:`Job` to ``JOBS`` or call :func:`register`.

A job function takes the Flask app, opens its own app context and transactions, and may return a
datetime: the time it next wants to run (the scheduler wakes it then if that is before its next
interval run — the timer sweep uses this to fire timers on time between its polls).
"""
import importlib
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Job:
    id: str
    #: ``"module:function"`` (imported when the scheduler starts) or a callable ``fn(app)``.
    func: str | Callable
    #: interval in seconds, or the name of an app setting holding it
    seconds: float | str = 30

    def resolve(self) -> Callable:
        if callable(self.func):
            return self.func
        module, _, name = self.func.partition(":")
        return getattr(importlib.import_module(module), name)

    def interval(self, config) -> float:
        value = config.get(self.seconds) if isinstance(self.seconds, str) else self.seconds
        return max(0.05, float(value or 30))


JOBS: list[Job] = [
    Job("timer_sweep", "scheduler.sweep:sweep_job", seconds="TIMER_SWEEP_SECONDS"),
    Job("notification_dispatch", "app.notifications.dispatch:dispatch_job", seconds=5),
    Job("posting_handover", "app.inbox.transfers:handover_job", seconds=300),
    Job("login_purge", "app.accounts.purge:purge_job", seconds="PURGE_SECONDS"),
]


def register(job_id: str, func, seconds: float | str = 30) -> Job:
    """Add (or replace) a job; call before the scheduler starts."""
    job = Job(job_id, func, seconds)
    JOBS[:] = [j for j in JOBS if j.id != job_id] + [job]
    return job
