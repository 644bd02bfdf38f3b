"""The central database's tables (PostgreSQL). Separate metadata: the counter's SQLite
database never has these."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)

metadata = MetaData(naming_convention={
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
})

#: Every event any counter pushed. ``central_seq`` comes from a sequence; the column ``txid``
#: (``xid8``, the writing transaction, added by migration c0005 and read with plain SQL) gives
#: the commit-safe pull order (``oneStop.sync.central``).
events = Table(
    "central_events",
    metadata,
    Column("central_seq", BigInteger, nullable=False),  # from its sequence (c0005); unique by that
    Column("id", Uuid, primary_key=True),  # the key since c0006
    Column("agency_code", String(35), nullable=False),
    Column("counter_id", String(40), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("kind", String(60), nullable=False),
    Column("dossier_id", Uuid, nullable=True),
    Column("actor", String(50), nullable=False),
    Column("device_time", DateTime(timezone=True), nullable=False),
    Column("business_time", String(32), nullable=False),
    Column("business_date", Date, nullable=False),
    Column("payload", Text, nullable=False),  # canonical JSON, as hashed
    Column("schema", Integer, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("relayed_by", String(63), nullable=True),  # the role that delivered another counter's event
    Column("signature", String(100), nullable=True),  # its counter's Ed25519 signature of content_hash (c0009)
    Column("legacy", Boolean, nullable=False, server_default="false"),  # relayed before signatures (c0009)
    UniqueConstraint("counter_id", "seq", name="uq_central_events_counter_seq"),
    # (agency_code, txid, central_seq) is indexed by migration c0005, with plain SQL (xid8)
)

#: Events refused because the same id (or the same counter and sequence number) arrived
#: with other content: kept whole, reported, never merged.
quarantine = Table(
    "central_quarantine",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("event_id", Uuid, nullable=False),
    Column("counter_id", String(40), nullable=False),
    Column("seq", BigInteger, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("event", Text, nullable=False),
    Column("reason", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("relayed_by", String(63), nullable=True),
)


counter_roles = Table(
    "central_counter_roles",
    metadata,
    Column("role_name", String(63), primary_key=True),
    Column("counter_id", String(40), nullable=False, unique=True),
    Column("agency_code", String(35), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

#: Each counter's public key (c0009): events relayed for it must carry its signature.
counter_keys = Table(
    "central_counter_keys",
    metadata,
    Column("counter_id", String(40), primary_key=True),
    Column("agency_code", String(35), nullable=False),
    Column("public_key", String(44), nullable=False),
    Column("registered_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

supervisor_roles = Table(
    "central_supervisor_roles",
    metadata,
    Column("role_name", String(63), primary_key=True),
    Column("agency_code", String(35), primary_key=True),
)

#: Cross-boundary reception (c0007): the counters of ``shared_with`` read the dossiers of
#: ``agency_code`` and write their steps on them into that agency's stream.
agency_shares = Table(
    "central_agency_shares",
    metadata,
    Column("agency_code", String(35), primary_key=True),
    Column("shared_with", String(35), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
