"""Replication as a use case: sync now, say how it stands, and carry waiting events on a USB
stick when the network will not (``export`` here, ``import`` on any connected PC)."""

from __future__ import annotations

import json
import logging
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from oneStop.domain import signing
from oneStop.domain.errors import NotFound, OneStopError, PermissionDenied, ValidationError
from oneStop.domain.models import User
from oneStop.domain.permissions import Permission, allowed
from oneStop.persistence import sealed
from oneStop.persistence.files import write_private
from oneStop.persistence.mapping import event_from_row
from oneStop.persistence.models import DossierRow, EventRow, SetAsideRow, SyncStateRow
from oneStop.services.base import UowFactory, authorize
from oneStop.sync import carried, central, credentials
from oneStop.sync.client import SyncClient, SyncResult, put_state

log = logging.getLogger(__name__)



class CentralUnreachable(OneStopError):
    pass


class NoCentralConfigured(OneStopError):
    def __init__(self) -> None:
        super().__init__("Chưa có địa chỉ cơ sở dữ liệu trung tâm: dùng onestop sync --central postgresql://…")


@dataclass(frozen=True)
class SyncStatus:
    central_url: str  # without its secret
    waiting: int
    last_success: str | None
    last_error: str | None
    last_attempt: str | None
    online: bool
    credential_note: str
    mismatches: tuple[dict[str, Any], ...] = ()  # per counter and day, after the last sync
    set_aside: int = 0  # events from other counters set aside and not yet settled

    def to_json(self) -> dict[str, Any]:
        return {"central_url": self.central_url, "waiting": self.waiting, "last_success": self.last_success,
                "last_error": self.last_error, "last_attempt": self.last_attempt, "online": self.online,
                "credential_note": self.credential_note, "mismatches": list(self.mismatches),
                "set_aside": self.set_aside}


def _is_network(exc: BaseException) -> bool:
    """A failure of the network or of the central server (not of this program)."""
    import psycopg
    from sqlalchemy import exc as sa

    return isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError, sa.OperationalError, sa.InterfaceError,
                            OSError, TimeoutError))


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0][:300]


def _words(exc: BaseException) -> str:
    """A connection failure in words an official can act on."""
    text = str(exc).lower()
    if "password" in text or "authentication" in text:
        return "Máy chủ trung tâm từ chối đăng nhập: kiểm tra tên và mật khẩu của quầy."
    if "could not translate host" in text or "name or service not known" in text:
        return "Không tìm thấy máy chủ trung tâm: kiểm tra địa chỉ hoặc kết nối mạng."
    if "timeout" in text or "timed out" in text:
        return "Máy chủ trung tâm không trả lời (hết thời gian chờ): mạng chậm hoặc mất kết nối."
    if "connection refused" in text or "connect" in text:
        return "Không kết nối được máy chủ trung tâm: mạng đang mất hoặc máy chủ chưa chạy."
    return f"Đồng bộ không thành công: {exc}"


class SyncService:
    def __init__(self, uow: UowFactory, clock=None, on_reference_changed=None) -> None:  # type: ignore[no-untyped-def]
        from oneStop.domain.clock import utcnow

        self._uow = uow
        self._clock = clock or utcnow
        self._on_reference_changed = on_reference_changed or (lambda: None)

    def _get(self, key: str, default: Any = None) -> Any:
        with self._uow() as uow:
            row = uow.session.get(SyncStateRow, key)
            return default if row is None else row.value

    def _put(self, **values: Any) -> None:
        with self._uow(write=True) as uow:
            now = uow.now()
            for key, value in values.items():
                put_state(uow, key, value, now)
            uow.commit()

    def configure(self, actor: User, url: str) -> str:
        """Remember the central address (without its secret, which goes to the operating
        system's credential store); return a note for the user ("" when all is well)."""
        with self._uow() as uow:
            authorize(uow, actor, Permission.MANAGE_SETTINGS)
        try:
            central.engine_url(url)
        except ValueError as exc:
            raise ValidationError("central_url", str(exc)) from None
        bare, secret = credentials.split_secret(url)
        note = ""
        if secret:
            try:
                credentials.store(bare, secret)
            except credentials.NoCredentialStore as exc:
                note = str(exc)
        self._put(central_url=bare, credential_note=note)
        return note

    def _url(self, url: str | None) -> str:
        if url:
            return url
        bare = self._get("central_url")
        if not bare:
            raise NoCentralConfigured()
        return credentials.with_secret(bare, credentials.load(bare))

    def sync(self, actor: User, url: str | None = None) -> SyncResult:
        """Push what waits, pull what others did. Failures are remembered in words."""
        with self._uow() as uow:
            authorize(uow, actor, Permission.VIEW_DOSSIERS)
            now = uow.now().isoformat()
        if url and _can_configure(self._uow, actor):
            self.configure(actor, url)
        target = self._url(url)
        try:
            client = SyncClient(self._uow, target, clock=self._clock)
            result = client.sync()
            if client.reference_changed:
                self._on_reference_changed()  # cached calendars and settings are stale now
        except OneStopError as exc:  # refused here (the clock) or stopped (a damaged event, the disk): said in the window
            log.warning("sync refused: %s", type(exc).__name__)
            self._put(last_error=str(exc), last_attempt=now)
            raise
        except Exception as exc:  # network, server, authentication: keep working offline
            if _is_network(exc):  # every 5 minutes while the network is down: one line, not a traceback
                log.warning("sync failed, working offline: %s: %s", type(exc).__name__, _first_line(exc))
                log.debug("sync failure in full", exc_info=exc)
            else:  # anything else is a bug: its traceback
                log.warning("sync failed, working offline: %s", type(exc).__name__, exc_info=exc)
            self._put(last_error=_words(exc), last_attempt=now, online=False)
            raise CentralUnreachable(_words(exc)) from exc
        self._put(last_error="", last_attempt=now, online=True, last_success=now)
        log.info("sync done: pushed %d, acknowledged %d, pulled %d, waiting %d, quarantined %d, gaps %d, "
                 "mismatches %d", result.pushed, result.acknowledged, result.pulled, result.waiting,
                 result.quarantined, len(result.gaps), len(result.mismatches))
        return result

    def resend_all(self, actor: User) -> int:
        """Mark every event this counter wrote as not yet sent, so the next sync sends all of
        them again (administrator only). For a central database restored to an earlier point:
        what it lost comes back from the counters, what it kept is acknowledged, never doubled.
        Returns how many events now wait."""
        from sqlalchemy import update

        from oneStop.domain.events import Kind

        with self._uow(write=True) as uow:
            authorize(uow, actor, Permission.MANAGE_SETTINGS)
            mine = EventRow.counter_id == uow.counter_id
            count = uow.session.scalar(select(func.count()).select_from(EventRow).where(mine)) or 0
            uow.append(Kind.SYNC_RESEND, actor.username, payload={"events": count + 1})
            uow.session.execute(update(EventRow).where(mine).values(central_seq=None))
            uow.commit()
        log.info("sync: all %d events of this counter marked to be sent again", count + 1)
        return count + 1

    def status(self) -> SyncStatus:
        with self._uow() as uow:
            waiting = uow.session.scalar(
                select(func.count()).select_from(EventRow)
                .where(EventRow.counter_id == uow.counter_id, EventRow.central_seq.is_(None))
            ) or 0
            values = {r.key: r.value for r in uow.session.scalars(select(SyncStateRow))}
            aside = uow.session.scalar(select(func.count()).select_from(SetAsideRow)
                                       .where(SetAsideRow.settled_at.is_(None))) or 0
        return SyncStatus(values.get("central_url") or "", waiting, values.get("last_success"),
                          values.get("last_error") or None, values.get("last_attempt"), bool(values.get("online")),
                          values.get("credential_note") or "", tuple(values.get("mismatches") or ()), aside)

    def public_key(self) -> str:
        """This counter's public signing key (made now if this database has none yet), for the
        province's administrator to register (``central add-counter … --public-key``)."""
        with self._uow(write=True) as uow:
            key = uow.public_key()
            uow.commit()
        return key

    def set_aside(self, actor: User, *, include_settled: bool = False) -> list[SetAsideEvent]:
        """The events set aside on this PC, newest first: for supervisors and administrators."""

        with self._uow() as uow:
            user = authorize(uow, actor, Permission.VIEW_DOSSIERS)
            if not (allowed(user.role, Permission.SUPERVISE) or allowed(user.role, Permission.MANAGE_SETTINGS)):
                raise PermissionDenied(actor.username, "xem các sự kiện bị để riêng")
            stmt = select(SetAsideRow).order_by(SetAsideRow.set_aside_at.desc(), SetAsideRow.counter_id,
                                                SetAsideRow.seq)
            if not include_settled:
                stmt = stmt.where(SetAsideRow.settled_at.is_(None))
            return [_set_aside_view(r) for r in uow.session.scalars(stmt)]

    def settle(self, actor: User, event_id: str, decision: str, note: str = "") -> SetAsideEvent:
        """A person's decision on a set-aside event: ``applied`` (applied after all, where its
        problem allows: ``vetting.APPLICABLE``) or ``dismissed`` (looked at, left unapplied).
        A dossier's event is a supervisor's to settle, anything else an administrator's. The
        decision is an event: every counter holding the same event follows it."""
        from oneStop.domain.text import clean
        from oneStop.domain.vocabulary import Kind
        from oneStop.sync.vetting import release

        if decision not in ("applied", "dismissed"):
            raise ValidationError("decision", "phải là applied (áp dụng) hoặc dismissed (không áp dụng)")
        note = clean(note, "notes", max_len=2000, multiline=True, required=True)
        try:
            key = uuid.UUID(str(event_id).strip())
        except ValueError:
            raise ValidationError("event_id", "không phải mã sự kiện (UUID)") from None
        with self._uow(write=True) as uow:
            row = uow.session.get(SetAsideRow, key)
            if row is None:
                raise NotFound(f"Không có sự kiện bị để riêng mã {key}")
            who = authorize(uow, actor, Permission.SUPERVISE if row.dossier_id is not None
                            else Permission.MANAGE_SETTINGS)
            if row.settled_at is not None:
                raise ValidationError("event_id", f"sự kiện này đã được {row.settled_by} xử lý")
            now = uow.now()
            if decision == "applied":
                release(uow, row, who.username, note, now)
            else:
                row.settled_by, row.settled_at, row.decision, row.note = who.username, now, decision, note
            uow.append(Kind.SET_ASIDE_SETTLED, who.username,
                       payload={"event_id": str(key), "decision": decision, "note": note})
            uow.commit()
            view = _set_aside_view(row)
        if decision == "applied":
            self._on_reference_changed()
        log.info("set-aside event %s settled: %s", key, decision)
        return view

    def export_waiting(self, actor: User, path: Path, passphrase: str) -> int:
        """Write this counter's waiting events, each with its signature, to a file (for a USB
        stick), sealed with ``passphrase`` (``oneStop.persistence.sealed``). An administrator's
        act: the file carries personal data (Law 91/2025/QH15)."""
        path = Path(path)
        sealed.check_passphrase(passphrase)
        with self._uow(write=True) as uow:  # write: a database from before signing makes its key here
            authorize(uow, actor, Permission.BACKUP)
            agency = uow.agency_code
            rows = uow.session.scalars(
                select(EventRow).where(EventRow.counter_id == uow.counter_id, EventRow.central_seq.is_(None))
                .order_by(EventRow.seq)
            ).all()
            events = [(event, row.signature or uow.sign(row.content_hash))  # unsigned: written before signing
                      for row, event in ((r, event_from_row(r)) for r in rows)]
            uow.commit()
        with tempfile.TemporaryDirectory(prefix="onestop-export-") as folder:  # owner-only, removed at once
            plain = Path(folder) / "events.jsonl"
            write_private(plain, carried.write(agency, events))
            try:
                sealed.seal(plain, path, passphrase)
                path.chmod(0o600)  # the owner's only (where the file system keeps modes)
            except OSError as exc:
                raise ValidationError("file", f"không ghi được {path}: {exc.strerror or exc}") from None
        log.info("exported %d waiting events to a sealed file", len(events))
        return len(events)

    def import_file(self, actor: User, path: Path, passphrase: str, url: str | None = None) -> central.PushResult:
        """Deliver events exported on another counter of this agency to the central database
        (idempotent). The file must be sealed (``export_waiting``) and open with ``passphrase``;
        every line is checked first (``carried.parse``), then every event's signature against
        its counter's key at the centre; anything wrong refuses the whole file, naming the line,
        and nothing is sent."""
        with self._uow() as uow:
            authorize(uow, actor, Permission.BACKUP)
            agency = uow.agency_code
        items = carried.parse(_unsealed(Path(path), passphrase), agency)
        with self._uow() as uow:  # a step on a dossier an agency shares with this one goes to its stream
            dossier_agency = dict(uow.session.execute(
                select(DossierRow.id, DossierRow.agency_code)
                .where(DossierRow.id.in_({i.event.dossier_id for i in items if i.event.dossier_id}))).all())
        engine = central.connect(self._url(url))
        try:
            with engine.connect() as connection:
                central.require_schema(connection, agency)
                keys = central.counter_keys(connection)
                for item in items:
                    if not signing.verify(keys.get(item.event.counter_id), item.content_hash, item.signature):
                        raise carried.BadFile(f"dòng {item.line}: không có chữ ký hợp lệ của quầy "
                                              f"{item.event.counter_id} (sự kiện bị làm giả, hoặc khóa của quầy chưa "
                                              "đăng ký ở máy chủ trung tâm)")
                sharing = central.sharing_with(connection, agency)
                outgoing = [central.Outgoing(i.event, i.payload_json, i.content_hash,
                                             central.stream_of(dossier_agency.get(i.event.dossier_id), agency, sharing),
                                             i.signature) for i in items]
                return central.push(connection, agency, outgoing, relay=True)
        except Exception as exc:
            if isinstance(exc, OneStopError):
                raise
            raise CentralUnreachable(_words(exc)) from exc
        finally:
            engine.dispose()


@dataclass(frozen=True)
class SetAsideEvent:
    """An event from another counter that failed the checks (``oneStop.sync.vetting``)."""

    id: str
    counter_id: str
    seq: int
    kind: str
    actor: str
    dossier_id: str | None
    dossier_code: str  # the code it names, when it names one
    device_time: str
    problem: str
    field: str
    reason: str
    set_aside_at: str
    settled_by: str
    settled_at: str | None
    decision: str
    note: str
    applicable: bool  # a decision can apply it (its problem is who wrote it, or its dossier)

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _set_aside_view(row: Any) -> SetAsideEvent:
    from oneStop.sync.vetting import APPLICABLE

    code = ""
    try:
        payload = json.loads(row.payload)
        if isinstance(payload, dict) and isinstance(payload.get("code"), str):
            code = payload["code"][:60]
    except ValueError:
        pass
    return SetAsideEvent(
        str(row.id), row.counter_id, row.seq, row.kind, row.actor, str(row.dossier_id) if row.dossier_id else None,
        code, row.device_time.isoformat(), row.problem, row.field, row.reason, row.set_aside_at.isoformat(),
        row.settled_by, row.settled_at.isoformat() if row.settled_at else None, row.decision, row.note,
        row.problem in APPLICABLE and row.settled_at is None)


def _can_configure(uow_factory: UowFactory, actor: User) -> bool:
    from oneStop.services.base import can

    with uow_factory() as uow:
        return can(uow, actor, Permission.MANAGE_SETTINGS)


def _unsealed(path: Path, passphrase: str) -> bytes:
    """The content of a sealed events file, read with a bound; a plain file is refused."""
    carried.read_bounded(path, carried.MAX_BYTES + carried.MAX_BYTES // 64 + sealed.HEADER_SIZE)  # a regular file
    if not sealed.is_sealed(path):
        raise carried.BadFile(f"{path.name} không phải tệp sự kiện đã khóa bằng cụm mật khẩu (tệp do «onestop sync "
                              "export» ghi ra)")
    with tempfile.TemporaryDirectory(prefix="onestop-import-") as folder:
        plain = sealed.unseal(path, Path(folder) / "events.jsonl", passphrase)
        return carried.read_bounded(plain)
