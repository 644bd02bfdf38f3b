"""replication bookkeeping and the index of events waiting to be pushed

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 05:10:00
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_state",
        sa.Column("key", sa.String(length=50), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sync_state")),
    )
    op.create_index("ix_events_counter_central", "events", ["counter_id", "central_seq", "seq"])


def downgrade() -> None:
    op.drop_index("ix_events_counter_central", table_name="events")
    op.drop_table("sync_state")
