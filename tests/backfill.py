"""Testing a migration's backfill: bare rows written at the revision before it, then upgraded, on a
SQLite file and on PostgreSQL (``PRAVAH_MIGRATION_TEST_DATABASE_URL``, an empty database of your own)."""
import os

import pytest
from sqlalchemy import text

from app import create_app
from app.extensions import db


def migration_app(app_config, tmp_path=None):
    """The app on a fresh SQLite file (``tmp_path`` given) or on the PostgreSQL migration database
    (skips when ``PRAVAH_MIGRATION_TEST_DATABASE_URL`` is not set)."""
    if tmp_path is not None:
        app_config.use_database(f"sqlite:///{tmp_path / 'migrated.db'}")
    else:
        url = os.environ.get("PRAVAH_MIGRATION_TEST_DATABASE_URL", "")
        if not url.startswith("postgresql"):
            pytest.skip("set PRAVAH_MIGRATION_TEST_DATABASE_URL to an empty PostgreSQL database of your own")
        app_config.use_database(url)
    return create_app(app_config)


def write_bare_rows(statements) -> None:
    """Run ``statements`` (SQL text) without foreign-key checks: bare rows, no catalogue behind them.
    Inside an app context."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for sql in statements:
                conn.execute(text(sql))
    else:
        with db.engine.connect() as conn:
            # foreign keys off (only outside a transaction: the driver's own connection autocommits)
            conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
            with conn.begin():
                for sql in statements:
                    conn.execute(text(sql))


def empty(*tables) -> None:
    """Delete the rows a check wrote, children first, so the database can serve the next run."""
    with db.engine.begin() as conn:
        for table in tables:
            conn.execute(text(f"DELETE FROM {table}"))
