"""Database engine behaviour that must hold on every connection.

SQLite: WAL journal, foreign keys on, and every transaction opened with ``BEGIN IMMEDIATE`` so that
two processes claiming the same row serialise instead of both reading it (OPS-NOTES: the driver's
default deferred mode gave thousands of duplicates). PostgreSQL needs nothing here: claims use
``FOR UPDATE [SKIP LOCKED]``.
"""
from sqlalchemy import event
from sqlalchemy.engine import Engine


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


def is_postgres(session_or_engine) -> bool:
    bind = getattr(session_or_engine, "bind", None) or session_or_engine.get_bind()
    return bind.dialect.name == "postgresql"
