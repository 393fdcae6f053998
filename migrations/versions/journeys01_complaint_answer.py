"""complaint answer: the DM's (or SDO's) answer that closes a complaint

Revision ID: journeys01
Revises: lead01
Create Date: 2026-12-03 06:15:00

"""
from alembic import op
import sqlalchemy as sa

import app.models.types


revision = 'journeys01'
down_revision = 'lead01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer', sa.String(length=4000), nullable=True))
        batch_op.add_column(sa.Column('answered_by_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                                      nullable=True))
        batch_op.add_column(sa.Column('answered_at', app.models.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_complaint_answered_by_id_user_account'), 'user_account',
                                    ['answered_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_complaint_answered_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('answered_at')
        batch_op.drop_column('answered_by_id')
        batch_op.drop_column('answer')
