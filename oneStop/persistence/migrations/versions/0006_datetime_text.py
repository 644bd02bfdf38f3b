"""one text form for every stored time

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 15:00:00

SQLAlchemy stores a time as ``2026-11-23 03:00:00.000000``. The bulk writer (pulled events,
rebuilt dossiers) left times to the SQLite driver, which writes ``2026-11-23 03:00:00`` when
the microseconds are zero (an appointment on the hour, say): the same instant, but the text
sorts and compares differently from the rest. The bulk writer now stores what SQLAlchemy
stores; this makes the rows already written the same.
"""
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

#: Every time column (``UtcDateTime``) of the schema at 0005.
_TIMES = {
    "users": ("created_at",),
    "procedures": ("updated_at",),
    "settings": ("updated_at",),
    "events": ("device_time",),
    "dossiers": ("received_at", "due_at", "updated_at", "transferred_at", "result_at", "returned_at",
                 "finished_at", "paused_since", "original_due_at", "deadline_at", "delivered_at"),
    "attachments": ("stored_at",),
    "postal_units": ("updated_at",),
    "handover_batches": ("opened_at", "closed_at"),
    "handover_items": ("added_at",),
    "sync_state": ("updated_at",),
}


def upgrade() -> None:
    for table, columns in _TIMES.items():
        for column in columns:
            op.execute(f"UPDATE {table} SET {column} = {column} || '.000000' WHERE length({column}) = 19")


def downgrade() -> None:
    pass  # both forms read back the same
