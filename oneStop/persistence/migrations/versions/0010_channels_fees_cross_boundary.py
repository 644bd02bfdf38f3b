"""the 2025 regime's catalog and reception: fees per channel, cross-boundary reception, fees collected

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 15:30:00

* ``procedures.fees``: the fee of the channels whose fee differs from ``fee`` (JSON,
  ``{"online": 25000}``); ``procedures.cross_boundary_from``: the day from which a dossier of the
  procedure is received regardless of the administrative boundary (rules §11.7), NULL if never.
* ``dossiers.cross_boundary``: the dossier was received so; ``dossiers.fee_collected``: what was
  collected, when, at which stage and through which channel (rules §11.9), JSON.
* The new channels ("vneid", "assisted") fit ``dossiers.channel`` (10 characters); a document's
  ``from_data`` mark lives in the JSON of ``procedures.documents`` and ``dossiers.documents``.
  Existing rows take the defaults: no fee per channel, not open, not cross-boundary, and nothing
  recorded as collected (their fee stays in ``dossiers.fee``).
"""
from alembic import op
import sqlalchemy as sa

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("procedures") as batch:
        batch.add_column(sa.Column("fees", sa.Text(), server_default="{}", nullable=False))
        batch.add_column(sa.Column("cross_boundary_from", sa.Date(), nullable=True))
    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("cross_boundary", sa.Boolean(), server_default="0", nullable=False))
        batch.add_column(sa.Column("fee_collected", sa.Text(), server_default="[]", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_column("fee_collected")
        batch.drop_column("cross_boundary")
    with op.batch_alter_table("procedures") as batch:
        batch.drop_column("cross_boundary_from")
        batch.drop_column("fees")
