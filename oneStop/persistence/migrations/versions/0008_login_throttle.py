"""sign-in failures counted on this PC, so that guessing passwords is slowed down

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 10:00:00

* ``login_throttle``: per known user (``user:<name>``), per group of unknown names
  (``name:<4 hex digits of a hash>``, never the typed text) and for the whole PC (``pc``), the
  failures in a row and the last one's time. Local to this PC: never synced.
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )


def downgrade() -> None:
    op.drop_table("login_throttle")
