"""A counter's side of replication: push its waiting events, pull the others', project them.

Crash-safe at every step:

* push: the central database commits first; only then are the events marked as
  acknowledged locally. A crash in between re-sends them next time, and the central database
  acknowledges them again without a second copy.
* pull: the pulled events, their projection and the advanced cursor are written in one local
  transaction. A crash before it commits pulls the same events again; one after it does not.
  (That commit runs on a thread of its own while the next batch is fetched; nothing more is
  written until it has succeeded.)
"""

from __future__ import annotations

import gc
import json
import logging
import threading
import time
import uuid
from collections import OrderedDict
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Callable, Mapping

from sqlalchemy import String, Text, bindparam, delete, func, select, type_coerce, update

from oneStop.domain import signing
from oneStop.domain.clock import utcnow
from oneStop.domain.errors import OneStopError
from oneStop.domain.events import Kind, ProjectionError, apply, order_key, project
from oneStop.domain.models import Event
from oneStop.persistence.bulk import insert_rows, insert_tuples
from oneStop.persistence.mapping import EVENT_COLUMNS, dossier_row_values, event_from_row, event_params
from oneStop.persistence.models import CounterRow, DossierRow, EventRow, SyncStateRow
from oneStop.persistence.uow import UnitOfWork
from oneStop.sync import central, reference
from oneStop.sync.vetting import Vetter, set_aside_row
from oneStop.sync.vetting import store as store_set_aside

log = logging.getLogger(__name__)

BATCH = 2000  # events a push sends at once (one central transaction: fewer, larger ones cost the server less)
PULL_BATCH = 10_000  # events a pull takes at once: each dossier touched is projected once per batch
#: Seconds one sync waits, in all, for events held back behind a transaction still running at
#: the centre; what is still held back then comes with the next sync.
HORIZON_WAIT = 10.0
CURSOR = "central_cursor"
#: Set by a restore: the next pull takes back this counter's own events the central database
#: has and the restored copy lacks (written after the copy was made), then clears it.
RECOVER_OWN = "recover_own_events"
#: Set by ``restore --move-counter``: this PC took over its counter with a new signing key;
#: no dossier code is issued until a sync finds that key registered at the centre (the
#: province's administrator confirmed the move) and has taken back the counter's own events.
MOVE_PENDING = "counter_move_pending"


@dataclass(frozen=True)
class SyncResult:
    pushed: int  # events the central database stored for the first time
    acknowledged: int  # events marked as arrived (new and already there)
    pulled: int  # events of other counters received
    waiting: int  # events of this counter not yet acknowledged
    quarantined: int
    gaps: tuple[tuple[str, int, int], ...] = ()
    mismatches: tuple[dict[str, Any], ...] = ()  # counts per counter and day that differ from the centre
    set_aside: int = 0  # pulled events that failed the checks: kept, not applied (``vetting``)

    def to_json(self) -> dict[str, Any]:
        return {"pushed": self.pushed, "acknowledged": self.acknowledged, "pulled": self.pulled,
                "waiting": self.waiting, "quarantined": self.quarantined, "gaps": [list(g) for g in self.gaps],
                "mismatches": list(self.mismatches), "set_aside": self.set_aside}


class KeyMismatch(OneStopError):
    """The central database knows another signing key for this counter."""

    def __init__(self, counter_id: str) -> None:
        super().__init__(
            f"Khóa ký của quầy {counter_id} trên máy này khác khóa đã đăng ký ở máy chủ trung tâm: máy này không phải "
            "quầy đó, hoặc quầy đã được chuyển sang máy khác. Chưa gửi, chưa nhận sự kiện nào. Báo quản trị tỉnh "
            "(onestop central add-counter … --public-key <khóa của máy này>).")


class SyncClient:
    def __init__(self, uow: Callable[..., UnitOfWork], url: str, *, clock: Callable[[], datetime] = utcnow,
                 batch: int | None = None) -> None:
        """``batch``: events per push and per pull (default: ``BATCH`` and ``PULL_BATCH``)."""
        self._uow = uow
        self._url = url
        self._clock = clock
        self._batch = batch or BATCH
        self._pull_batch = batch or PULL_BATCH
        self.reference_changed = False  # a pulled catalog, calendar, user or setting change
        self.set_aside = 0  # events of this sync that failed the checks
        self._vetter: Vetter | None = None

    # --- the local side ----------------------------------------------------------------------

    def waiting(self) -> int:
        with self._uow() as uow:
            return uow.session.scalar(
                select(func.count()).select_from(EventRow)
                .where(EventRow.counter_id == uow.counter_id, EventRow.central_seq.is_(None))
            ) or 0

    # --- one sync ------------------------------------------------------------------------------

    def sync(self) -> SyncResult:
        self.set_aside = 0
        engine = central.connect(self._url)
        try:
            with engine.connect() as connection:
                with self._uow() as uow:
                    agency = uow.agency_code
                central.require_schema(connection, agency)
                self._check_key(connection)
                self._make_room(connection)
                self._measure_clock(connection)
                sharing = central.sharing_with(connection, agency)
                self._vetter = Vetter(agency, central.counter_keys(connection))
                pushed, acknowledged, quarantined, gaps = self._push(connection, sharing)
                pulled = self._pull(connection, sharing)
                mismatches = self._compare(connection)
        finally:
            engine.dispose()
        self._remember("last_success", self._clock().isoformat())
        self._remember("mismatches", list(mismatches))
        return SyncResult(pushed, acknowledged, pulled, self.waiting(), quarantined, gaps, mismatches, self.set_aside)

    def _check_key(self, connection) -> None:  # type: ignore[no-untyped-def]
        """Register this counter's public key at the centre (the first time), and refuse to go
        on if the centre holds another one for it."""
        with self._uow(write=True) as uow:  # a database from before signing makes its key here
            counter = uow.session.get(CounterRow, uow.counter_id)
            assert counter is not None
            if counter.public_key is None:
                counter.signing_key, counter.public_key = signing.new_key()
            public, counter_id = counter.public_key, counter.id
            uow.commit()
        registered = central.register_key(connection, public)
        if registered is not None and registered != public:
            raise KeyMismatch(counter_id)

    def _make_room(self, connection) -> None:  # type: ignore[no-untyped-def]
        """After a move (``MOVE_PENDING``, the centre having just accepted this PC's key): the
        old PC may have sent events numbered after the backup this PC was restored from. This
        PC's own events not yet sent (the restore's record, sign-ins) move to the numbers after
        the centre's last one, hashed and signed again; the pull then takes back the old PC's
        events in their places."""
        from oneStop.domain.events import content_hash
        from sqlalchemy import text

        with self._uow() as uow:
            if uow.session.get(SyncStateRow, MOVE_PENDING) is None:
                return
            mine = uow.counter_id
        with connection.begin():
            top = connection.scalar(text("SELECT max(seq) FROM central_events WHERE counter_id = :c"), {"c": mine})
        if top is None:
            return
        with self._uow(write=True) as uow:
            rows = list(uow.session.scalars(select(EventRow).where(EventRow.counter_id == mine,
                                                                   EventRow.central_seq.is_(None))
                                            .order_by(EventRow.seq.desc())))
            if not rows or rows[-1].seq > top:
                return
            for n, row in zip(range(top + len(rows), top, -1), rows):  # highest first: no slot taken twice
                event = replace(event_from_row(row), seq=n)
                digest = content_hash(event)
                row.seq, row.content_hash, row.signature = n, digest, uow.sign(digest)
                uow.session.flush()
            counter = uow.session.get(CounterRow, mine)
            counter.last_seq = max(counter.last_seq, top + len(rows))
            uow.commit()
        log.info("counter moved here: %d unsent events renumbered after the centre's %d", len(rows), top)

    def _compare(self, connection) -> tuple[dict[str, Any], ...]:  # type: ignore[no-untyped-def]
        """Dossiers received per counter and day, here and at the centre; the differences."""
        kinds = (Kind.DOSSIER_RECEIVED,)
        with self._uow() as uow:
            agency = uow.agency_code
            local = {(c, d.isoformat()): n for c, d, n in uow.session.execute(  # this agency's counters only
                select(EventRow.counter_id, EventRow.business_date, func.count())
                .where(EventRow.kind.in_(kinds), EventRow.by_counters_of(agency))
                .group_by(EventRow.counter_id, EventRow.business_date))}
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

    def _push(self, connection, sharing: tuple[str, ...] = ()) -> tuple[int, int, int, tuple]:  # type: ignore[no-untyped-def]
        """This counter's waiting events, in batches; a step on a dossier that an agency
        sharing with this one received goes into that agency's stream (``central.stream_of``)."""
        pushed = acknowledged = quarantined = 0
        gaps: list[tuple[str, int, int]] = []
        while True:
            with self._uow() as uow:
                agency = uow.agency_code
                rows = uow.session.execute(
                    select(EventRow, type_coerce(EventRow.payload, Text).label("payload_text"), DossierRow.agency_code)
                    .outerjoin(DossierRow, DossierRow.id == EventRow.dossier_id)
                    .where(EventRow.counter_id == uow.counter_id, EventRow.central_seq.is_(None))
                    .order_by(EventRow.seq).limit(self._batch)
                ).all()
                # the canonical text and hash as stored when each event was written: not made again
                batch = [central.Outgoing(event_from_row(row), text, row.content_hash,
                                          central.stream_of(dossier_agency, agency, sharing), row.signature)
                         for row, text, dossier_agency in rows]
            if not batch:
                break
            result = central.push(connection, agency, batch)  # commits centrally
            with self._uow(write=True) as uow:  # … then, only then, locally
                if result.acknowledged:
                    uow.session.connection().execute(
                        update(EventRow.__table__).where(EventRow.__table__.c.id == bindparam("event_id"))
                        .values(central_seq=bindparam("number")),
                        [{"event_id": i, "number": n} for i, n in result.acknowledged.items()])
                uow.commit()
            pushed += result.new
            acknowledged += len(result.acknowledged)
            quarantined += len(result.quarantined)
            gaps.extend(result.gaps)
            if result.quarantined and not result.acknowledged:
                break  # nothing more can move until a person looks at the quarantine
        return pushed, acknowledged, quarantined, tuple(gaps)

    def _pull(self, connection, sharing: tuple[str, ...] = ()) -> int:  # type: ignore[no-untyped-def]
        """Other counters' events in batches, from this agency's stream and then from each
        stream of an agency sharing its dossiers with this one (each with its own cursor);
        each batch, its projection and the advanced cursor in one local transaction, written
        in bulk (Core ``executemany``).

        The cyclic garbage collector is paused meanwhile: a large pull makes hundreds of
        thousands of objects that hold no cycles, and its full passes over them took a third
        of the time."""
        paused = gc.isenabled()
        gc.disable()
        try:
            with self._uow() as uow:
                own = uow.agency_code
                recovering = bool(self._state(uow, RECOVER_OWN, False))
            projections = ProjectionCache()
            waited = [0.0]  # seconds spent waiting for held-back events, all streams together
            pulled = sum(self._pull_batches(connection, stream, stream != own, recovering, projections, waited)
                         for stream in (own, *sharing))
            if recovering:  # all the way to the end: whatever of ours the centre had is back
                with self._uow(write=True) as uow:  # and a move, if any, is confirmed (``_check_key``)
                    uow.session.query(SyncStateRow).filter(SyncStateRow.key.in_((RECOVER_OWN, MOVE_PENDING))).delete()
                    uow.commit()
            return pulled
        finally:
            if paused:
                gc.enable()

    def _pull_batches(self, connection, agency: str, shared: bool, recovering: bool,  # type: ignore[no-untyped-def]
                      projections: "ProjectionCache", waited: list[float]) -> int:
        """One agency's stream to its end. ``shared``: another agency's, of which only dossier
        events are taken (its users, settings and catalog are its own)."""
        pulled = 0
        key = cursor_key(agency if shared else None)
        pause = 0.05
        with self._uow() as uow:
            cursor = central.cursor_of(self._state(uow, key, None))
        committing = _BackgroundCommit()
        try:
            while True:
                # fetched and checked while the batch before commits: SQLite writes it (the WAL,
                # the checkpoint) without holding the interpreter, on the other processor
                batch = central.pull(connection, agency, cursor, self._pull_batch)
                committing.wait()  # that commit's failure stops the pull here, before anything more is written
                if not batch:
                    if waited[0] < HORIZON_WAIT and central.held_back(connection, agency, cursor):
                        # events are there but a transaction older than them is still running
                        # (another counter's push, the server's own maintenance): wait a moment
                        time.sleep(pause)
                        waited[0] += pause
                        pause = min(pause * 2, 2.0)
                        continue
                    return pulled
                pause = 0.05
                with ExitStack() as stack:  # on any error: rolled back and closed here
                    uow = stack.enter_context(self._uow(write=True))
                    fresh = self._write_batch(uow, batch, agency, shared, recovering, projections)
                    self._set_state(uow, key, list(batch[-1].cursor))
                    uow.session.flush()  # all of it written: the commit alone is left to the thread
                    committing.start(uow, stack)
                cursor = batch[-1].cursor
                pulled += fresh
        except BaseException:
            committing.wait(raising=False)  # a failed commit of its own comes second to this error
            raise

    def _write_batch(self, uow: UnitOfWork, batch: list[central.CentralEvent], stream: str, shared: bool,
                     recovering: bool, projections: "ProjectionCache") -> int:
        """Check what of ``batch`` is new here, in order; store and project what passes, set
        aside what fails (``vetting``); mark this counter's own events in it as arrived.
        Returns how many events were new."""
        mine = uow.counter_id
        session = uow.session
        # which of them this PC has already (its own, or pulled before a restore): one
        # JSON array of ids, where ``IN (…)`` would bind and convert ten thousand parameters
        present = dict(session.execute(_PRESENT, {"ids": json.dumps([i.event.id.hex for i in batch])}).all())
        acknowledged: list[dict[str, Any]] = []
        fresh: list[central.CentralEvent] = []
        for item in batch:
            event = item.event
            if present and event.id in present:
                if present[event.id] is None:
                    acknowledged.append({"b_id": event.id, "b_seq": item.central_seq})
            # ours but lost locally: taken back only after a restore (``RECOVER_OWN``), never silently
            elif (recovering or event.counter_id != mine) and not (shared and event.dossier_id is None):
                fresh.append(item)
        if acknowledged:
            session.execute(_ACKNOWLEDGE, acknowledged)
        vetter = self._vetter or Vetter(uow.agency_code)
        vetter.learn(fresh, uow)
        rows: list[tuple[Any, ...]] = []
        aside: list[dict[str, Any]] = []
        touched: dict[uuid.UUID, list[Event]] = {}
        now = uow.now()
        for item in fresh:  # in stream order: a user created earlier in it may act later in it
            event = item.event
            refusal = vetter.vet(uow, item, stream, payload_size=len(item.payload_json))
            if refusal is not None:
                aside.append(set_aside_row(item, refusal, stream, now))
                vetter.set_aside(event)
                continue
            rows.append(event_params(event, item.content_hash, item.payload_json, item.central_seq, item.signature))
            if event.dossier_id is not None:
                touched.setdefault(event.dossier_id, []).append(event)
            if event.dossier_id is None and reference.apply(uow, event):
                self.reference_changed = True
            vetter.applied(event)
        insert_tuples(session.connection(), _EVENTS, EVENT_COLUMNS, rows)
        store_set_aside(uow, aside)
        if aside:
            self.set_aside += len(aside)
            log.warning("sync: %d events set aside (%s)", len(aside), ", ".join(sorted({a["problem"] for a in aside})))
        _reproject(uow, touched, projections)
        return len(rows)

    # --- bookkeeping -----------------------------------------------------------------------------

    @staticmethod
    def _state(uow: UnitOfWork, key: str, default: Any) -> Any:
        row = uow.session.get(SyncStateRow, key)
        return default if row is None else row.value

    def _set_state(self, uow: UnitOfWork, key: str, value: Any) -> None:
        put_state(uow, key, value, self._clock())

    def _remember(self, key: str, value: Any) -> None:
        with self._uow(write=True) as uow:
            self._set_state(uow, key, value)
            uow.commit()


def cursor_key(agency: str | None) -> str:
    """The sync-state key of the pull cursor of this agency's stream (``None``) or of the
    stream of an agency that shares its dossiers with it."""
    return CURSOR if agency is None else f"{CURSOR}@{agency}"


def put_state(uow: UnitOfWork, key: str, value: Any, at: datetime) -> None:
    """Set one value of this PC's sync bookkeeping (``sync_state``), in ``uow``'s transaction."""
    row = uow.session.get(SyncStateRow, key)
    if row is None:
        uow.session.add(SyncStateRow(key=key, value=value, updated_at=at))
    else:
        row.value, row.updated_at = value, at


_EVENTS = EventRow.__table__
#: The events among a batch's ids (``:ids``, a JSON array of their 32 hex digits) already here.
_PRESENT = select(_EVENTS.c.id, _EVENTS.c.central_seq).where(
    _EVENTS.c.id.in_(select(func.json_each(bindparam("ids", type_=String)).table_valued("value").c.value)))
_ACKNOWLEDGE = (update(_EVENTS).where(_EVENTS.c.id == bindparam("b_id"), _EVENTS.c.central_seq.is_(None))
                .values(central_seq=bindparam("b_seq")))


class _BackgroundCommit:
    """Commits one pull batch's unit of work on a thread of its own, while the next batch is
    fetched from the central database and checked. The commit is SQLite writing the batch to
    its log and checkpointing it, all without the interpreter lock: on a PC with two processors
    it costs the pull nothing (a ninth of a 100,000-event pull before). One commit at a time;
    ``wait`` before the next write transaction, and its failure is raised there."""

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def start(self, uow: UnitOfWork, stack: ExitStack) -> None:
        """Commit ``uow`` and close it (``stack`` holds it open) on the thread; if the thread
        cannot start, it is rolled back and closed here."""

        def run() -> None:
            try:
                with closing:  # rolled back if the commit fails, closed either way
                    uow.commit()
            except BaseException as exc:  # handed to the pulling thread by ``wait``
                self._error = exc

        thread = threading.Thread(target=run, name="onestop-pull-commit", daemon=True)
        closing = stack.pop_all()  # from here on the thread, or the failure below, closes it
        try:
            thread.start()
        except BaseException:
            closing.close()
            raise
        self._thread = thread

    def wait(self, *, raising: bool = True) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        error, self._error = self._error, None
        if error is not None and raising:
            raise error


class ProjectionCache:
    """Dossiers projected during one sync: the state, the replay key of the last event folded
    in and how many events that was. A later batch folds its new events into the state instead
    of reading the dossier's whole history again, when (and only when) the database holds
    exactly those events plus the new ones, and the new ones replay after the cached ones;
    anything else (an official's step on this PC meanwhile, an event from a late clock) is
    projected from all its events. Bounded: the oldest entries are dropped."""

    def __init__(self, limit: int = 50_000) -> None:
        self._items: OrderedDict[uuid.UUID, tuple[Any, Any, int]] = OrderedDict()
        self._limit = limit

    def get(self, dossier_id: uuid.UUID) -> tuple[Any, Any, int] | None:
        return self._items.get(dossier_id)

    def put(self, dossier_id: uuid.UUID, state: Any, key: Any, count: int) -> None:
        self._items[dossier_id] = (state, key, count)
        self._items.move_to_end(dossier_id)
        while len(self._items) > self._limit:
            self._items.popitem(last=False)


def _reproject(uow: UnitOfWork, fresh: Mapping[uuid.UUID, list[Event]], cache: ProjectionCache | None = None) -> None:
    """Bring the projections of the dossiers in ``fresh`` (their newly stored events) up to
    date with all their events, whoever wrote them; bulk delete and insert. A dossier whose
    reception has not arrived yet is left unprojected: its events wait, a later pull projects
    them."""
    if not fresh:
        return
    cache = cache or ProjectionCache(0)
    session = uow.session
    e = _EVENTS.c
    ids = list(fresh)
    stored: dict[uuid.UUID, int] = {}
    for start in range(0, len(ids), 500):
        stored.update(session.execute(select(e.dossier_id, func.count()).where(e.dossier_id.in_(ids[start:start + 500]))
                                      .group_by(e.dossier_id)).all())
    projected: dict[uuid.UUID, tuple[Any, Any, int]] = {}
    reload: list[uuid.UUID] = []
    for dossier_id, new in fresh.items():
        cached = cache.get(dossier_id)
        new = sorted(new, key=order_key)
        if cached is not None and cached[0] is not None and cached[2] + len(new) == stored.get(dossier_id) \
                and order_key(new[0]) > cached[1]:
            try:
                state = cached[0]
                for event in new:
                    state = apply(state, event)
            except ProjectionError:
                reload.append(dossier_id)
                continue
            projected[dossier_id] = (state, order_key(new[-1]), stored[dossier_id])
        elif cached is None and stored.get(dossier_id) == len(new):
            # all it has are the events just pulled: they are in hand, nothing to read back
            try:
                projected[dossier_id] = (project(new), order_key(new[-1]), len(new))
            except ProjectionError:
                continue  # its reception has not arrived yet: a later pull projects it
        else:
            reload.append(dossier_id)
    for start in range(0, len(reload), 500):
        by_dossier: dict[uuid.UUID, list[Event]] = {}
        rows = session.execute(
            select(e.id, e.counter_id, e.seq, e.kind, e.actor, e.device_time, e.business_time, e.dossier_id,
                   e.payload, e.schema).where(e.dossier_id.in_(reload[start:start + 500])))
        for r in rows:
            by_dossier.setdefault(r.dossier_id, []).append(event_from_row(r))
        for dossier_id, events in by_dossier.items():
            try:
                state = project(events)
            except ProjectionError:
                continue
            projected[dossier_id] = (state, max(order_key(x) for x in events), len(events))
    now = uow.now()
    rows_out = []
    for dossier_id, (state, key, count) in projected.items():
        if state is not None:
            cache.put(dossier_id, state, key, count)
            rows_out.append(dossier_row_values(state, now))
    done = [r["id"] for r in rows_out]
    for start in range(0, len(done), 500):
        session.execute(delete(DossierRow.__table__).where(DossierRow.__table__.c.id.in_(done[start:start + 500])))
    insert_rows(session.connection(), DossierRow.__table__, rows_out)
    session.expire_all()  # the ORM must not keep a stale view of rows written underneath it
