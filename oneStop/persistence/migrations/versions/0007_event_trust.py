"""events a counter can trust: signed, checked, and set aside when they fail

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 20:00:00

* ``counters.signing_key`` / ``public_key``: this PC's counter signs its events (Ed25519);
* ``events.signature``: the signature of an event's content hash by the counter that wrote it;
* ``set_aside_events``: events from another counter that failed the vocabulary's checks (an
  unknown kind, a bad payload, an actor without the permission, a code already taken, a bad
  signature): kept, not applied, for a supervisor or an administrator to settle;
* ``settings.takes_effect`` / ``previous``: a change of the dossier numbers' block or digits
  takes effect from the next day;
* ``daily_sequences.block_first`` / ``block_last`` / ``digits``: a day's block, fixed once its
  first code is issued.
"""
from alembic import op
import sqlalchemy as sa

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("counters", sa.Column("signing_key", sa.String(length=64), nullable=True))
    op.add_column("counters", sa.Column("public_key", sa.String(length=64), nullable=True))
    op.add_column("events", sa.Column("signature", sa.String(length=100), nullable=True))
    op.add_column("settings", sa.Column("takes_effect", sa.Date(), nullable=True))
    op.add_column("settings", sa.Column("previous", sa.Text(), nullable=True))
    for column in ("block_first", "block_last", "digits"):
        op.add_column("daily_sequences", sa.Column(column, sa.Integer(), nullable=True))
    op.create_table(
        "set_aside_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("counter_id", sa.String(length=60), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("actor", sa.String(length=60), nullable=False),
        sa.Column("dossier_id", sa.Uuid(), nullable=True),
        sa.Column("device_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("business_time", sa.String(length=40), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("schema", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.String(length=100), nullable=True),
        sa.Column("central_seq", sa.BigInteger(), nullable=True),
        sa.Column("stream", sa.String(length=40), nullable=False),
        sa.Column("problem", sa.String(length=20), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("set_aside_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_by", sa.String(length=50), server_default="", nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision", sa.String(length=20), server_default="", nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_set_aside_events")),
    )
    op.create_index("ix_set_aside_events_dossier", "set_aside_events", ["dossier_id"])
    op.create_index("ix_set_aside_events_settled", "set_aside_events", ["settled_at"])


def downgrade() -> None:
    op.drop_index("ix_set_aside_events_settled", table_name="set_aside_events")
    op.drop_index("ix_set_aside_events_dossier", table_name="set_aside_events")
    op.drop_table("set_aside_events")
    with op.batch_alter_table("daily_sequences") as batch:
        for column in ("digits", "block_last", "block_first"):
            batch.drop_column(column)
    with op.batch_alter_table("settings") as batch:
        batch.drop_column("previous")
        batch.drop_column("takes_effect")
    with op.batch_alter_table("events") as batch:
        batch.drop_column("signature")
    with op.batch_alter_table("counters") as batch:
        batch.drop_column("public_key")
        batch.drop_column("signing_key")
