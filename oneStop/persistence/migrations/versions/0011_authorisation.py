"""the paper by which an applicant files for the dossier's owner (Thông tư 03/2025, Mẫu 01)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 00:10:00

* ``dossiers.authorisation``: the authorisation paper ("Giấy ủy quyền số 12/UQ ngày 01/12/2026")
  printed in the receipt's proxy block when someone files for another; existing rows take "".
"""
from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("authorisation", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_column("authorisation")
