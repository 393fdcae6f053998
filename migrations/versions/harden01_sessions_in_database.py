"""logins as rows: page sessions beside bearer tokens, with an idle clock

Revision ID: harden01
Revises: ops01
Create Date: 2026-12-03 06:00:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


revision = 'harden01'
down_revision = 'ops01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=10), server_default='api', nullable=False))
        batch_op.add_column(sa.Column('last_used_at', app.models.types.UtcDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('last_used_at')
        batch_op.drop_column('kind')
