"""index for the periodic report's carried-over dossiers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 04:00:00

Dossiers carried over into a period were received before it and finished in it or later (or
not yet): (finished_date, received_date) lets both halves of that question be answered from
the index alone, on any month of a large database.
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_dossiers_finished_received", "dossiers", ["finished_date", "received_date"])
    op.drop_index("ix_dossiers_finished_date", table_name="dossiers")


def downgrade() -> None:
    op.create_index("ix_dossiers_finished_date", "dossiers", ["finished_date"])
    op.drop_index("ix_dossiers_finished_received", table_name="dossiers")
