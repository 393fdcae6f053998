"""MIS counts tables kept by triggers, and the partial index of open SLA steps past due

Revision ID: mis01
Revises: perf02
Create Date: 2026-12-03 12:40:00

The district summary aggregated every application of the district (0.7–3.3 s at 100,000,
docs/performance.md). Counts per (place, service, IST submission day) and per (place, office,
officer, IST day opened), and officers' actions per (place, officer, IST day), are kept exact by
triggers on ``application``, ``sla_step`` and ``audit_event``
(app/models/mis_triggers.py, the same SQL ``create_all`` installs) and backfilled here with one
grouped INSERT per table.
"""
from alembic import op
import sqlalchemy as sa

from app.models import mis_triggers


revision = 'mis01'
down_revision = 'perf02'
branch_labels = None
depends_on = None

OPEN = sa.text("done_at IS NULL")
SECONDS = sa.Numeric(20, 6).with_variant(sa.Float(), 'sqlite')


def _count(name):
    return sa.Column(name, sa.Integer(), server_default='0', nullable=False)


def upgrade():
    op.create_table('mis_application_count',
                    sa.Column('location_id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('service_id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('day', sa.Date(), autoincrement=False, nullable=False),
                    _count('applications'), _count('pending'), _count('delivered'), _count('rejected'),
                    _count('decided'),
                    sa.Column('decided_seconds', SECONDS, server_default='0', nullable=False),
                    _count('steps_done'), _count('steps_on_time'),
                    sa.PrimaryKeyConstraint('location_id', 'service_id', 'day', name=op.f('pk_mis_application_count')))
    op.create_table('mis_step_count',
                    sa.Column('location_id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('office_id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('officer_id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('day', sa.Date(), autoincrement=False, nullable=False),
                    _count('steps'), _count('open'), _count('done'), _count('rejected'), _count('late'),
                    _count('done_late'), _count('on_time'),
                    sa.Column('done_seconds', SECONDS, server_default='0', nullable=False),
                    sa.PrimaryKeyConstraint('location_id', 'office_id', 'officer_id', 'day',
                                            name=op.f('pk_mis_step_count')))
    op.create_table('mis_officer_action',
                    sa.Column('location_id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('actor_id', sa.Integer(), autoincrement=False, nullable=False),
                    sa.Column('day', sa.Date(), autoincrement=False, nullable=False),
                    _count('actions'), _count('delegated'),
                    sa.PrimaryKeyConstraint('location_id', 'actor_id', 'day', name=op.f('pk_mis_officer_action')))
    with op.batch_alter_table('sla_step', schema=None) as batch_op:
        batch_op.create_index('ix_sla_step_open_due', ['due_at'], unique=False,
                              postgresql_where=OPEN, sqlite_where=OPEN)
    connection = op.get_bind()
    # Triggers first, then the backfill, in this one transaction: creating a trigger waits for the
    # writers of its table and holds theirs off until the commit, so no write falls between the two.
    mis_triggers.create(connection)
    mis_triggers.rebuild(connection)


def downgrade():
    mis_triggers.drop(op.get_bind())
    with op.batch_alter_table('sla_step', schema=None) as batch_op:
        batch_op.drop_index('ix_sla_step_open_due')
    op.drop_table('mis_officer_action')
    op.drop_table('mis_step_count')
    op.drop_table('mis_application_count')
