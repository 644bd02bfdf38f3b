"""agency identifiers of Quyết định 20/2020/QĐ-TTg (amended by 09/2025): up to 35 characters

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 13:00:00

* Agency codes (``agencies.code``, ``counters.agency_code``, ``dossiers.agency_code``,
  ``daily_sequences.agency_code``) hold 35 characters instead of 13, and dossier codes
  (``dossiers.code``, ``handover_items.code``) 64 instead of 40 (35 + ``-yymmdd-`` + 7 digits).
  SQLite does not enforce these lengths; the declared types follow the model.
"""
from alembic import op
import sqlalchemy as sa

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

#: (table, column, old length, new length)
WIDENED = (
    ("agencies", "code", 13, 35),
    ("counters", "agency_code", 13, 35),
    ("daily_sequences", "agency_code", 13, 35),
    ("dossiers", "agency_code", 13, 35),
    ("dossiers", "code", 40, 64),
    ("handover_items", "code", 40, 64),
)


def _alter(grow: bool) -> None:
    for table in dict.fromkeys(t for t, *_ in WIDENED):
        with op.batch_alter_table(table) as batch:
            for name, column, old, new in WIDENED:
                if name == table:
                    batch.alter_column(column, existing_type=sa.String(old if grow else new),
                                       type_=sa.String(new if grow else old), existing_nullable=False)


def upgrade() -> None:
    _alter(grow=True)


def downgrade() -> None:
    _alter(grow=False)
