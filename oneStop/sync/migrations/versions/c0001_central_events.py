"""central event log and quarantine

Revision ID: c0001
Revises:
Create Date: 2026-11-23 05:00:00
"""
from alembic import op
import sqlalchemy as sa

revision = "c0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "central_events",
        sa.Column("central_seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("agency_code", sa.String(13), nullable=False),
        sa.Column("counter_id", sa.String(40), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(60), nullable=False),
        sa.Column("dossier_id", sa.Uuid(), nullable=True),
        sa.Column("actor", sa.String(50), nullable=False),
        sa.Column("device_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("business_time", sa.String(32), nullable=False),
        sa.Column("business_date", sa.Date(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("schema", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("central_seq", name="pk_central_events"),
        sa.UniqueConstraint("id", name="uq_central_events_id"),
        sa.UniqueConstraint("counter_id", "seq", name="uq_central_events_counter_seq"),
    )
    op.create_index("ix_central_events_agency_seq", "central_events", ["agency_code", "central_seq"])
    op.create_table(
        "central_quarantine",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("counter_id", sa.String(40), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("event", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_central_quarantine"),
    )


def downgrade() -> None:
    op.drop_table("central_quarantine")
    op.drop_index("ix_central_events_agency_seq", table_name="central_events")
    op.drop_table("central_events")
