"""counter roles and row-level security

Revision ID: c0002
Revises: c0001
Create Date: 2026-11-23 05:30:00

Each counter connects with its own database role. Row-level security lets it insert only
events signed with its own counter identity and read only its agency's events. Central
numbers come from a one-row counter table updated under the push lock, so they stay
contiguous and in commit order without any role seeing other agencies' rows.
"""
from alembic import op
import sqlalchemy as sa

revision = "c0002"
down_revision = "c0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "central_counter_roles",
        sa.Column("role_name", sa.String(63), nullable=False),
        sa.Column("counter_id", sa.String(40), nullable=False),
        sa.Column("agency_code", sa.String(13), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("role_name", name="pk_central_counter_roles"),
        sa.UniqueConstraint("counter_id", name="uq_central_counter_roles_counter_id"),
    )
    op.create_table(
        "central_numbering",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_central_numbering"),
    )
    op.execute("INSERT INTO central_numbering (id, last_seq) SELECT 1, coalesce(max(central_seq), 0) FROM central_events")
    op.execute("ALTER TABLE central_events ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE central_quarantine ENABLE ROW LEVEL SECURITY")
    # the owner (the administrator who runs migrations) is not subject to these policies
    op.execute("""
        CREATE POLICY counter_reads_its_agency ON central_events FOR SELECT
        USING (agency_code = (SELECT r.agency_code FROM central_counter_roles r WHERE r.role_name = current_user))
    """)
    op.execute("""
        CREATE POLICY counter_inserts_its_own ON central_events FOR INSERT
        WITH CHECK (counter_id = (SELECT r.counter_id FROM central_counter_roles r WHERE r.role_name = current_user)
                    AND agency_code = (SELECT r.agency_code FROM central_counter_roles r
                                       WHERE r.role_name = current_user))
    """)
    op.execute("""
        CREATE POLICY counter_quarantines_its_own ON central_quarantine FOR INSERT
        WITH CHECK (counter_id = (SELECT r.counter_id FROM central_counter_roles r WHERE r.role_name = current_user))
    """)
    op.execute("""
        CREATE POLICY counter_reads_its_quarantine ON central_quarantine FOR SELECT
        USING (counter_id = (SELECT r.counter_id FROM central_counter_roles r WHERE r.role_name = current_user))
    """)
    op.execute("DO $$ BEGIN CREATE ROLE onestop_counter NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    op.execute("GRANT SELECT, INSERT ON central_events TO onestop_counter")
    op.execute("GRANT SELECT, INSERT ON central_quarantine TO onestop_counter")
    op.execute("GRANT USAGE ON SEQUENCE central_quarantine_id_seq TO onestop_counter")
    op.execute("GRANT SELECT ON central_counter_roles TO onestop_counter")
    op.execute("GRANT SELECT, UPDATE ON central_numbering TO onestop_counter")


def downgrade() -> None:
    op.execute("REVOKE ALL ON central_events, central_quarantine, central_counter_roles, central_numbering "
               "FROM onestop_counter")
    op.execute("DROP POLICY IF EXISTS counter_reads_its_quarantine ON central_quarantine")
    op.execute("DROP POLICY IF EXISTS counter_quarantines_its_own ON central_quarantine")
    op.execute("DROP POLICY IF EXISTS counter_inserts_its_own ON central_events")
    op.execute("DROP POLICY IF EXISTS counter_reads_its_agency ON central_events")
    op.execute("ALTER TABLE central_quarantine DISABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE central_events DISABLE ROW LEVEL SECURITY")
    op.drop_table("central_numbering")
    op.drop_table("central_counter_roles")
