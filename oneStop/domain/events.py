"""Events: what happened, and the projection that turns a dossier's events into its state.

An event is immutable. Its identity is a UUID v7 made on the PC; ``(counter_id, seq)`` is a
gapless per-counter sequence (so a lost event shows as a gap); ``content_hash`` is the SHA-256
of its canonical form (so the same id with different content is caught when syncing).

The projection is a pure function: ``project(events)`` replays a dossier's events, in order,
into a :class:`~oneStop.domain.models.Dossier`. The database keeps the projection up to date in
the same transaction as each event, and can rebuild it from the events alone.
"""

from __future__ import annotations

import hashlib
import json
from json.encoder import encode_basestring  # type: ignore[attr-defined]
import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Any, Iterable, Mapping

import uuid6

from oneStop.domain import lifecycle
from oneStop.domain.clock import to_utc
from oneStop.domain.vocabulary import Kind
from oneStop.domain.models import (
    Applicant,
    AttachmentRef,
    Channel,
    Dossier,
    DossierStatus,
    DocumentForm,
    Event,
    FeeCollected,
    FeeStage,
    ProcedureSnapshot,
    ReceivedDocument,
    ReturnMethod,
    evolve,
)


def new_event_id() -> uuid.UUID:
    """A UUID v7: time-ordered, made without any network."""
    return uuid.UUID(int=uuid6.uuid7().int)


def canonical(event: Event) -> str:
    """The text whose hash identifies an event's content."""
    body = {
        "id": str(event.id),
        "counter_id": event.counter_id,
        "seq": event.seq,
        "kind": event.kind,
        "actor": event.actor,
        "device_time": to_utc(event.device_time).isoformat(),
        "business_time": event.business_time.isoformat(),
        "dossier_id": str(event.dossier_id) if event.dossier_id else None,
        "payload": event.payload,
        "schema": event.schema,
    }
    return canonical_json(body)


#: Canonical JSON's encoder, made once: ``json.dumps`` with these options builds a new encoder
#: for every call (a third of the time of encoding a small payload).
_CANONICAL = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical_json(value: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, text as it is (not ``\\u`` escapes): the same
    data always gives the same text (content hashes, stored payloads)."""
    return _CANONICAL.encode(value)


def content_hash(event: Event) -> str:
    return hashlib.sha256(canonical(event).encode("utf-8")).hexdigest()


def payload_text(payload: Mapping[str, Any]) -> str:
    """A payload's canonical JSON: exactly the text ``canonical`` nests for it."""
    return _CANONICAL.encode(payload)


def content_hash_with(event: Event, payload_json: str) -> str:
    """``content_hash(event)`` given the payload's canonical text already made (syncing
    encodes each payload once, not twice)."""
    return content_hash_of(event.actor, event.business_time.isoformat(), event.counter_id,
                           to_utc(event.device_time).isoformat(), str(event.dossier_id) if event.dossier_id else None,
                           str(event.id), event.kind, payload_json, event.schema, event.seq)


def content_hash_of(actor: str, business_time: str, counter_id: str, device_time: str, dossier_id: str | None,
                    event_id: str, kind: str, payload_json: str, schema: int, seq: int) -> str:
    """``content_hash`` from an event's fields already in their canonical text (``canonical``:
    ``device_time`` in UTC and ``business_time`` as ``isoformat`` writes them, ids with their
    hyphens): a pull checks 100,000 events against the texts the central database holds
    without making each again from the parsed values. Keys in sorted order, as ``canonical``
    writes them."""
    q = encode_basestring  # json.dumps(text, ensure_ascii=False) without the encoder set-up
    text = "".join((
        '{"actor":', q(actor),
        ',"business_time":', q(business_time),
        ',"counter_id":', q(counter_id),
        ',"device_time":', q(device_time),
        ',"dossier_id":', q(dossier_id) if dossier_id else "null",
        ',"id":', q(event_id),
        ',"kind":', q(kind),
        ',"payload":', payload_json,
        ',"schema":', str(int(schema)),
        ',"seq":', str(int(seq)), "}",
    ))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- dossier <-> payload ----------------------------------------------------------------------


def applicant_to_dict(a: Applicant) -> dict[str, Any]:
    return asdict(a)


def applicant_from_dict(d: Mapping[str, Any]) -> Applicant:
    return Applicant(**d)


def document_to_dict(x: ReceivedDocument) -> dict[str, Any]:
    """A received document as payloads and the projection keep it (``from_data`` only when set,
    so that a dossier without such a document is written as before)."""
    item: dict[str, Any] = {"name": x.name, "form": x.form.value, "count": x.count}
    if x.from_data:
        item["from_data"] = True
    return item


def document_from_dict(x: Mapping[str, Any]) -> ReceivedDocument:
    return ReceivedDocument(x["name"], DocumentForm(x["form"]), x["count"], bool(x.get("from_data", False)))


def fee_to_dict(f: FeeCollected) -> dict[str, Any]:
    return {"amount": f.amount, "at": to_utc(f.at).isoformat(), "stage": f.stage.value, "channel": f.channel.value}


def fee_from_dict(x: Mapping[str, Any]) -> FeeCollected:
    return FeeCollected(x["amount"], datetime.fromisoformat(x["at"]), FeeStage(x["stage"]), Channel(x["channel"]))


def dossier_to_payload(d: Dossier) -> dict[str, Any]:
    """Everything the ``dossier.received`` event must carry to rebuild the dossier alone.
    ``cross_boundary``, ``fee_collected`` and ``authorisation`` are written only when they say
    something."""
    payload: dict[str, Any] = {
        "code": d.code,
        "agency_code": d.agency_code,
        "counter": d.counter,
        "procedure": asdict(d.procedure),
        "applicant": applicant_to_dict(d.applicant),
        "owner": applicant_to_dict(d.owner) if d.owner else None,
        "channel": d.channel.value,
        "sets": d.sets,
        "documents": [document_to_dict(x) for x in d.documents],
        "fee": d.fee,
        "return_method": d.return_method.value,
        "delivery_address": d.delivery_address,
        "priority": d.priority,
        "priority_reason": d.priority_reason,
        "notes": d.notes,
        "attachments": [asdict(a) for a in d.attachments],
        "received_at": to_utc(d.received_at).isoformat(),
        "due_at": to_utc(d.due_at).isoformat(),
        "received_by": d.received_by,
        "register_volume": d.register_volume,
        "register_number": d.register_number,
        "profile_id": d.profile_id,
        "postal_tracking": d.postal_tracking,
    }
    if d.cross_boundary:
        payload["cross_boundary"] = True
    if d.authorisation:
        payload["authorisation"] = d.authorisation
    if d.fee_collected:
        payload["fee_collected"] = [fee_to_dict(f) for f in d.fee_collected]
    return payload


def dossier_from_payload(dossier_id: uuid.UUID, p: Mapping[str, Any]) -> Dossier:
    return Dossier(
        id=dossier_id,
        code=p["code"],
        agency_code=p["agency_code"],
        counter=p["counter"],
        procedure=ProcedureSnapshot(**p["procedure"]),
        applicant=applicant_from_dict(p["applicant"]),
        owner=applicant_from_dict(p["owner"]) if p.get("owner") else None,
        channel=Channel(p["channel"]),
        sets=p["sets"],
        documents=tuple(document_from_dict(x) for x in p["documents"]),
        fee=p["fee"],
        return_method=ReturnMethod(p["return_method"]),
        delivery_address=p["delivery_address"],
        priority=p["priority"],
        priority_reason=p["priority_reason"],
        notes=p["notes"],
        attachments=tuple(AttachmentRef(**a) for a in p.get("attachments", ())),
        received_at=datetime.fromisoformat(p["received_at"]),
        due_at=datetime.fromisoformat(p["due_at"]),
        status=DossierStatus.RECEIVED,
        received_by=p["received_by"],
        register_volume=p["register_volume"],
        register_number=p["register_number"],
        profile_id=p["profile_id"],
        postal_tracking=p.get("postal_tracking", ""),
        cross_boundary=bool(p.get("cross_boundary", False)),
        fee_collected=tuple(fee_from_dict(x) for x in p.get("fee_collected", ())),
        authorisation=p.get("authorisation", ""),
    )


# --- projection -------------------------------------------------------------------------------


class ProjectionError(ValueError):
    """The events do not make a dossier (e.g. a print before the dossier was received)."""


def apply(state: Dossier | None, event: Event) -> Dossier | None:
    """The dossier after one more event. Unknown kinds leave the state as it is."""
    kind = event.kind
    if kind == Kind.DOSSIER_RECEIVED:
        if state is not None:
            raise ProjectionError(f"dossier {event.dossier_id} received twice")
        assert event.dossier_id is not None
        return dossier_from_payload(event.dossier_id, event.payload)
    if state is None:
        if kind.startswith("dossier.") or kind.startswith("receipt."):
            raise ProjectionError(f"{kind} before dossier.received for {event.dossier_id}")
        return None
    if kind == Kind.RECEIPT_PRINTED:
        return evolve(state, print_count=state.print_count + 1)
    if kind == Kind.RECEIPT_REPRINTED:
        return evolve(
            state, print_count=state.print_count + 1, reprint_count=state.reprint_count + 1
        )
    if kind == Kind.ATTACHMENT_ADDED:
        ref = AttachmentRef(**event.payload["attachment"])
        return evolve(state, attachments=state.attachments + (ref,))
    if kind == Kind.CONFLICT_RESOLVED:
        return evolve(state, conflicts=0)
    transition = lifecycle.Transition.of_kind(kind)
    if transition is not None:
        return lifecycle.apply(state, transition, event.payload, event.business_time)
    return state


def order_key(event: Event) -> tuple[int, datetime, uuid.UUID]:
    """Replay order of one dossier's events: its reception first (whatever another PC's clock
    said), then device time, then id (UUID v7 is time-ordered). Aware datetimes compare as
    instants whatever their zone, and UUIDs as their numbers, which is their text's order."""
    return (0 if event.kind == Kind.DOSSIER_RECEIVED else 1, event.device_time, event.id)


def project(events: Iterable[Event]) -> Dossier | None:
    state: Dossier | None = None
    for event in sorted(events, key=order_key):
        state = apply(state, event)
    return state
