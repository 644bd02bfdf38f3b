"""Unit of work: one session, one transaction, per user action.

Events are appended here, with the counter's next gapless sequence number, and the dossier
projection is written in the same transaction, so either both are stored or neither is.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Any, Mapping

from sqlalchemy import select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from oneStop.domain.clock import to_local, utcnow
from oneStop.domain.errors import NotSetUp, StorageProblem
from oneStop.domain import signing, vocabulary
from oneStop.domain.events import apply, content_hash, new_event_id
from oneStop.domain.models import Dossier, Event
from oneStop.persistence import db as db_module, mapping
from oneStop.persistence.db import Database
from oneStop.persistence.models import CounterRow, DossierRow


class UnitOfWork:
    """``with uow_factory(write=True) as uow: ...; uow.commit()``. Leaving without commit
    rolls everything back."""

    def __init__(self, db: Database, *, write: bool, clock=utcnow) -> None:  # type: ignore[no-untyped-def]
        self._db = db
        self._write = write
        self._clock = clock
        self._committed = False
        self._counter_id: str | None = None
        self.session: Session

    def __enter__(self) -> "UnitOfWork":
        engine = self._db.writer if self._write else self._db.reader
        self.session = Session(engine, expire_on_commit=False, autoflush=True)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self._write and not self._committed:
                self.session.rollback()
        finally:
            self.session.close()  # a reader's objects stay readable after the block
        if isinstance(exc, OperationalError):  # the write lock not had in time, the disk full …
            raise StorageProblem(_storage_message(exc)) from exc

    def commit(self) -> None:
        if not self._write:
            raise RuntimeError("read-only unit of work")
        try:
            self.session.commit()
        except OperationalError as exc:
            self.session.rollback()
            raise StorageProblem(_storage_message(exc)) from exc
        self._committed = True

    def now(self) -> datetime:
        return self._clock()

    # --- events ------------------------------------------------------------------------------

    @property
    def counter_id(self) -> str:
        if self._counter_id is None:
            found = self.session.scalar(select(CounterRow.id).where(CounterRow.is_local.is_(True)))
            if found is None:
                raise NotSetUp()
            self._counter_id = found
        return self._counter_id

    @property
    def agency_code(self) -> str:
        """This PC's agency (the part of its counter identity before ``#``). Dossiers of other
        agencies that share theirs with it (cross-boundary reception) are in the database too;
        its books and reports count its own (``DossierRow.agency_code``)."""
        return self.counter_id.rsplit("#", 1)[0]

    def append(
        self,
        kind: str,
        actor: str,
        *,
        dossier_id: uuid.UUID | None = None,
        payload: Mapping[str, Any] | None = None,
        business_time: datetime | None = None,
    ) -> Event:
        """Write one event with the local counter's next sequence number. Its kind and payload
        are checked against the vocabulary first, as every other counter will check them."""
        if not self._write:
            raise RuntimeError("read-only unit of work")
        if isinstance(payload, CheckedPayload) and (payload.kind, payload.dossier_id) == (kind, dossier_id):
            payload = payload.payload  # checked before the write lock was taken (a large import)
        else:
            vocabulary.check(kind, payload or {}, dossier_id=dossier_id)
        counter_id = self.counter_id
        seq = self.session.execute(
            update(CounterRow)
            .where(CounterRow.id == counter_id)
            .values(last_seq=CounterRow.last_seq + 1)
            .returning(CounterRow.last_seq)
        ).scalar_one()
        device_time = self._clock()
        event = Event(
            id=new_event_id(),
            counter_id=counter_id,
            seq=seq,
            kind=kind,
            actor=actor,
            device_time=device_time,
            business_time=to_local(business_time or device_time).replace(microsecond=0),
            dossier_id=dossier_id,
            payload=dict(payload or {}),
        )
        digest = content_hash(event)
        self.session.add(mapping.event_row(event, digest, signing.sign(self._signing_key(counter_id), digest)))
        return event

    def public_key(self) -> str:
        """The local counter's public signing key (made now, in this transaction, if none)."""
        self._signing_key(self.counter_id)
        row = self.session.get(CounterRow, self.counter_id)
        assert row is not None and row.public_key is not None
        return row.public_key

    def sign(self, digest: str) -> str:
        """This counter's signature of a content hash (an event written before it signed)."""
        return signing.sign(self._signing_key(self.counter_id), digest)

    def _signing_key(self, counter_id: str) -> Any:
        """The local counter's private key; made (and stored in this transaction) if this
        database has none yet (a database from before signing)."""
        row = self.session.get(CounterRow, counter_id)
        assert row is not None
        if row.signing_key is None or row.public_key is None:
            row.signing_key, row.public_key = signing.new_key()
            return signing.load_private(row.signing_key)  # not cached: the transaction may roll back
        key = self._db.signers.get(row.public_key)
        if key is None:
            key = self._db.signers[row.public_key] = signing.load_private(row.signing_key)
        return key

    # --- dossier projection ------------------------------------------------------------------

    def dossier_row(self, dossier_id: uuid.UUID) -> DossierRow | None:
        return self.session.get(DossierRow, dossier_id)

    def project(self, event: Event) -> Dossier | None:
        """Apply a dossier event to the stored projection (in this transaction)."""
        assert event.dossier_id is not None
        row = self.session.get(DossierRow, event.dossier_id)
        before = mapping.dossier_from_row(row) if row is not None else None
        after = apply(before, event)
        if after is None:
            return None
        if row is None:
            self.session.add(mapping.new_dossier_row(after, self._clock()))
        else:
            mapping.update_dossier_row(row, after, self._clock())
        return after

    def record(self, kind: str, actor: str, dossier_id: uuid.UUID, payload: Mapping[str, Any],
               business_time: datetime | None = None) -> tuple[Event, Dossier]:
        """Append a dossier event and project it; return both."""
        event = self.append(kind, actor, dossier_id=dossier_id, payload=payload,
                            business_time=business_time)
        dossier = self.project(event)
        assert dossier is not None
        return event, dossier

    def check_writable(self) -> None:
        """Fail early, before any dossier number is used, if the database cannot be written."""
        try:
            self.session.execute(text("SELECT 1"))
        except OperationalError as exc:
            raise StorageProblem(_storage_message(exc)) from exc


@dataclass(frozen=True)
class CheckedPayload:
    """An event's payload already checked against the vocabulary (:func:`check_payload`), so
    that :meth:`UnitOfWork.append` need not check it again while it holds the write lock."""

    kind: str
    payload: Mapping[str, Any]
    dossier_id: uuid.UUID | None = None


def check_payload(kind: str, payload: Mapping[str, Any], *, dossier_id: uuid.UUID | None = None) -> CheckedPayload:
    """Check a payload against the vocabulary now, before a write transaction begins."""
    vocabulary.check(kind, payload, dossier_id=dossier_id)
    return CheckedPayload(kind, payload, dossier_id)


def _storage_message(exc: OperationalError) -> str:
    text_ = str(exc.orig).lower() if exc.orig else str(exc).lower()
    if "full" in text_:
        return "Ổ đĩa đã đầy: không thể lưu dữ liệu. Hãy giải phóng dung lượng rồi lưu lại."
    if "readonly" in text_ or "read-only" in text_:
        return "Thư mục dữ liệu chỉ cho phép đọc: không thể lưu dữ liệu."
    if "locked" in text_ or "busy" in text_:
        return (f"Cơ sở dữ liệu: đang bị một chương trình khác giữ khóa ghi (đã chờ {db_module.BUSY_TIMEOUT_SECONDS} giây); "
                "không có gì được ghi. Hãy thử lại sau giây lát.")
    return f"Không thể ghi cơ sở dữ liệu: {exc.orig or exc}"


def business_date_of(event: Event) -> date:
    return event.business_time.date()
