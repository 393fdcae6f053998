"""Migration ``chain01``: the head of each application's audit chain is backfilled onto its row."""
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app.extensions import db
from tests.backfill import empty, migration_app, write_bare_rows

pytestmark = pytest.mark.no_db


def _rows():
    statements = ["INSERT INTO application (id, ain, service_id, applicant_name, language, location_id, channel, "
                  "status, tatkal, data, submitted_at, updated_at) VALUES "
                  "(1, 'A-1', 1, 'x', 'en', 1, 'WEB', 'SUBMITTED', false, '{}', '2026-01-01', '2026-01-01'), "
                  "(2, 'A-2', 1, 'y', 'en', 1, 'WEB', 'SUBMITTED', false, '{}', '2026-01-01', '2026-01-01')"]
    events = [(1, "application", "A-1", None, "h1"), (2, "application", "A-2", None, "h2"),
              (3, "application", "A-1", "h1", "h3"), (4, "certificate", "A-1", None, "c1"),
              (5, "application", "A-1", "h3", "h5")]
    for id_, type_, key, prev, hash_ in events:
        prev_sql = f"'{prev}'" if prev else "NULL"
        statements.append("INSERT INTO audit_event (id, at, action, object_type, object_key, prev_hash, hash) "
                          f"VALUES ({id_}, '2026-01-01', 'x', '{type_}', '{key}', {prev_sql}, '{hash_}')")
    return statements


def _check(app):
    with app.app_context():
        upgrade(revision="mis01")
        write_bare_rows(_rows())
        upgrade(revision="chain01")
        with db.engine.connect() as conn:
            heads = dict(conn.execute(text("SELECT ain, audit_head FROM application")).all())
        assert heads == {"A-1": "h5", "A-2": "h2"}   # the last application event, not the certificate's
        downgrade(revision="mis01")
        empty("audit_event", "application")


def test_backfill_on_sqlite(tmp_path, app_config):
    _check(migration_app(app_config, tmp_path))


def test_backfill_on_postgresql(app_config):
    _check(migration_app(app_config))
