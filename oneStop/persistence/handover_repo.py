"""Reading and writing handover batches (the projection of ``handover.*`` events)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from oneStop.domain.clock import local_date
from oneStop.domain.handover import Direction, HandoverBatch, HandoverItem
from oneStop.persistence.models import HandoverBatchRow, HandoverItemRow


def _s(value: uuid.UUID | None) -> str:
    return str(value) if value else ""


def load_batch(session: Session, row: HandoverBatchRow) -> HandoverBatch:
    items = session.scalars(
        select(HandoverItemRow).where(HandoverItemRow.batch_id == row.id).order_by(HandoverItemRow.added_at,
                                                                                    HandoverItemRow.id)
    ).all()
    return HandoverBatch(
        id=str(row.id), number=row.number, direction=Direction(row.direction), postal_unit=row.postal_unit,
        staff_name=row.staff_name, staff_id=row.staff_id, opened_by=row.opened_by, opened_at=row.opened_at,
        items=tuple(
            HandoverItem(str(i.id), _s(i.dossier_id), i.code, i.tracking, i.added_by, i.added_at, i.removed,
                         i.postal_fee, i.note)
            for i in items
        ),
        closed_by=row.closed_by, closed_at=row.closed_at, corrections=row.corrections,
    )


def save_batch(session: Session, before: HandoverBatch | None, after: HandoverBatch) -> None:
    """Write what changed between two states of a batch."""
    batch_id = uuid.UUID(after.id)
    row = session.get(HandoverBatchRow, batch_id)
    header = dict(
        number=after.number, direction=after.direction.value, postal_unit=after.postal_unit,
        staff_name=after.staff_name, staff_id=after.staff_id, opened_by=after.opened_by, opened_at=after.opened_at,
        opened_date=local_date(after.opened_at), closed_by=after.closed_by, closed_at=after.closed_at,
        corrections=after.corrections,
    )
    if row is None:
        session.add(HandoverBatchRow(id=batch_id, **header))
        session.flush()
    else:
        for key, value in header.items():
            if getattr(row, key) != value:
                setattr(row, key, value)
    old = {i.id: i for i in (before.items if before else ())}
    for item in after.items:
        if old.get(item.id) == item:
            continue
        values = dict(
            batch_id=batch_id, dossier_id=uuid.UUID(item.dossier_id) if item.dossier_id else None, code=item.code,
            tracking=item.tracking, added_by=item.added_by, added_at=item.added_at, removed=item.removed,
            postal_fee=item.postal_fee, note=item.note,
        )
        existing = session.get(HandoverItemRow, uuid.UUID(item.id))
        if existing is None:
            session.add(HandoverItemRow(id=uuid.UUID(item.id), **values))
        else:
            for key, value in values.items():
                setattr(existing, key, value)


def find_batch(session: Session, ref: str) -> HandoverBatchRow | None:
    """By id or by number ("BG-261123-1-01")."""
    ref = (ref or "").strip()
    try:
        row = session.get(HandoverBatchRow, uuid.UUID(ref))
        if row is not None:
            return row
    except ValueError:
        pass
    return session.scalar(select(HandoverBatchRow).where(HandoverBatchRow.number == ref.upper()))


def live_items_of_dossier(session: Session, dossier_id: uuid.UUID) -> list[tuple[HandoverItemRow, HandoverBatchRow]]:
    rows = session.execute(
        select(HandoverItemRow, HandoverBatchRow)
        .join(HandoverBatchRow, HandoverBatchRow.id == HandoverItemRow.batch_id)
        .where(HandoverItemRow.dossier_id == dossier_id, HandoverItemRow.removed.is_(False))
    ).all()
    return [(i, b) for i, b in rows]


def live_items_with_tracking(session: Session, tracking: str) -> list[tuple[HandoverItemRow, HandoverBatchRow]]:
    rows = session.execute(
        select(HandoverItemRow, HandoverBatchRow)
        .join(HandoverBatchRow, HandoverBatchRow.id == HandoverItemRow.batch_id)
        .where(HandoverItemRow.tracking == tracking, HandoverItemRow.removed.is_(False))
    ).all()
    return [(i, b) for i, b in rows]


def batches_on(session: Session, day: date) -> list[HandoverBatchRow]:
    return list(session.scalars(
        select(HandoverBatchRow).where(HandoverBatchRow.opened_date == day).order_by(HandoverBatchRow.opened_at)
    ))

