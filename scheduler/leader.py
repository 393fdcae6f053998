"""One active scheduler per database: a leader lock that dies with its holder.

PostgreSQL: ``pg_try_advisory_lock`` on a dedicated connection (released when the process or its
connection dies). SQLite: ``flock`` on a file beside the database (released by the kernel when the
process dies). Candidates that do not get it stand by and try again.
"""
import fcntl
import logging
import os
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from app.storage.files import private_dir

log = logging.getLogger("pravah.scheduler.leader")
#: pg advisory lock key: "pravahsc" as a 63-bit integer
LOCK_KEY = int.from_bytes(b"pravahsc", "big") & 0x7FFFFFFFFFFFFFFF


def lock_file_for(config) -> Path:
    url = config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite:///") and url not in ("sqlite:///:memory:",):
        return Path(url[len("sqlite:///"):] + ".scheduler.lock")
    return Path(config["DATA_DIR"]) / "scheduler.lock"


class LeaderLock:
    def __init__(self, config):
        self.url = config["SQLALCHEMY_DATABASE_URI"]
        self.config = config
        self._conn = None
        self._engine = None
        self._fd = None

    @property
    def postgres(self) -> bool:
        return self.url.startswith("postgresql")

    def acquire(self) -> bool:
        """Try once, without waiting. :returns: True when this process is (still) the leader."""
        if self.held():
            return True
        if self.postgres:
            try:
                self._engine = self._engine or create_engine(self.url, poolclass=NullPool)
                self._conn = self._engine.connect()
                got = self._conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LOCK_KEY}).scalar()
                self._conn.commit()
            except Exception as exc:  # noqa: BLE001 - a database outage means "not leader", try later
                log.warning("leader lock: database unavailable: %s", exc)
                self._drop_connection()
                return False
            if not got:
                self._drop_connection()
            return bool(got)
        path = lock_file_for(self.config)
        private_dir(path.parent)   # an unusable folder or file raises OSError: the loop backs off and retries
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return True

    def held(self) -> bool:
        """Still the leader? (On PostgreSQL, checks the lock's connection is alive.)"""
        if self.postgres:
            if self._conn is None:
                return False
            try:
                self._conn.execute(text("SELECT 1"))
                self._conn.commit()
                return True
            except Exception:  # noqa: BLE001
                self._drop_connection()
                return False
        return self._fd is not None

    def release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})
                self._conn.commit()
            except Exception:  # noqa: BLE001
                pass
            self._drop_connection()
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def _drop_connection(self):
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # noqa: BLE001
                pass
        self._conn = None
