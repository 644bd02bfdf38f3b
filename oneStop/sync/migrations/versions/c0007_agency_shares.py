"""cross-boundary reception: an agency's dossiers shared with other agencies of the province

Revision ID: c0007
Revises: c0006
Create Date: 2026-11-23 14:00:00

Since Nghị định 118/2025 a citizen may file a dossier at any one-stop counter of the province,
whatever their address. The province's administrator records which agencies share their
dossiers with which (``central_agency_shares``: the counters of ``shared_with`` read the
dossiers of ``agency_code``). A dossier's events live in the stream of the agency that
received it (``agency_code`` of every event of that dossier, whoever writes it), so:

* a counter reads its own agency's stream, the dossier events (never users, settings or other
  reference data) of the agencies sharing with it, and every event it wrote itself (its own
  history stays visible to it when a share ends, for acknowledgements and gap checks);
* a counter inserts events signed with its own identity (or relayed for a counter of its
  agency) into its own agency's stream, or into the stream of an agency sharing with it for
  a dossier of that agency;
* a supervisor reads the streams of its agencies and what their counters wrote elsewhere.
"""
from alembic import op
import sqlalchemy as sa

revision = "c0007"
down_revision = "c0006"
branch_labels = None
depends_on = None

_OWN_COUNTER = "(SELECT r.counter_id FROM central_counter_roles r WHERE r.role_name = current_user)"
_OWN_AGENCY = "(SELECT r.agency_code FROM central_counter_roles r WHERE r.role_name = current_user)"
_SHARING = f"(SELECT s.agency_code FROM central_agency_shares s WHERE s.shared_with = {_OWN_AGENCY})"
_SUPERVISED = "(SELECT s.agency_code FROM central_supervisor_roles s WHERE s.role_name = current_user)"


def upgrade() -> None:
    op.create_table(
        "central_agency_shares",
        sa.Column("agency_code", sa.String(13), nullable=False),  # whose dossiers
        sa.Column("shared_with", sa.String(13), nullable=False),  # whose counters read them
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("agency_code", "shared_with", name="pk_central_agency_shares"),
        sa.CheckConstraint("agency_code <> shared_with", name="ck_central_agency_shares_other"),
    )
    op.execute("CREATE INDEX ix_central_agency_shares_shared_with ON central_agency_shares (shared_with)")
    op.execute("ALTER TABLE central_agency_shares ENABLE ROW LEVEL SECURITY")
    op.execute(f"""
        CREATE POLICY counter_reads_its_shares ON central_agency_shares FOR SELECT TO onestop_counter
        USING (shared_with = {_OWN_AGENCY} OR agency_code = {_OWN_AGENCY})
    """)
    op.execute("GRANT SELECT ON central_agency_shares TO onestop_counter")
    op.execute("DROP POLICY counter_reads_its_agency ON central_events")
    op.execute(f"""
        CREATE POLICY counter_reads_its_agency ON central_events FOR SELECT TO onestop_counter
        USING (agency_code = {_OWN_AGENCY}
               OR counter_id = {_OWN_COUNTER}
               OR relayed_by = current_user
               OR (dossier_id IS NOT NULL AND agency_code IN {_SHARING}))
    """)
    op.execute("DROP POLICY counter_inserts_its_own ON central_events")
    op.execute(f"""
        CREATE POLICY counter_inserts_its_own ON central_events FOR INSERT TO onestop_counter
        WITH CHECK ((agency_code = {_OWN_AGENCY}
                     OR (dossier_id IS NOT NULL AND agency_code IN {_SHARING}))
                    AND (counter_id = {_OWN_COUNTER}
                         OR (relayed_by = current_user AND counter_id LIKE {_OWN_AGENCY} || '#%')))
    """)
    op.execute("DROP POLICY supervisor_reads_its_agencies ON central_events")
    op.execute(f"""
        CREATE POLICY supervisor_reads_its_agencies ON central_events FOR SELECT TO onestop_supervisor
        USING (agency_code IN {_SUPERVISED} OR split_part(counter_id, '#', 1) IN {_SUPERVISED})
    """)


def downgrade() -> None:
    op.execute("DROP POLICY supervisor_reads_its_agencies ON central_events")
    op.execute(f"""
        CREATE POLICY supervisor_reads_its_agencies ON central_events FOR SELECT TO onestop_supervisor
        USING (agency_code IN {_SUPERVISED})
    """)
    op.execute("DROP POLICY counter_inserts_its_own ON central_events")
    op.execute(f"""
        CREATE POLICY counter_inserts_its_own ON central_events FOR INSERT TO onestop_counter
        WITH CHECK (agency_code = {_OWN_AGENCY}
                    AND (counter_id = {_OWN_COUNTER}
                         OR (relayed_by = current_user AND counter_id LIKE agency_code || '#%')))
    """)
    op.execute("DROP POLICY counter_reads_its_agency ON central_events")
    op.execute(f"""
        CREATE POLICY counter_reads_its_agency ON central_events FOR SELECT TO onestop_counter
        USING (agency_code = {_OWN_AGENCY})
    """)
    op.execute("REVOKE ALL ON central_agency_shares FROM onestop_counter")
    op.drop_table("central_agency_shares")
