"""work_item.service_id and the open-items menu index: the web inbox's filter menus without a join

Revision ID: perf02
Revises: scale01
Create Date: 2026-12-03 09:20:00

The filter menus read every open item of the office joined to its application for the service
(435 ms at 1,000,000 applications, docs/performance.md). The service is copied onto the work item
when it is opened, like ``tatkal``, and a partial index answers the menus from the index alone.
"""
from alembic import op
import sqlalchemy as sa


revision = 'perf02'
down_revision = 'scale01'
branch_labels = None
depends_on = None

OPEN = sa.text("closed_at IS NULL")


def upgrade():
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('service_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_work_item_service_id_service'), 'service', ['service_id'], ['id'])
    op.execute("UPDATE work_item SET service_id = (SELECT application.service_id FROM application "
               "WHERE application.id = work_item.application_id)")
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.create_index('ix_work_item_open_menu', ['office_id', 'role', 'service_id', 'task_key', 'assignee_id',
                                                         'id'],
                              unique=False, postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade():
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.drop_index('ix_work_item_open_menu')
        batch_op.drop_constraint(batch_op.f('fk_work_item_service_id_service'), type_='foreignkey')
        batch_op.drop_column('service_id')
