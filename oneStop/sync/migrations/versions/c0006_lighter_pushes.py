"""lighter pushes: two indexes fewer to keep up, central numbers handed out in blocks

Revision ID: c0006
Revises: c0005
Create Date: 2026-11-23 11:20:00

Since c0005 a pull reads by (``agency_code``, ``txid``, ``central_seq``); the older index on
(``agency_code``, ``central_seq``) serves no query any more and every pushed row paid for it. The primary key moves from
``central_seq`` (which no query looks up) to the event's ``id`` (already unique, and what
logical replication identifies a row by), dropping one more index.
The sequence behind ``central_seq`` now gives each session its numbers in blocks of 1000,
so fifty counters pushing at once do not queue on it; the numbers stay unique and increase
within a transaction, which is all the cursor (``txid`` first) needs.
"""
from alembic import op

revision = "c0006"
down_revision = "c0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_central_events_agency_seq")
    op.execute("ALTER TABLE central_events DROP CONSTRAINT pk_central_events")
    op.execute("ALTER TABLE central_events DROP CONSTRAINT uq_central_events_id")
    op.execute("ALTER TABLE central_events ADD CONSTRAINT pk_central_events PRIMARY KEY (id)")
    op.execute("ALTER SEQUENCE central_events_central_seq_seq CACHE 1000")


def downgrade() -> None:
    op.execute("ALTER SEQUENCE central_events_central_seq_seq CACHE 1")
    op.execute("ALTER TABLE central_events DROP CONSTRAINT pk_central_events")
    op.execute("ALTER TABLE central_events ADD CONSTRAINT pk_central_events PRIMARY KEY (central_seq)")
    op.execute("ALTER TABLE central_events ADD CONSTRAINT uq_central_events_id UNIQUE (id)")
    op.execute("CREATE INDEX ix_central_events_agency_seq ON central_events (agency_code, central_seq)")
