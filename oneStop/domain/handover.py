"""Handover batches with the public postal service (rules §2.7, §5): what a batch is, what its
events do to it, and what a scan means.

A batch goes one way: ``out`` (results leaving by post) or ``in`` (dossiers citizens gave to a
post office). Items are added by scanning; an outgoing item needs its postal tracking number,
an incoming one is resolved when it has been received as a dossier. A batch is closed with both
sides' names once nothing is unresolved; after that it changes only by a correction event.

>>> b = apply_batch(None, Kind.OPENED, {"batch_id": "b1", "number": "BG-261123-01", "direction": "out",
...     "postal_unit": "BC-QP", "staff_name": "Trần Bưu", "staff_id": "NV01"}, "hoa", T0)
>>> b = apply_batch(b, Kind.ITEM_ADDED, {"batch_id": "b1", "item_id": "i1", "dossier_id": "d1",
...     "code": "000.17.22.H56-261123-0001"}, "hoa", T0)
>>> b.unresolved()[0].state
'needs_tracking'
>>> b = apply_batch(b, Kind.TRACKING_SET, {"batch_id": "b1", "item_id": "i1", "tracking": "RR123456785VN"}, "hoa", T0)
>>> b.unresolved()
()
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Mapping

from oneStop.domain.vocabulary import Kind as K

T0 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


class Direction(StrEnum):
    OUT = "out"  # results handed to the postal worker
    IN = "in"  # dossiers arriving from post offices

    @property
    def label(self) -> str:
        return "Giao kết quả cho bưu chính" if self is Direction.OUT else "Nhận hồ sơ từ bưu chính"


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    UNKNOWN = "unknown"
    NOT_READY = "not-ready"
    WRONG_BATCH = "wrong-batch"
    TRACKING = "tracking"  # a tracking number attached to the item waiting for one
    CLOSED = "closed"  # the batch is closed: nothing can be scanned into it

    @property
    def label(self) -> str:
        return {
            "accepted": "Đã nhận",
            "duplicate": "Quét trùng",
            "unknown": "Không nhận ra",
            "not-ready": "Chưa thể bàn giao",
            "wrong-batch": "Thuộc lô khác",
            "tracking": "Đã gắn số hiệu bưu gửi",
            "closed": "Lô đã đóng",
        }[self.value]


class Kind:
    """Event kinds of a handover batch (the batch id is in the payload)."""

    OPENED = K.HANDOVER_OPENED
    ITEM_ADDED = K.HANDOVER_ITEM_ADDED
    TRACKING_SET = K.HANDOVER_TRACKING_SET
    ITEM_RECEIVED = K.HANDOVER_ITEM_RECEIVED  # an incoming item received as a dossier
    ITEM_REMOVED = K.HANDOVER_ITEM_REMOVED
    CLOSED = K.HANDOVER_CLOSED
    CORRECTED = K.HANDOVER_CORRECTED  # a change to a closed batch, with its reason

    ALL = (OPENED, ITEM_ADDED, TRACKING_SET, ITEM_RECEIVED, ITEM_REMOVED, CLOSED, CORRECTED)


@dataclass(frozen=True)
class HandoverItem:
    id: str
    dossier_id: str  # "" for an incoming item not yet received
    code: str  # the dossier code ("" until received, for incoming)
    tracking: str
    added_by: str
    added_at: datetime
    removed: bool = False
    postal_fee: int = 0
    note: str = ""

    @property
    def state(self) -> str:
        if self.removed:
            return "removed"
        if not self.tracking:
            return "needs_tracking"
        if not self.dossier_id:
            return "awaiting_reception"
        return "ready"


@dataclass(frozen=True)
class HandoverBatch:
    id: str
    number: str
    direction: Direction
    postal_unit: str
    staff_name: str
    staff_id: str
    opened_by: str
    opened_at: datetime
    items: tuple[HandoverItem, ...] = ()
    closed_by: str = ""
    closed_at: datetime | None = None
    corrections: int = 0

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    def live_items(self) -> tuple[HandoverItem, ...]:
        return tuple(i for i in self.items if not i.removed)

    def unresolved(self) -> tuple[HandoverItem, ...]:
        return tuple(i for i in self.live_items() if i.state != "ready")

    def item(self, item_id: str) -> HandoverItem | None:
        return next((i for i in self.items if i.id == item_id), None)


def _with_item(batch: HandoverBatch, item_id: str, **changes: Any) -> HandoverBatch:
    return replace(batch, items=tuple(replace(i, **changes) if i.id == item_id else i for i in batch.items))


def apply_batch(
    state: HandoverBatch | None, kind: str, payload: Mapping[str, Any], actor: str, at: datetime
) -> HandoverBatch | None:
    """The batch after one more event (never refuses: events are facts)."""
    p = payload
    if kind == Kind.OPENED:
        return HandoverBatch(
            id=p["batch_id"], number=p["number"], direction=Direction(p["direction"]), postal_unit=p["postal_unit"],
            staff_name=p.get("staff_name", ""), staff_id=p.get("staff_id", ""), opened_by=actor, opened_at=at,
        )
    if state is None:
        return None
    correcting = state.closed and kind != Kind.CLOSED
    if kind == Kind.ITEM_ADDED:
        item = HandoverItem(p["item_id"], p.get("dossier_id", ""), p.get("code", ""), p.get("tracking", ""), actor, at)
        state = replace(state, items=state.items + (item,))
    elif kind == Kind.TRACKING_SET:
        state = _with_item(state, p["item_id"], tracking=p["tracking"])
    elif kind == Kind.ITEM_RECEIVED:
        state = _with_item(state, p["item_id"], dossier_id=p["dossier_id"], code=p["code"],
                           postal_fee=int(p.get("postal_fee", 0)), note=p.get("note", ""))
    elif kind == Kind.ITEM_REMOVED:
        state = _with_item(state, p["item_id"], removed=True, note=p.get("reason", ""))
    elif kind == Kind.CLOSED:
        return replace(state, closed_by=actor, closed_at=state.closed_at or at,
                       staff_name=p.get("staff_name") or state.staff_name, staff_id=p.get("staff_id") or state.staff_id)
    elif kind == Kind.CORRECTED:
        return replace(state, corrections=state.corrections + 1)
    if correcting:
        state = replace(state, corrections=state.corrections + 1)
    return state
