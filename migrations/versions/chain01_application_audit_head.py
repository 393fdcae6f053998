"""application.audit_head: the head of each application's audit chain kept on its row

Revision ID: chain01
Revises: mis01
Create Date: 2026-12-03 12:40:00

An officer action selected the last hash of the application's chain before appending (one statement)
and two writers could both read the same hash and fork the chain. The head now lives on the
application row, which the action updates anyway and whose lock serialises appends. Backfilled from
the last event of every application's chain with one UPDATE … FROM (a single grouped pass over
``audit_event``, fine at a million applications).
"""
from alembic import op
import sqlalchemy as sa


revision = 'chain01'
down_revision = 'mis01'
branch_labels = None
depends_on = None

BACKFILL = """
UPDATE application SET audit_head = head.hash
FROM (SELECT audit_event.object_key AS ain, audit_event.hash AS hash
      FROM audit_event
      JOIN (SELECT max(id) AS id FROM audit_event WHERE object_type = 'application' GROUP BY object_key) AS last
        ON last.id = audit_event.id) AS head
WHERE application.ain = head.ain
"""


def upgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('audit_head', sa.String(length=64), nullable=True))
    op.execute(BACKFILL)


def downgrade():
    # ALTER TABLE … DROP COLUMN on both (SQLite ≥ 3.35): a batch copy of the table would drop the MIS
    # triggers on it (mis01) and trip over those on other tables that name it.
    op.execute("ALTER TABLE application DROP COLUMN audit_head")
