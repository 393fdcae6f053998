"""Database engine behaviour that must hold on every connection.

SQLite: WAL journal, foreign keys on, and every transaction opened with ``BEGIN IMMEDIATE`` so that
two processes claiming the same row serialise instead of both reading it (OPS-NOTES: the driver's
default deferred mode gave thousands of duplicates). PostgreSQL needs nothing here: claims use
``FOR UPDATE [SKIP LOCKED]``.
"""
import time

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

#: A pooled PostgreSQL connection idle this long is pinged before use (see :func:`ping_when_idle`).
PING_AFTER_IDLE_SECONDS = 5.0


def install_sqlite_pragmas(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def ping_when_idle(engine: Engine, idle_seconds: float = PING_AFTER_IDLE_SECONDS) -> None:
    """Ping a pooled connection before use only when it sat idle ``idle_seconds`` or more.

    ``pool_pre_ping`` pings on every checkout: one more round trip per request (7 per application's
    lifecycle, ~2% of a loaded worker's time). A connection used moments ago by this process is
    alive; one that sat idle may have been cut by a database restart or a firewall, and is pinged
    with the dialect's own ping. A failed ping raises :class:`DisconnectionError`, on which the pool
    discards the connection and checks out another (SQLAlchemy's documented hook)."""
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "connect")
    def _fresh(_dbapi_conn, record):
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_conn, record):
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _before_use(dbapi_conn, record, _proxy):
        if time.monotonic() - record.info.get("idle_since", 0.0) < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError("the pooled connection did not answer a ping") from exc


def is_postgres(session_or_engine) -> bool:
    bind = getattr(session_or_engine, "bind", None) or session_or_engine.get_bind()
    return bind.dialect.name == "postgresql"
