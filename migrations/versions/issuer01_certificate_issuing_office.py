"""certificate.issuing_office_id: the office of the posting that approved

Revision ID: issuer01
Revises: blob01
Create Date: 2026-12-03 16:55:00

The certificate prints, and signs into its QR, the office of the posting that approved (a Gram
Panchayat-verified, BDO-approved application: the BDO's office). The verify page, the lookup API and
DigiLocker's DataContent named the application's processing office instead, so the verify page
called a genuine certificate of such a service a mismatch. Existing rows get the office of the last
task their issuing officer closed on the application (the approval), else the processing office.
"""
from alembic import op
import sqlalchemy as sa

revision = 'issuer01'
down_revision = 'blob01'
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issuing_office_id', ID, nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_certificate_issuing_office_id_office'), 'office',
                                    ['issuing_office_id'], ['id'])
    op.execute("""
        UPDATE certificate SET issuing_office_id = COALESCE(
            (SELECT wi.office_id FROM work_item wi
              WHERE wi.application_id = certificate.application_id AND wi.closed_by_id = certificate.issued_by_id
                AND wi.office_id IS NOT NULL AND wi.closed_at IS NOT NULL
              ORDER BY wi.closed_at DESC, wi.id DESC LIMIT 1),
            (SELECT a.processing_office_id FROM application a WHERE a.id = certificate.application_id))
    """)


def downgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_certificate_issuing_office_id_office'), type_='foreignkey')
        batch_op.drop_column('issuing_office_id')
