"""The scheduler's own row in ``scheduler_state``: heartbeat, role and last error, read by /readyz.

Written by the standby/leader loop every few seconds (and at once when the role changes or a
failure happens). Writing it may itself fail (the database is down): the loop then backs off and
tries again, and /readyz — which reads the row from any web host — sees the heartbeat grow stale.
"""
import logging
import os
import socket

from datetime import timedelta

from sqlalchemy import delete, update

from app import clock
from app.extensions import db
from app.models import SchedulerState

log = logging.getLogger("pravah.scheduler.state")
#: rows of processes gone this long are deleted when a scheduler starts (each restart is a new pid)
FORGET_AFTER = timedelta(days=7)


def process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


class StateReporter:
    def __init__(self, app, name: str | None = None):
        self.app = app
        self.name = name or process_name()
        self.started_at = clock.now()
        self._forgotten = False

    def report(self, role: str, *, failures: int = 0, error: str | None = None) -> None:
        """Upsert this process's row (raises on a database failure; the caller backs off)."""
        with self.app.app_context():
            try:
                now = clock.now()
                values = {"role": role, "heartbeat_at": now, "failures": failures}
                if error:
                    values.update(last_error=error[:2000], last_error_at=now)
                changed = db.session.execute(update(SchedulerState).where(SchedulerState.name == self.name)
                                             .values(**values).execution_options(synchronize_session=False)).rowcount
                if not changed:
                    db.session.add(SchedulerState(name=self.name, started_at=self.started_at, **values))
                if not self._forgotten:
                    db.session.execute(delete(SchedulerState).where(SchedulerState.heartbeat_at < now - FORGET_AFTER))
                    self._forgotten = True
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
            finally:
                db.session.remove()

    def try_report(self, role: str, **kwargs) -> bool:
        """Best effort (used while already failing): False when the row could not be written."""
        try:
            self.report(role, **kwargs)
            return True
        except Exception as exc:  # noqa: BLE001 - the database may be the thing that is down
            log.warning("scheduler: cannot record state %s: %s", role, exc)
            return False
