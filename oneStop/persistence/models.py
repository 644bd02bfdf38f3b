"""The local database: SQLAlchemy 2 typed mappings.

``events`` is the source of truth (append-only); ``dossiers`` is its projection, written in
the same transaction and rebuildable from the events. The rest is reference data (agency,
counters, users, catalog, calendar overrides, settings) and the number issuers.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from oneStop.persistence.types import JsonText, UtcDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class AgencyRow(Base):
    __tablename__ = "agencies"

    code: Mapped[str] = mapped_column(String(35), primary_key=True)  # QĐ 20/2020: up to 35 characters
    name: Mapped[str] = mapped_column(String(300))
    managing_agency: Mapped[str] = mapped_column(String(300))
    province: Mapped[str] = mapped_column(String(100))
    place: Mapped[str] = mapped_column(String(100), default="")
    address: Mapped[str] = mapped_column(String(500), default="")
    hotline: Mapped[str] = mapped_column(String(30), default="")
    lookup_url: Mapped[str] = mapped_column(String(200), default="")


class CounterRow(Base):
    """A counter (a PC) of an agency. ``last_seq`` is its gapless event sequence."""

    __tablename__ = "counters"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # "<agency>#<number>"
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"))
    number: Mapped[int] = mapped_column(Integer)
    is_local: Mapped[bool] = mapped_column(Boolean, default=False)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    # this PC's own counter signs its events (Ed25519, base64; oneStop.domain.signing)
    signing_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    public_key: Mapped[str | None] = mapped_column(String(64), nullable=True)
    __table_args__ = (UniqueConstraint("agency_code", "number"),)


class UserRow(Base):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(50), primary_key=True)
    full_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class ProcedureRow(Base):
    __tablename__ = "procedures"

    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    field: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str] = mapped_column(String(300))
    processing_days: Mapped[int] = mapped_column(Integer)
    processing_hours: Mapped[int] = mapped_column(Integer, default=0)
    fee: Mapped[int] = mapped_column(BigInteger, default=0)
    fee_note: Mapped[str] = mapped_column(String(500), default="")
    postal_in: Mapped[bool] = mapped_column(Boolean, default=True)
    postal_out: Mapped[bool] = mapped_column(Boolean, default=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    documents: Mapped[list[dict[str, Any]]] = mapped_column(JsonText)
    search_key: Mapped[str] = mapped_column(String(800))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # the 2025 regime (schema 0010): the fee of channels whose fee differs ({"online": 25000});
    # the day from which it is received regardless of the administrative boundary
    fees: Mapped[dict[str, int]] = mapped_column(JsonText, server_default="{}")
    cross_boundary_from: Mapped[date | None] = mapped_column(Date, nullable=True)


class CalendarOverrideRow(Base):
    __tablename__ = "calendar_overrides"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(4))  # "off" | "work"
    note: Mapped[str] = mapped_column(String(200), default="")


class SettingRow(Base):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[Any] = mapped_column(JsonText)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    #: a change that takes effect from a later day: until then ``previous`` is in force
    takes_effect: Mapped[date | None] = mapped_column(Date, nullable=True)
    previous: Mapped[Any] = mapped_column(JsonText, nullable=True)


class EventRow(Base):
    """One immutable fact. Never updated except ``central_seq`` (set when the central
    database acknowledges it)."""

    __tablename__ = "events"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    counter_id: Mapped[str] = mapped_column(String(40))
    seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(60))
    dossier_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    actor: Mapped[str] = mapped_column(String(50))
    device_time: Mapped[datetime] = mapped_column(UtcDateTime)
    business_time: Mapped[str] = mapped_column(String(32))  # ISO-8601 with +07:00
    business_date: Mapped[date] = mapped_column(Date)
    payload: Mapped[dict[str, Any]] = mapped_column(JsonText)
    schema: Mapped[int] = mapped_column(Integer, default=1)
    content_hash: Mapped[str] = mapped_column(String(64))
    central_seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    signature: Mapped[str | None] = mapped_column(String(100), nullable=True)  # its counter's, of content_hash

    __table_args__ = (
        UniqueConstraint("counter_id", "seq"),
        Index("ix_events_dossier", "dossier_id", "device_time"),
        Index("ix_events_business_date_kind", "business_date", "kind"),
        Index("ix_events_counter_central", "counter_id", "central_seq", "seq"),
    )

    @classmethod
    def by_counters_of(cls, agency_code: str) -> Any:
        """The condition for events the counters of ``agency_code`` wrote (on whichever
        agency's dossiers: cross-boundary reception puts others' in this database too)."""
        return cls.counter_id.startswith(agency_code + "#", autoescape=True)


class SetAsideRow(Base):
    """An event from another counter (pulled, or carried on a USB stick) that failed the checks
    of the vocabulary and was not applied: kept whole, with the reason, for a supervisor or an
    administrator to settle. Its text fields are as they came (not trusted)."""

    __tablename__ = "set_aside_events"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # the event's id
    counter_id: Mapped[str] = mapped_column(String(60))
    seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(60))
    actor: Mapped[str] = mapped_column(String(60))
    dossier_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    device_time: Mapped[datetime] = mapped_column(UtcDateTime)
    business_time: Mapped[str] = mapped_column(String(40))
    payload: Mapped[str] = mapped_column(Text)  # the payload's text as it came
    schema: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str | None] = mapped_column(String(100), nullable=True)
    central_seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    stream: Mapped[str] = mapped_column(String(40))  # the agency stream it came in
    problem: Mapped[str] = mapped_column(String(20))  # kind | payload | permission | signature | conflict | dossier | stream
    field: Mapped[str] = mapped_column(String(60))
    reason: Mapped[str] = mapped_column(Text)  # in Vietnamese, naming the field
    set_aside_at: Mapped[datetime] = mapped_column(UtcDateTime)
    settled_by: Mapped[str] = mapped_column(String(50), server_default="")
    settled_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    decision: Mapped[str] = mapped_column(String(20), server_default="")  # applied | dismissed
    note: Mapped[str] = mapped_column(Text, server_default="")

    __table_args__ = (
        Index("ix_set_aside_events_dossier", "dossier_id"),
        Index("ix_set_aside_events_settled", "settled_at"),
    )


class DossierRow(Base):
    """The current state of a dossier: a projection of its events."""

    __tablename__ = "dossiers"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    agency_code: Mapped[str] = mapped_column(String(35))
    counter: Mapped[int] = mapped_column(Integer)
    received_date: Mapped[date] = mapped_column(Date)  # business date, Asia/Ho_Chi_Minh
    received_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str] = mapped_column(String(10))
    sets: Mapped[int] = mapped_column(Integer)
    fee: Mapped[int] = mapped_column(BigInteger)
    return_method: Mapped[str] = mapped_column(String(10))
    delivery_address: Mapped[str] = mapped_column(String(500))
    priority: Mapped[bool] = mapped_column(Boolean)
    priority_reason: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text)
    postal_tracking: Mapped[str] = mapped_column(String(40))
    received_by: Mapped[str] = mapped_column(String(50))
    register_volume: Mapped[str] = mapped_column(String(20))
    register_number: Mapped[int] = mapped_column(Integer)
    profile_id: Mapped[str] = mapped_column(String(40))
    procedure_code: Mapped[str] = mapped_column(String(30))
    procedure_name: Mapped[str] = mapped_column(String(500))
    procedure_field: Mapped[str] = mapped_column(String(200))
    procedure_agency: Mapped[str] = mapped_column(String(300))
    processing_days: Mapped[int] = mapped_column(Integer)
    processing_hours: Mapped[int] = mapped_column(Integer)
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_key: Mapped[str] = mapped_column(String(200))  # accent-folded, lower-case
    citizen_id: Mapped[str] = mapped_column(String(12))
    citizen_id_legacy: Mapped[bool] = mapped_column(Boolean)
    phone: Mapped[str] = mapped_column(String(15))
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(500))
    is_organisation: Mapped[bool] = mapped_column(Boolean)
    tax_code: Mapped[str] = mapped_column(String(20))
    owner: Mapped[dict[str, Any] | None] = mapped_column(JsonText, nullable=True)
    documents: Mapped[list[dict[str, Any]]] = mapped_column(JsonText)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JsonText)
    print_count: Mapped[int] = mapped_column(Integer, default=0)
    reprint_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # after reception (schema 0002)
    processing_agency: Mapped[str] = mapped_column(String(300), server_default="")
    transferred_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    result_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    returned_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    finished_date: Mapped[date | None] = mapped_column(Date, nullable=True)  # business date
    supplement_count: Mapped[int] = mapped_column(Integer, server_default="0")
    paused_seconds: Mapped[int] = mapped_column(Integer, server_default="0")
    paused_since: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    resume_status: Mapped[str | None] = mapped_column(String(30), nullable=True)
    apology_count: Mapped[int] = mapped_column(Integer, server_default="0")
    original_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    conflicts: Mapped[int] = mapped_column(Integer, server_default="0")
    # the deadline §4.3 judges by: the first appointment (an apology does not move it) plus the
    # finished supplement waits; and whether the dossier finished after it
    deadline_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    deadline_date: Mapped[date | None] = mapped_column(Date, nullable=True)  # business date
    finished_late: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    # the postal service (schema 0004)
    returned_by_post: Mapped[bool] = mapped_column(Boolean, server_default="0")
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    # the 2025 regime (schema 0010): received regardless of the administrative boundary; what
    # was collected, when, at which stage and through which channel
    cross_boundary: Mapped[bool] = mapped_column(Boolean, server_default="0")
    fee_collected: Mapped[list[dict[str, Any]]] = mapped_column(JsonText, server_default="[]")
    # the paper by which the applicant files for the owner (schema 0011; the receipt's proxy block)
    authorisation: Mapped[str] = mapped_column(Text, server_default="")

    __table_args__ = (
        Index("ix_dossiers_received_date_counter", "received_date", "counter"),
        Index("ix_dossiers_finished_received", "finished_date", "received_date"),
        Index("ix_dossiers_received_by_date", "received_by", "received_date"),
        Index("ix_dossiers_postal_tracking", "postal_tracking"),
        Index("ix_dossiers_citizen_id", "citizen_id"),
        Index("ix_dossiers_phone", "phone"),
        Index("ix_dossiers_applicant_key", "applicant_key"),
        Index("ix_dossiers_status_due", "status", "due_at"),
    )


class AttachmentRow(Base):
    """A scanned paper, stored once by content hash in the data folder."""

    __tablename__ = "attachments"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    mime: Mapped[str] = mapped_column(String(100))
    stored_at: Mapped[datetime] = mapped_column(UtcDateTime)


class DailySequenceRow(Base):
    """Last dossier number issued by a counter on a business day (inside its block)."""

    __tablename__ = "daily_sequences"

    agency_code: Mapped[str] = mapped_column(String(35), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    counter: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)
    #: the block and the number's digits, fixed for the day when its first code is issued
    block_first: Mapped[int | None] = mapped_column(Integer, nullable=True)
    block_last: Mapped[int | None] = mapped_column(Integer, nullable=True)
    digits: Mapped[int | None] = mapped_column(Integer, nullable=True)


class RegisterSequenceRow(Base):
    """Running numbers of a counter's tracking book (Sổ theo dõi hồ sơ), one volume a year."""

    __tablename__ = "register_sequences"

    counter_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    volume: Mapped[str] = mapped_column(String(20), primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


class PostalUnitRow(Base):
    """A postal unit or commune postal service point the counter works with (reference data)."""

    __tablename__ = "postal_units"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(500))
    phone: Mapped[str] = mapped_column(String(15))
    active: Mapped[bool] = mapped_column(Boolean)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class HandoverBatchRow(Base):
    """A handover batch with the postal service: a projection of its ``handover.*`` events."""

    __tablename__ = "handover_batches"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    number: Mapped[str] = mapped_column(String(30), unique=True)
    direction: Mapped[str] = mapped_column(String(3))
    postal_unit: Mapped[str] = mapped_column(String(20))
    staff_name: Mapped[str] = mapped_column(String(200))
    staff_id: Mapped[str] = mapped_column(String(30))
    opened_by: Mapped[str] = mapped_column(String(50))
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime)
    opened_date: Mapped[date] = mapped_column(Date)  # business date
    closed_by: Mapped[str] = mapped_column(String(50))
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    corrections: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_handover_batches_opened_date", "opened_date"),)


class HandoverItemRow(Base):
    __tablename__ = "handover_items"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    batch_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("handover_batches.id"))
    dossier_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    code: Mapped[str] = mapped_column(String(64))
    tracking: Mapped[str] = mapped_column(String(40))
    added_by: Mapped[str] = mapped_column(String(50))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)
    removed: Mapped[bool] = mapped_column(Boolean)
    postal_fee: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(String(500))

    __table_args__ = (
        Index("ix_handover_items_batch", "batch_id"),
        Index("ix_handover_items_dossier", "dossier_id"),
        Index("ix_handover_items_tracking", "tracking"),
    )


class SyncStateRow(Base):
    """This PC's replication bookkeeping: the pull cursor, the central address (without its
    secret), the last success and the last error."""

    __tablename__ = "sync_state"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[Any] = mapped_column(JsonText)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LoginThrottleRow(Base):
    """Sign-in failures in a row on this PC (oneStop.services.auth): per known user
    (``user:<name>``), per group of unknown names (``name:<hash prefix>``, never the typed
    text) and for the PC (``pc``). Local: never synced; kept across restarts."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[datetime] = mapped_column(UtcDateTime)
