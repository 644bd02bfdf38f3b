"""supervisor role: reads its agencies' events, writes nothing

Revision ID: c0003
Revises: c0002
Create Date: 2026-11-23 05:45:00

Counters write their own events; supervisors (and the province's reporting) read across the
counters of the agencies they are given; the administrator owns the schema. Three separate
roles.
"""
from alembic import op
import sqlalchemy as sa

revision = "c0003"
down_revision = "c0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "central_supervisor_roles",
        sa.Column("role_name", sa.String(63), nullable=False),
        sa.Column("agency_code", sa.String(13), nullable=False),
        sa.PrimaryKeyConstraint("role_name", "agency_code", name="pk_central_supervisor_roles"),
    )
    op.execute("DO $$ BEGIN CREATE ROLE onestop_supervisor NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$")
    op.execute("GRANT SELECT ON central_events, central_quarantine, central_supervisor_roles TO onestop_supervisor")
    # each policy applies to its own role only (a policy for everyone would make every role
    # read the other roles' mapping table)
    for policy, table in (("counter_reads_its_agency", "central_events"), ("counter_inserts_its_own", "central_events"),
                          ("counter_quarantines_its_own", "central_quarantine"),
                          ("counter_reads_its_quarantine", "central_quarantine")):
        op.execute(f"ALTER POLICY {policy} ON {table} TO onestop_counter")
    op.execute("""
        CREATE POLICY supervisor_reads_its_agencies ON central_events FOR SELECT TO onestop_supervisor
        USING (agency_code IN (SELECT s.agency_code FROM central_supervisor_roles s WHERE s.role_name = current_user))
    """)
    op.execute("""
        CREATE POLICY supervisor_reads_quarantine ON central_quarantine FOR SELECT TO onestop_supervisor
        USING (EXISTS (SELECT 1 FROM central_supervisor_roles s WHERE s.role_name = current_user))
    """)


def downgrade() -> None:
    op.execute("DROP POLICY IF EXISTS supervisor_reads_quarantine ON central_quarantine")
    op.execute("DROP POLICY IF EXISTS supervisor_reads_its_agencies ON central_events")
    for policy, table in (("counter_reads_its_agency", "central_events"), ("counter_inserts_its_own", "central_events"),
                          ("counter_quarantines_its_own", "central_quarantine"),
                          ("counter_reads_its_quarantine", "central_quarantine")):
        op.execute(f"ALTER POLICY {policy} ON {table} TO PUBLIC")
    op.execute("REVOKE ALL ON central_events, central_quarantine, central_supervisor_roles FROM onestop_supervisor")
    op.drop_table("central_supervisor_roles")
