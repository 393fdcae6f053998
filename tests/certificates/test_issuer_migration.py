"""Migration ``issuer01``: existing certificates get the office of the task their issuing officer
closed last on the application (the approval), else the application's processing office."""
import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app.extensions import db
from tests.backfill import empty, migration_app, write_bare_rows

pytestmark = pytest.mark.no_db

ROWS = [
    "INSERT INTO office (id, code, name, level, location_id) VALUES (1, 'GP-1', 'Raipur GP', 'GP', 1), "
    "(2, 'BDO-1', 'Office of the BDO', 'BLOCK', 1)",
    "INSERT INTO application (id, ain, service_id, applicant_name, language, location_id, channel, status, tatkal, "
    "data, submitted_at, updated_at, processing_office_id) VALUES "
    "(1, 'A-1', 1, 'x', 'en', 1, 'WEB', 'DELIVERED', false, '{}', '2026-01-01', '2026-01-01', 1), "
    "(2, 'A-2', 1, 'y', 'en', 1, 'WEB', 'DELIVERED', false, '{}', '2026-01-01', '2026-01-01', 1)",
    # the Pradhan verified at the GP, the BDO (user 7) approved at the block; A-2: no closed task
    "INSERT INTO work_item (id, instance_id, application_id, task_guid, task_key, task_name, role, office_id, "
    "tatkal, escalation_level, app_submitted_at, created_at, closed_at, closed_by_id, outcome) VALUES "
    "(1, 1, 1, 'g1', 'verify', 'Verify', 'PRADHAN', 1, false, 0, '2026-01-01', '2026-01-01', '2026-01-02', 6, "
    "'verify'), "
    "(2, 1, 1, 'g2', 'approve', 'Approve', 'BDO', 2, false, 0, '2026-01-01', '2026-01-02', '2026-01-03', 7, "
    "'approve')",
    "INSERT INTO certificate (id, uin, application_id, service_id, pdf_path, pdf_sha256, signer_name, issued_at, "
    "issued_by_id, status) VALUES (1, 'PRD0012026000001', 1, 1, 'p', 's', 'n', '2026-01-03', 7, 'VALID'), "
    "(2, 'PRD0012026000002', 2, 1, 'p', 't', 'n', '2026-01-03', 7, 'VALID')",
]


def _check(app):
    with app.app_context():
        upgrade(revision="blob01")
        write_bare_rows(ROWS)
        upgrade(revision="issuer01")
        with db.engine.connect() as conn:
            offices = dict(conn.execute(text("SELECT uin, issuing_office_id FROM certificate")).all())
        assert offices == {"PRD0012026000001": 2, "PRD0012026000002": 1}
        downgrade(revision="blob01")
        empty("certificate", "work_item", "application", "office")


def test_backfill_on_sqlite(tmp_path, app_config):
    _check(migration_app(app_config, tmp_path))


def test_backfill_on_postgresql(app_config):
    _check(migration_app(app_config))
