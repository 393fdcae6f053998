"""certificate status-list entry; DigiLocker document type per service

Revision ID: qr01
Revises: journeys01
Create Date: 2026-12-03 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'qr01'
down_revision = 'journeys01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_list', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('status_index', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint('uq_certificate_status_entry', ['status_list', 'status_index'])
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.add_column(sa.Column('digilocker_doc_type', sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table('service', schema=None) as batch_op:
        batch_op.drop_column('digilocker_doc_type')
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_constraint('uq_certificate_status_entry', type_='unique')
        batch_op.drop_column('status_index')
        batch_op.drop_column('status_list')
