"""pushes without a global lock: the pull cursor follows commit order by transaction id

Revision ID: c0005
Revises: c0004
Create Date: 2026-11-23 09:40:00

Until now every push held one advisory lock from numbering its events to its commit, so that
numbers were handed out in commit order: correct, but every counter of a province waited in one
queue. Now each event records the id of the transaction that wrote it (``txid``, an ``xid8``)
and takes its number from a plain sequence; pushes run side by side. A puller reads in
(``txid``, ``central_seq``) order and only rows of transactions older than every transaction
still running (``pg_snapshot_xmin``): such a set never grows behind the cursor, so no event is
ever skipped however the commits interleave. Rows already there get ``txid`` 1, so an old
numeric cursor ``n`` is the pair (1, ``n``).
"""
from alembic import op

revision = "c0005"
down_revision = "c0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE central_events ADD COLUMN txid xid8 NOT NULL DEFAULT '1'::xid8")
    op.execute("ALTER TABLE central_events ALTER COLUMN txid SET DEFAULT pg_current_xact_id()")
    op.execute("CREATE SEQUENCE central_events_central_seq_seq OWNED BY central_events.central_seq")
    op.execute("SELECT setval('central_events_central_seq_seq', greatest(coalesce(max(central_seq), 0), "
               "(SELECT last_seq FROM central_numbering WHERE id = 1), 1), "
               "coalesce(max(central_seq), 0) > 0 OR (SELECT last_seq FROM central_numbering WHERE id = 1) > 0) "
               "FROM central_events")
    op.execute("ALTER TABLE central_events ALTER COLUMN central_seq SET DEFAULT nextval('central_events_central_seq_seq')")
    op.execute("GRANT USAGE ON SEQUENCE central_events_central_seq_seq TO onestop_counter")
    op.execute("CREATE INDEX ix_central_events_agency_txid ON central_events (agency_code, txid, central_seq)")
    op.execute("REVOKE ALL ON central_numbering FROM onestop_counter")
    op.execute("DROP TABLE central_numbering")


def downgrade() -> None:
    op.execute("CREATE TABLE central_numbering (id integer PRIMARY KEY, last_seq bigint NOT NULL)")
    op.execute("INSERT INTO central_numbering SELECT 1, coalesce(max(central_seq), 0) FROM central_events")
    op.execute("GRANT SELECT, UPDATE ON central_numbering TO onestop_counter")
    op.execute("DROP INDEX ix_central_events_agency_txid")
    op.execute("ALTER TABLE central_events ALTER COLUMN central_seq DROP DEFAULT")
    op.execute("DROP SEQUENCE central_events_central_seq_seq")
    op.execute("ALTER TABLE central_events DROP COLUMN txid")
