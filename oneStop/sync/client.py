"""A counter's side of replication: push its waiting events, pull the others', project them.

Crash-safe at every step:

* push: the central database commits first; only then are the events marked as
  acknowledged locally. A crash in between re-sends them next time, and the central database
  acknowledges them again without a second copy.
* pull: the pulled events, their projection and the advanced cursor are written in one local
  transaction. A crash before it commits pulls the same events again; one after it does not.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

from sqlalchemy import func, select, update

from oneStop.domain.clock import utcnow
from oneStop.domain.events import ProjectionError, content_hash, project
from oneStop.persistence.mapping import event_from_row, event_row, new_dossier_row
from oneStop.persistence.models import AgencyRow, DossierRow, EventRow, SyncStateRow
from oneStop.persistence.uow import UnitOfWork
from oneStop.sync import central, reference

BATCH = 500
CURSOR = "central_cursor"


@dataclass(frozen=True)
class SyncResult:
    pushed: int  # events the central database stored for the first time
    acknowledged: int  # events marked as arrived (new and already there)
    pulled: int  # events of other counters received
    waiting: int  # events of this counter not yet acknowledged
    quarantined: int
    gaps: tuple[tuple[str, int, int], ...] = ()
    mismatches: tuple[dict[str, Any], ...] = ()  # counts per counter and day that differ from the centre

    def to_json(self) -> dict[str, Any]:
        return {"pushed": self.pushed, "acknowledged": self.acknowledged, "pulled": self.pulled,
                "waiting": self.waiting, "quarantined": self.quarantined, "gaps": [list(g) for g in self.gaps],
                "mismatches": list(self.mismatches)}


class SyncClient:
    def __init__(self, uow: Callable[..., UnitOfWork], url: str, *, clock: Callable[[], datetime] = utcnow,
                 batch: int = BATCH) -> None:
        self._uow = uow
        self._url = url
        self._clock = clock
        self._batch = batch
        self.reference_changed = False  # a pulled catalog, calendar, user or setting change

    # --- the local side ----------------------------------------------------------------------

    def waiting(self) -> int:
        with self._uow() as uow:
            return uow.session.scalar(
                select(func.count()).select_from(EventRow)
                .where(EventRow.counter_id == uow.counter_id, EventRow.central_seq.is_(None))
            ) or 0

    def _agency(self, uow: UnitOfWork) -> str:
        return uow.session.scalar(select(AgencyRow.code)) or ""

    # --- one sync ------------------------------------------------------------------------------

    def sync(self) -> SyncResult:
        engine = central.connect(self._url)
        try:
            with engine.connect() as connection:
                self._measure_clock(connection)
                pushed, acknowledged, quarantined, gaps = self._push(connection)
                pulled = self._pull(connection)
                mismatches = self._compare(connection)
        finally:
            engine.dispose()
        self._remember("last_success", self._clock().isoformat())
        self._remember("mismatches", list(mismatches))
        return SyncResult(pushed, acknowledged, pulled, self.waiting(), quarantined, gaps, mismatches)

    def _compare(self, connection) -> tuple[dict[str, Any], ...]:  # type: ignore[no-untyped-def]
        """Dossiers received per counter and day, here and at the centre; the differences."""
        kinds = ("dossier.received",)
        with self._uow() as uow:
            agency = self._agency(uow)
            local = {(c, d.isoformat()): n for c, d, n in uow.session.execute(
                select(EventRow.counter_id, EventRow.business_date, func.count())
                .where(EventRow.kind.in_(kinds)).group_by(EventRow.counter_id, EventRow.business_date))}
        remote = central.counts_by_counter_and_day(connection, agency, kinds)
        return tuple(
            {"counter_id": counter, "day": day, "local": local.get((counter, day), 0), "central": remote.get((counter, day), 0)}
            for counter, day in sorted(set(local) | set(remote))
            if local.get((counter, day), 0) != remote.get((counter, day), 0)
        )

    def _measure_clock(self, connection) -> None:  # type: ignore[no-untyped-def]
        """The PC clock against the server's, halfway through a round trip (seconds; positive:
        the PC is ahead)."""
        from sqlalchemy import text

        before = self._clock()
        with connection.begin():
            server = connection.scalar(text("SELECT clock_timestamp()"))
        after = self._clock()
        offset = ((before + (after - before) / 2) - server).total_seconds()
        with self._uow(write=True) as uow:
            self._set_state(uow, "clock_offset_seconds", round(offset, 3))
            uow.commit()

    def _push(self, connection) -> tuple[int, int, int, tuple]:  # type: ignore[no-untyped-def]
        pushed = acknowledged = quarantined = 0
        gaps: list[tuple[str, int, int]] = []
        while True:
            with self._uow() as uow:
                agency = self._agency(uow)
                rows = uow.session.scalars(
                    select(EventRow).where(EventRow.counter_id == uow.counter_id, EventRow.central_seq.is_(None))
                    .order_by(EventRow.seq).limit(self._batch)
                ).all()
                batch = [event_from_row(r) for r in rows]
            if not batch:
                break
            result = central.push(connection, agency, batch)  # commits centrally
            with self._uow(write=True) as uow:  # … then, only then, locally
                for event_id, number in result.acknowledged.items():
                    uow.session.execute(update(EventRow).where(EventRow.id == event_id).values(central_seq=number))
                uow.commit()
            pushed += result.new
            acknowledged += len(result.acknowledged)
            quarantined += len(result.quarantined)
            gaps.extend(result.gaps)
            if result.quarantined and not result.acknowledged:
                break  # nothing more can move until a person looks at the quarantine
        return pushed, acknowledged, quarantined, tuple(gaps)

    def _pull(self, connection) -> int:  # type: ignore[no-untyped-def]
        pulled = 0
        while True:
            with self._uow() as uow:
                agency = self._agency(uow)
                cursor = self._state(uow, CURSOR, 0)
            batch = central.pull(connection, agency, cursor, self._batch)
            if not batch:
                return pulled
            with self._uow(write=True) as uow:
                mine = uow.counter_id
                touched: set[uuid.UUID] = set()
                for item in batch:
                    event = item.event
                    if content_hash(event) != item.content_hash:
                        raise ValueError(f"sự kiện {event.id} từ máy chủ trung tâm bị sai lệch nội dung")
                    row = uow.session.get(EventRow, event.id)
                    if row is not None:
                        if row.central_seq is None:
                            row.central_seq = item.central_seq
                        continue
                    if event.counter_id == mine:
                        continue  # ours, but lost locally: never re-create our own history silently
                    new = event_row(event, item.content_hash)
                    new.central_seq = item.central_seq
                    uow.session.add(new)
                    pulled += 1
                    if event.dossier_id is not None:
                        touched.add(event.dossier_id)
                    elif reference.apply(uow, event):
                        self.reference_changed = True
                uow.session.flush()
                for dossier_id in touched:
                    _reproject(uow, dossier_id)
                self._set_state(uow, CURSOR, batch[-1].central_seq)
                uow.commit()

    # --- bookkeeping -----------------------------------------------------------------------------

    @staticmethod
    def _state(uow: UnitOfWork, key: str, default: Any) -> Any:
        row = uow.session.get(SyncStateRow, key)
        return default if row is None else row.value

    def _set_state(self, uow: UnitOfWork, key: str, value: Any) -> None:
        row = uow.session.get(SyncStateRow, key)
        if row is None:
            uow.session.add(SyncStateRow(key=key, value=value, updated_at=self._clock()))
        else:
            row.value = value
            row.updated_at = self._clock()

    def _remember(self, key: str, value: Any) -> None:
        with self._uow(write=True) as uow:
            self._set_state(uow, key, value)
            uow.commit()


def _reproject(uow: UnitOfWork, dossier_id: uuid.UUID) -> None:
    """Rebuild one dossier's projection from all its events, whoever wrote them."""
    rows = uow.session.scalars(select(EventRow).where(EventRow.dossier_id == dossier_id)).all()
    try:
        dossier = project(event_from_row(r) for r in rows)
    except ProjectionError:
        return  # its reception has not arrived yet: the events wait, the next pull projects them
    existing = uow.session.get(DossierRow, dossier_id)
    if existing is not None:
        uow.session.delete(existing)
        uow.session.flush()
    if dossier is not None:
        uow.session.add(new_dossier_row(dossier, uow.now()))
