"""Rows to value objects and back. Nothing outside persistence sees a row."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from oneStop.domain.clock import local_date, to_local
from oneStop.domain.events import (
    applicant_from_dict,
    applicant_to_dict,
    document_from_dict,
    document_to_dict,
    fee_from_dict,
    fee_to_dict,
)
from oneStop.domain.models import (
    Agency,
    Applicant,
    AttachmentRef,
    Channel,
    DocumentForm,
    Dossier,
    DossierStatus,
    Event,
    Procedure,
    ProcedureSnapshot,
    RequiredDocument,
    ReturnMethod,
    Role,
    User,
)
from oneStop.domain.text import search_key
from oneStop.persistence.models import (
    AgencyRow,
    DossierRow,
    EventRow,
    ProcedureRow,
    UserRow,
)
from oneStop.persistence.types import sqlite_text


def event_row_values(event: Event, digest: str, signature: str | None = None) -> dict[str, Any]:
    """An event's column values (for bulk writes; ``event_row`` for the ORM)."""
    return dict(
        id=event.id,
        counter_id=event.counter_id,
        seq=event.seq,
        kind=event.kind,
        dossier_id=event.dossier_id,
        actor=event.actor,
        device_time=event.device_time,
        business_time=event.business_time.isoformat(),
        business_date=event.business_time.date(),
        payload=dict(event.payload),
        schema=event.schema,
        content_hash=digest,
        signature=signature,
    )


#: The columns of ``event_params``, in its order (every column of ``events``).
EVENT_COLUMNS = tuple(c.name for c in EventRow.__table__.c)


def event_params(event: Event, digest: str, payload_json: str, central_seq: int | None,
                 signature: str | None = None) -> tuple[Any, ...]:
    """An event's row (``EVENT_COLUMNS``) as SQLAlchemy stores it in SQLite: a UUID as 32 hex
    digits, a time in UTC as ``YYYY-MM-DD HH:MM:SS.ffffff``, a date as ISO text, the payload as
    its canonical text. For the pull, which writes 100,000 of these; a test holds it to what
    the ORM writes."""
    return (event.id.hex, event.counter_id, event.seq, event.kind,
            None if event.dossier_id is None else event.dossier_id.hex, event.actor,
            sqlite_text(event.device_time),
            event.business_time.isoformat(), event.business_time.date().isoformat(), payload_json, event.schema,
            digest, central_seq, signature)


def event_row(event: Event, digest: str, signature: str | None = None) -> EventRow:
    return EventRow(**event_row_values(event, digest, signature))


def event_from_row(row: Any) -> Event:
    """The event of an ``EventRow``, or of a Core row with the same column names."""
    return Event(
        id=row.id,
        counter_id=row.counter_id,
        seq=row.seq,
        kind=row.kind,
        actor=row.actor,
        device_time=row.device_time,
        business_time=datetime.fromisoformat(row.business_time),
        dossier_id=row.dossier_id,
        payload=row.payload,
        schema=row.schema,
    )


def _dossier_columns(d: Dossier) -> dict[str, Any]:
    a = d.applicant
    return dict(
        code=d.code,
        agency_code=d.agency_code,
        counter=d.counter,
        received_date=local_date(d.received_at),
        received_at=d.received_at,
        due_at=d.due_at,
        status=d.status.value,
        channel=d.channel.value,
        sets=d.sets,
        fee=d.fee,
        return_method=d.return_method.value,
        delivery_address=d.delivery_address,
        priority=d.priority,
        priority_reason=d.priority_reason,
        notes=d.notes,
        postal_tracking=d.postal_tracking,
        received_by=d.received_by,
        register_volume=d.register_volume,
        register_number=d.register_number,
        profile_id=d.profile_id,
        procedure_code=d.procedure.code,
        procedure_name=d.procedure.name,
        procedure_field=d.procedure.field,
        procedure_agency=d.procedure.agency,
        processing_days=d.procedure.processing_days,
        processing_hours=d.procedure.processing_hours,
        applicant_name=a.name,
        applicant_key=search_key(a.name),
        citizen_id=a.citizen_id,
        citizen_id_legacy=a.citizen_id_legacy,
        phone=a.phone,
        email=a.email,
        address=a.address,
        is_organisation=a.is_organisation,
        tax_code=a.tax_code,
        owner=applicant_to_dict(d.owner) if d.owner else None,
        documents=[document_to_dict(x) for x in d.documents],
        attachments=[asdict(x) for x in d.attachments],
        print_count=d.print_count,
        reprint_count=d.reprint_count,
        processing_agency=d.processing_agency,
        transferred_at=d.transferred_at,
        result_at=d.result_at,
        returned_at=d.returned_at,
        finished_at=d.finished_at,
        finished_date=local_date(d.finished_at) if d.finished_at else None,
        supplement_count=d.supplement_count,
        paused_seconds=d.paused_seconds,
        paused_since=d.paused_since,
        resume_status=d.resume_status.value if d.resume_status else None,
        apology_count=d.apology_count,
        original_due_at=d.original_due_at,
        conflicts=d.conflicts,
        returned_by_post=d.returned_by_post,
        delivered_at=d.delivered_at,
        cross_boundary=d.cross_boundary,
        fee_collected=[fee_to_dict(f) for f in d.fee_collected],
        authorisation=d.authorisation,
        **_deadline_columns(d),
    )


def _deadline_columns(d: Dossier) -> dict[str, Any]:
    """The §4.3 deadline (first appointment plus finished supplement waits) and whether the
    dossier finished after it; a running wait is added at query time (``paused_since``)."""
    from datetime import timedelta

    deadline = (d.original_due_at or d.due_at) + timedelta(seconds=d.paused_seconds)
    late = None
    if d.finished_at is not None:
        late = d.supplement_count > 1 or d.finished_at > deadline
    return {"deadline_at": deadline, "deadline_date": local_date(deadline), "finished_late": late}


def dossier_row_values(d: Dossier, now: datetime) -> dict[str, Any]:
    """A dossier's projection row as plain values (for Core bulk inserts)."""
    return {"id": d.id, "updated_at": now, **_dossier_columns(d)}


def new_dossier_row(d: Dossier, now: datetime) -> DossierRow:
    return DossierRow(id=d.id, updated_at=now, **_dossier_columns(d))


def update_dossier_row(row: DossierRow, d: Dossier, now: datetime) -> None:
    for key, value in _dossier_columns(d).items():
        if getattr(row, key) != value:
            setattr(row, key, value)
    row.updated_at = now


def dossier_from_row(row: DossierRow, *, synced: bool = False) -> Dossier:
    return Dossier(
        id=row.id,
        code=row.code,
        agency_code=row.agency_code,
        counter=row.counter,
        procedure=ProcedureSnapshot(
            code=row.procedure_code,
            name=row.procedure_name,
            field=row.procedure_field,
            agency=row.procedure_agency,
            processing_days=row.processing_days,
            processing_hours=row.processing_hours,
        ),
        applicant=Applicant(
            name=row.applicant_name,
            citizen_id=row.citizen_id,
            citizen_id_legacy=row.citizen_id_legacy,
            phone=row.phone,
            email=row.email,
            address=row.address,
            is_organisation=row.is_organisation,
            tax_code=row.tax_code,
        ),
        owner=applicant_from_dict(row.owner) if row.owner else None,
        channel=Channel(row.channel),
        sets=row.sets,
        documents=tuple(document_from_dict(x) for x in row.documents),
        fee=row.fee,
        return_method=ReturnMethod(row.return_method),
        delivery_address=row.delivery_address,
        priority=row.priority,
        priority_reason=row.priority_reason,
        notes=row.notes,
        attachments=tuple(AttachmentRef(**x) for x in row.attachments),
        received_at=row.received_at,
        due_at=row.due_at,
        status=DossierStatus(row.status),
        received_by=row.received_by,
        register_volume=row.register_volume,
        register_number=row.register_number,
        profile_id=row.profile_id,
        postal_tracking=row.postal_tracking,
        print_count=row.print_count,
        reprint_count=row.reprint_count,
        synced=synced,
        processing_agency=row.processing_agency,
        transferred_at=row.transferred_at,
        result_at=row.result_at,
        returned_at=row.returned_at,
        finished_at=row.finished_at,
        supplement_count=row.supplement_count,
        paused_seconds=row.paused_seconds,
        paused_since=row.paused_since,
        resume_status=DossierStatus(row.resume_status) if row.resume_status else None,
        apology_count=row.apology_count,
        original_due_at=row.original_due_at,
        conflicts=row.conflicts,
        returned_by_post=row.returned_by_post,
        delivered_at=row.delivered_at,
        cross_boundary=row.cross_boundary,
        fee_collected=tuple(fee_from_dict(x) for x in row.fee_collected or ()),
        authorisation=row.authorisation,
    )


def procedure_to_dict(p: Procedure) -> dict[str, Any]:
    """A procedure as JSON (the ``catalog.imported`` event carries it). The 2025 keys (``fees``,
    ``cross_boundary_from``, a document's ``from_data``) are written only when they say
    something, so a procedure without them travels as before."""
    values: dict[str, Any] = dict(
        code=p.code,
        name=p.name,
        field=p.field,
        agency=p.agency,
        processing_days=p.processing_days,
        processing_hours=p.processing_hours,
        fee=p.fee,
        fee_note=p.fee_note,
        postal_in=p.postal_in,
        postal_out=p.postal_out,
        active=p.active,
        documents=[_required_to_dict(d) for d in p.documents],
    )
    if p.fees:
        values["fees"] = {channel.value: amount for channel, amount in p.fees}
    if p.cross_boundary_from is not None:
        values["cross_boundary_from"] = p.cross_boundary_from.isoformat()
    return values


def _required_to_dict(d: RequiredDocument) -> dict[str, Any]:
    item: dict[str, Any] = {"name": d.name, "form": d.form.value, "count": d.count, "mandatory": d.mandatory}
    if d.from_data:
        item["from_data"] = True
    return item


def _required_from_dict(d: dict[str, Any]) -> RequiredDocument:
    return RequiredDocument(d["name"], DocumentForm(d["form"]), d["count"], d.get("mandatory", True),
                            bool(d.get("from_data", False)))


def channel_fees(fees: dict[str, int] | None) -> tuple[tuple[Channel, int], ...]:
    """``{"online": 25000}`` as ``Procedure.fees``: in ``Channel`` order."""
    fees = fees or {}
    return tuple((c, fees[c.value]) for c in Channel if c.value in fees)


def procedure_from_dict(values: dict[str, Any]) -> Procedure:
    since = values.get("cross_boundary_from")
    return Procedure(
        code=values["code"],
        name=values["name"],
        field=values["field"],
        agency=values["agency"],
        processing_days=values["processing_days"],
        processing_hours=values.get("processing_hours", 0),
        fee=values.get("fee", 0),
        fee_note=values.get("fee_note", ""),
        documents=tuple(_required_from_dict(d) for d in values.get("documents", ())),
        postal_in=values.get("postal_in", True),
        postal_out=values.get("postal_out", True),
        active=values.get("active", True),
        fees=channel_fees(values.get("fees")),
        cross_boundary_from=date.fromisoformat(since) if isinstance(since, str) else since,
    )


def procedure_to_row_values(p: Procedure, now: datetime) -> dict[str, Any]:
    return {
        **procedure_to_dict(p),
        "fees": {channel.value: amount for channel, amount in p.fees},
        "cross_boundary_from": p.cross_boundary_from,
        "search_key": search_key(f"{p.code} {p.name} {p.field}"),
        "updated_at": now,
    }


def procedure_from_row(row: ProcedureRow) -> Procedure:
    return Procedure(
        code=row.code,
        name=row.name,
        field=row.field,
        agency=row.agency,
        processing_days=row.processing_days,
        processing_hours=row.processing_hours,
        fee=row.fee,
        fee_note=row.fee_note,
        documents=tuple(_required_from_dict(d) for d in row.documents),
        postal_in=row.postal_in,
        postal_out=row.postal_out,
        active=row.active,
        fees=channel_fees(row.fees),
        cross_boundary_from=row.cross_boundary_from,
    )


def user_from_row(row: UserRow) -> User:
    return User(username=row.username, full_name=row.full_name, role=Role(row.role), active=row.active)


def agency_from_row(row: AgencyRow) -> Agency:
    return Agency(
        code=row.code,
        name=row.name,
        managing_agency=row.managing_agency,
        province=row.province,
        place=row.place,
        address=row.address,
        hotline=row.hotline,
        lookup_url=row.lookup_url,
    )


def local_business_time(value: datetime) -> datetime:
    return to_local(value)
