"""indexes for a million applications: open-queue and open-due partial indexes, officer's last task

Revision ID: scale01
Revises: harden01
Create Date: 2026-12-03 06:10:00

Measured with bench/scale.py (docs/performance.md): the inbox sorted every open item of the office,
the MIS counted overdue items with a probe per application, and the inbox's recall offer scanned
every work item for the officer's last one.
"""
from alembic import op
import sqlalchemy as sa


revision = 'scale01'
down_revision = 'harden01'
branch_labels = None
depends_on = None

OPEN = sa.text("closed_at IS NULL")


def upgrade():
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.drop_index('ix_work_item_inbox')
        batch_op.create_index('ix_work_item_open_queue', ['office_id', 'role', 'tatkal', 'app_submitted_at', 'id',
                                                          'assignee_id'],
                              unique=False, postgresql_ops={'tatkal': 'DESC'}, postgresql_where=OPEN,
                              sqlite_where=OPEN)
        batch_op.create_index('ix_work_item_open_due', ['due_at'], unique=False,
                              postgresql_where=OPEN, sqlite_where=OPEN)
        batch_op.create_index('ix_work_item_closed_by', ['closed_by_id', 'closed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.drop_index('ix_work_item_closed_by')
        batch_op.drop_index('ix_work_item_open_due')
        batch_op.drop_index('ix_work_item_open_queue')
        batch_op.create_index('ix_work_item_inbox', ['office_id', 'role', 'closed_at', 'tatkal', 'app_submitted_at'],
                              unique=False)
