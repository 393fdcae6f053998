"""stored_blob.content: stored out of line without compression (PostgreSQL)

Revision ID: blob01
Revises: place01
Create Date: 2026-12-03 15:55:00

Certificates and uploads are PDFs and images, compressed already: TOAST's compression attempt on
``content`` saved nothing and cost ~4 ms of server time per certificate inside the approval
(docs/performance.md §8). ``SET STORAGE EXTERNAL`` applies to rows written from now on; old rows
stay as they are and read the same. SQLite has no such setting.
"""
from alembic import op

revision = 'blob01'
down_revision = 'place01'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE stored_blob ALTER COLUMN content SET STORAGE EXTERNAL")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE stored_blob ALTER COLUMN content SET STORAGE EXTENDED")
