"""Migration ``chain01``: the head of each application's audit chain is backfilled onto its row."""
import os

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db

pytestmark = pytest.mark.no_db


def _rows(conn):
    conn.execute(text("INSERT INTO application (id, ain, service_id, applicant_name, language, location_id, channel, "
                      "status, tatkal, data, submitted_at, updated_at) VALUES "
                      "(1, 'A-1', 1, 'x', 'en', 1, 'WEB', 'SUBMITTED', false, '{}', '2026-01-01', '2026-01-01'), "
                      "(2, 'A-2', 1, 'y', 'en', 1, 'WEB', 'SUBMITTED', false, '{}', '2026-01-01', '2026-01-01')"))
    events = [(1, "application", "A-1", None, "h1"), (2, "application", "A-2", None, "h2"),
              (3, "application", "A-1", "h1", "h3"), (4, "certificate", "A-1", None, "c1"),
              (5, "application", "A-1", "h3", "h5")]
    for id_, type_, key, prev, hash_ in events:
        conn.execute(text("INSERT INTO audit_event (id, at, action, object_type, object_key, prev_hash, hash) "
                          "VALUES (:id, '2026-01-01', 'x', :t, :k, :p, :h)"),
                     {"id": id_, "t": type_, "k": key, "p": prev, "h": hash_})


def _check(app):
    with app.app_context():
        upgrade(revision="mis01")
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.execute(text("SET LOCAL session_replication_role = replica"))   # bare rows: no catalogue
                _rows(conn)
        else:
            with db.engine.connect() as conn:
                # foreign keys off (only outside a transaction: the driver's own connection autocommits)
                conn.connection.driver_connection.execute("PRAGMA foreign_keys = OFF")
                with conn.begin():
                    _rows(conn)
        upgrade(revision="chain01")
        with db.engine.connect() as conn:
            heads = dict(conn.execute(text("SELECT ain, audit_head FROM application")).all())
        assert heads == {"A-1": "h5", "A-2": "h2"}   # the last application event, not the certificate's
        downgrade(revision="mis01")
        with db.engine.begin() as conn:   # the database can serve the next run
            conn.execute(text("DELETE FROM audit_event"))
            conn.execute(text("DELETE FROM application"))


def test_backfill_on_sqlite(tmp_path, app_config):
    app_config.use_database(f"sqlite:///{tmp_path / 'migrated.db'}")
    _check(create_app(app_config))


def test_backfill_on_postgresql(app_config):
    url = os.environ.get("PRAVAH_MIGRATION_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.skip("set PRAVAH_MIGRATION_TEST_DATABASE_URL to an empty PostgreSQL database of your own")
    app_config.use_database(url)
    _check(create_app(app_config))
