"""stored blobs (documents and certificates without a shared disk) and the scheduler's heartbeat

Revision ID: ops01
Revises: qr01
Create Date: 2026-12-03 06:10:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


# revision identifiers, used by Alembic.
revision = 'ops01'
down_revision = 'qr01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('stored_blob',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', app.models.types.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_stored_blob'))
    )
    op.create_table('scheduler_state',
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('started_at', app.models.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('heartbeat_at', app.models.types.UtcDateTime(timezone=True), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('last_error_at', app.models.types.UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduler_state'))
    )
    with op.batch_alter_table('scheduler_state', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scheduler_state_heartbeat_at'), ['heartbeat_at'], unique=False)


def downgrade():
    with op.batch_alter_table('scheduler_state', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scheduler_state_heartbeat_at'))
    op.drop_table('scheduler_state')
    op.drop_table('stored_blob')
