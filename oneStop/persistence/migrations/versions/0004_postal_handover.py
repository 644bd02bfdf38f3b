"""postal units and handover batches

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 04:30:00
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('handover_batches',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('direction', sa.String(length=3), nullable=False),
    sa.Column('postal_unit', sa.String(length=20), nullable=False),
    sa.Column('staff_name', sa.String(length=200), nullable=False),
    sa.Column('staff_id', sa.String(length=30), nullable=False),
    sa.Column('opened_by', sa.String(length=50), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_date', sa.Date(), nullable=False),
    sa.Column('closed_by', sa.String(length=50), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('corrections', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover_batches')),
    sa.UniqueConstraint('number', name=op.f('uq_handover_batches_number'))
    )
    op.create_index('ix_handover_batches_opened_date', 'handover_batches', ['opened_date'], unique=False)
    op.create_table('postal_units',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('phone', sa.String(length=15), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_postal_units'))
    )
    op.create_table('handover_items',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('batch_id', sa.Uuid(), nullable=False),
    sa.Column('dossier_id', sa.Uuid(), nullable=True),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('tracking', sa.String(length=40), nullable=False),
    sa.Column('added_by', sa.String(length=50), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('removed', sa.Boolean(), nullable=False),
    sa.Column('postal_fee', sa.BigInteger(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['handover_batches.id'], name=op.f('fk_handover_items_batch_id_handover_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover_items'))
    )
    op.create_index('ix_handover_items_batch', 'handover_items', ['batch_id'], unique=False)
    op.create_index('ix_handover_items_dossier', 'handover_items', ['dossier_id'], unique=False)
    op.create_index('ix_handover_items_tracking', 'handover_items', ['tracking'], unique=False)

    with op.batch_alter_table("dossiers") as batch:
        batch.add_column(sa.Column("returned_by_post", sa.Boolean(), server_default="0", nullable=False))
        batch.add_column(sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_dossiers_postal_tracking", "dossiers", ["postal_tracking"])
    op.execute(
        "UPDATE dossiers SET returned_by_post = 1 WHERE status = 'returned' AND return_method = 'post'"
    )


def downgrade() -> None:
    op.drop_index("ix_dossiers_postal_tracking", table_name="dossiers")
    with op.batch_alter_table("dossiers") as batch:
        batch.drop_column("delivered_at")
        batch.drop_column("returned_by_post")
    op.drop_index('ix_handover_items_tracking', table_name='handover_items')
    op.drop_index('ix_handover_items_dossier', table_name='handover_items')
    op.drop_index('ix_handover_items_batch', table_name='handover_items')
    op.drop_table('handover_items')
    op.drop_table('postal_units')
    op.drop_index('ix_handover_batches_opened_date', table_name='handover_batches')
    op.drop_table('handover_batches')

