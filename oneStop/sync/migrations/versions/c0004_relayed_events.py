"""events delivered on another counter's behalf (a USB stick)

Revision ID: c0004
Revises: c0003
Create Date: 2026-11-23 09:30:00

A counter whose network is down exports its waiting events to a file; any connected counter
of the same agency delivers them. Row-level security still lets a counter insert only its own
events, or an event of a counter of its own agency that it stamps with its own role name as
the relayer: the central database knows who delivered every event that did not come from its
own counter.
"""
from alembic import op
import sqlalchemy as sa

revision = "c0004"
down_revision = "c0003"
branch_labels = None
depends_on = None

_OWN_COUNTER = "(SELECT r.counter_id FROM central_counter_roles r WHERE r.role_name = current_user)"
_OWN_AGENCY = "(SELECT r.agency_code FROM central_counter_roles r WHERE r.role_name = current_user)"


def upgrade() -> None:
    op.add_column("central_events", sa.Column("relayed_by", sa.String(63), nullable=True))
    op.add_column("central_quarantine", sa.Column("relayed_by", sa.String(63), nullable=True))
    op.execute("DROP POLICY counter_inserts_its_own ON central_events")
    op.execute(f"""
        CREATE POLICY counter_inserts_its_own ON central_events FOR INSERT TO onestop_counter
        WITH CHECK (agency_code = {_OWN_AGENCY}
                    AND (counter_id = {_OWN_COUNTER}
                         OR (relayed_by = current_user AND counter_id LIKE agency_code || '#%')))
    """)
    op.execute("DROP POLICY counter_quarantines_its_own ON central_quarantine")
    op.execute(f"""
        CREATE POLICY counter_quarantines_its_own ON central_quarantine FOR INSERT TO onestop_counter
        WITH CHECK (counter_id = {_OWN_COUNTER}
                    OR (relayed_by = current_user AND counter_id LIKE {_OWN_AGENCY} || '#%'))
    """)
    op.execute("DROP POLICY counter_reads_its_quarantine ON central_quarantine")
    op.execute(f"""
        CREATE POLICY counter_reads_its_quarantine ON central_quarantine FOR SELECT TO onestop_counter
        USING (counter_id = {_OWN_COUNTER} OR relayed_by = current_user)
    """)


def downgrade() -> None:
    op.execute("DROP POLICY counter_reads_its_quarantine ON central_quarantine")
    op.execute(f"""
        CREATE POLICY counter_reads_its_quarantine ON central_quarantine FOR SELECT TO onestop_counter
        USING (counter_id = {_OWN_COUNTER})
    """)
    op.execute("DROP POLICY counter_quarantines_its_own ON central_quarantine")
    op.execute(f"""
        CREATE POLICY counter_quarantines_its_own ON central_quarantine FOR INSERT TO onestop_counter
        WITH CHECK (counter_id = {_OWN_COUNTER})
    """)
    op.execute("DROP POLICY counter_inserts_its_own ON central_events")
    op.execute(f"""
        CREATE POLICY counter_inserts_its_own ON central_events FOR INSERT TO onestop_counter
        WITH CHECK (counter_id = {_OWN_COUNTER} AND agency_code = {_OWN_AGENCY})
    """)
    op.drop_column("central_quarantine", "relayed_by")
    op.drop_column("central_events", "relayed_by")
