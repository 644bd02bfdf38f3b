"""the server's own columns are the server's: a counter may not write them

Revision ID: c0008
Revises: c0007
Create Date: 2026-11-23 14:30:00

Until now a counter's role had ``INSERT`` on the whole of ``central_events``, so a tampered
counter could have written its own ``txid``, ``central_seq`` or ``received_at`` instead of
taking them from the server. ``txid`` orders every pull: a row written with a very high
``txid`` would have moved the cursor of every counter of the agency past events not yet
committed, and they would never have been pulled. Now a counter may insert only the columns
an event carries; the three that the server fills stay with their defaults
(``pg_current_xact_id()``, the sequence, ``now()``). The same for the quarantine's number
and time.

And ``relayed_by``, the role that delivered another counter's events, may only name the
role writing the row (or nothing): before, a counter could stamp its own events as delivered
by some other role.
"""
from alembic import op

revision = "c0008"
down_revision = "c0007"
branch_labels = None
depends_on = None

_EVENT_COLUMNS = ("id, agency_code, counter_id, seq, kind, dossier_id, actor, device_time, business_time, "
                  "business_date, payload, schema, content_hash, relayed_by")
_QUARANTINE_COLUMNS = "event_id, counter_id, seq, content_hash, event, reason, relayed_by"
_OWN_COUNTER = "(SELECT r.counter_id FROM central_counter_roles r WHERE r.role_name = current_user)"
_OWN_AGENCY = "(SELECT r.agency_code FROM central_counter_roles r WHERE r.role_name = current_user)"
_SHARING = f"(SELECT s.agency_code FROM central_agency_shares s WHERE s.shared_with = {_OWN_AGENCY})"


def _insert_policies(relayed_by_is_own: str) -> None:
    op.execute("DROP POLICY counter_inserts_its_own ON central_events")
    op.execute(f"""
        CREATE POLICY counter_inserts_its_own ON central_events FOR INSERT TO onestop_counter
        WITH CHECK ((agency_code = {_OWN_AGENCY}
                     OR (dossier_id IS NOT NULL AND agency_code IN {_SHARING}))
                    AND (counter_id = {_OWN_COUNTER}
                         OR (relayed_by = current_user AND counter_id LIKE {_OWN_AGENCY} || '#%'))
                    {relayed_by_is_own})
    """)
    op.execute("DROP POLICY counter_quarantines_its_own ON central_quarantine")
    op.execute(f"""
        CREATE POLICY counter_quarantines_its_own ON central_quarantine FOR INSERT TO onestop_counter
        WITH CHECK ((counter_id = {_OWN_COUNTER}
                     OR (relayed_by = current_user AND counter_id LIKE {_OWN_AGENCY} || '#%'))
                    {relayed_by_is_own})
    """)


def upgrade() -> None:
    op.execute("REVOKE INSERT ON central_events FROM onestop_counter")
    op.execute(f"GRANT INSERT ({_EVENT_COLUMNS}) ON central_events TO onestop_counter")
    op.execute("REVOKE INSERT ON central_quarantine FROM onestop_counter")
    op.execute(f"GRANT INSERT ({_QUARANTINE_COLUMNS}) ON central_quarantine TO onestop_counter")
    _insert_policies("AND (relayed_by IS NULL OR relayed_by = current_user)")


def downgrade() -> None:
    _insert_policies("")
    op.execute(f"REVOKE INSERT ({_QUARANTINE_COLUMNS}) ON central_quarantine FROM onestop_counter")
    op.execute("GRANT INSERT ON central_quarantine TO onestop_counter")
    op.execute(f"REVOKE INSERT ({_EVENT_COLUMNS}) ON central_events FROM onestop_counter")
    op.execute("GRANT INSERT ON central_events TO onestop_counter")
