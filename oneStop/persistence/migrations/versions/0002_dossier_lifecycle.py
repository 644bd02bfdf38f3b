"""dossier lifecycle columns in the projection

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 03:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # ADD COLUMN with constant defaults: O(1) on SQLite, no table rebuild on a large database.
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("processing_agency", sa.String(300), server_default="", nullable=False))
        batch.add_column(sa.Column("transferred_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("result_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("finished_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("supplement_count", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("paused_seconds", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("paused_since", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("resume_status", sa.String(30), nullable=True))
        batch.add_column(sa.Column("apology_count", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("original_due_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("conflicts", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("deadline_date", sa.Date(), nullable=True))
        batch.add_column(sa.Column("finished_late", sa.Boolean(), nullable=True))
    # existing dossiers: the deadline is the appointment (no waits, no apology before 0002)
    op.execute("UPDATE dossiers SET deadline_at = due_at, deadline_date = date(due_at, '+7 hours')"
               if op.get_bind().dialect.name == "sqlite" else
               "UPDATE dossiers SET deadline_at = due_at, deadline_date = (due_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date")
    op.create_index("ix_dossiers_finished_date", "dossiers", ["finished_date"])
    op.create_index("ix_dossiers_received_by_date", "dossiers", ["received_by", "received_date"])


def downgrade() -> None:
    op.drop_index("ix_dossiers_received_by_date", table_name="dossiers")
    op.drop_index("ix_dossiers_finished_date", table_name="dossiers")
    with op.batch_alter_table("dossiers") as batch:
        for name in (
            "finished_late", "deadline_date", "deadline_at", "conflicts", "original_due_at", "apology_count", "resume_status", "paused_since", "paused_seconds",
            "supplement_count", "finished_date", "finished_at", "returned_at", "result_at", "transferred_at",
            "processing_agency",
        ):
            batch.drop_column(name)
