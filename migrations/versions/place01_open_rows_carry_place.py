"""work_item.location_id, sla_step.location_id/service_id: the MIS counts open work past due per place
from the open rows alone

Revision ID: place01
Revises: chain01
Create Date: 2026-12-03 14:15:00

The MIS's live part (open items and SLA steps past due, per place or service) looked each open row's
application up: 38,737 look-ups, ~400 ms per count at 1,000,000 applications (docs/performance.md
§7). The rows now carry their application's place (and the step its service) as the work item
already carries its service; the open-due partial indexes cover those columns on PostgreSQL.
The MIS triggers are dropped around the table changes (a SQLite batch copy trips over triggers that
name the table) and created again, now also carrying a corrected place to the open rows.
"""
from alembic import op
import sqlalchemy as sa

from app.models import mis_triggers

revision = 'place01'
down_revision = 'chain01'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
OPEN_ITEM, OPEN_STEP = sa.text("closed_at IS NULL"), sa.text("done_at IS NULL")
ITEM_INCLUDE = ["location_id", "service_id", "application_id"]
STEP_INCLUDE = ["location_id", "service_id", "application_id", "office_id", "officer_id", "late_seconds"]


def upgrade():
    bind = op.get_bind()
    mis_triggers.drop(bind)
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('location_id', ID, nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_work_item_location_id_location'), 'location', ['location_id'],
                                    ['id'])
    with op.batch_alter_table('sla_step', schema=None) as batch_op:
        batch_op.add_column(sa.Column('location_id', ID, nullable=True))
        batch_op.add_column(sa.Column('service_id', ID, nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_sla_step_location_id_location'), 'location', ['location_id'],
                                    ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_sla_step_service_id_service'), 'service', ['service_id'], ['id'])
    op.execute("UPDATE work_item SET location_id = (SELECT application.location_id FROM application "
               "WHERE application.id = work_item.application_id)")
    op.execute("UPDATE sla_step SET location_id = (SELECT application.location_id FROM application "
               "WHERE application.id = sla_step.application_id), service_id = (SELECT application.service_id "
               "FROM application WHERE application.id = sla_step.application_id)")
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.drop_index('ix_work_item_open_due')
        batch_op.create_index('ix_work_item_open_due', ['due_at'], unique=False, postgresql_include=ITEM_INCLUDE,
                              postgresql_where=OPEN_ITEM, sqlite_where=OPEN_ITEM)
    with op.batch_alter_table('sla_step', schema=None) as batch_op:
        batch_op.drop_index('ix_sla_step_open_due')
        batch_op.create_index('ix_sla_step_open_due', ['due_at'], unique=False, postgresql_include=STEP_INCLUDE,
                              postgresql_where=OPEN_STEP, sqlite_where=OPEN_STEP)
    mis_triggers.create(bind)


def downgrade():
    bind = op.get_bind()
    mis_triggers.drop(bind)
    with op.batch_alter_table('sla_step', schema=None) as batch_op:
        batch_op.drop_index('ix_sla_step_open_due')
        batch_op.create_index('ix_sla_step_open_due', ['due_at'], unique=False, postgresql_where=OPEN_STEP,
                              sqlite_where=OPEN_STEP)
        batch_op.drop_constraint(batch_op.f('fk_sla_step_service_id_service'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_sla_step_location_id_location'), type_='foreignkey')
        batch_op.drop_column('service_id')
        batch_op.drop_column('location_id')
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.drop_index('ix_work_item_open_due')
        batch_op.create_index('ix_work_item_open_due', ['due_at'], unique=False, postgresql_where=OPEN_ITEM,
                              sqlite_where=OPEN_ITEM)
        batch_op.drop_constraint(batch_op.f('fk_work_item_location_id_location'), type_='foreignkey')
        batch_op.drop_column('location_id')
    mis_triggers.create(bind)
