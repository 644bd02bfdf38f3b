"""Replication as a use case: sync now, say how it stands, and carry waiting events on a USB
stick when the network will not (``export`` here, ``import`` on any connected PC)."""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from oneStop.domain.errors import OneStopError, ValidationError
from oneStop.domain.events import canonical, content_hash
from oneStop.domain.models import Event, User
from oneStop.domain.permissions import Permission
from oneStop.persistence.mapping import event_from_row
from oneStop.persistence.models import DossierRow, EventRow, SyncStateRow
from oneStop.services.base import UowFactory, authorize
from oneStop.sync import central, credentials
from oneStop.sync.client import SyncClient, SyncResult, put_state

log = logging.getLogger(__name__)

EXPORT_FORMAT = "onestop-events/1"


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

    def to_json(self) -> dict[str, Any]:
        return {"central_url": self.central_url, "waiting": self.waiting, "last_success": self.last_success,
                "last_error": self.last_error, "last_attempt": self.last_attempt, "online": self.online,
                "credential_note": self.credential_note, "mismatches": list(self.mismatches)}


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
        return SyncStatus(values.get("central_url") or "", waiting, values.get("last_success"),
                          values.get("last_error") or None, values.get("last_attempt"), bool(values.get("online")),
                          values.get("credential_note") or "", tuple(values.get("mismatches") or ()))

    def export_waiting(self, actor: User, path: Path) -> int:
        """Write this counter's waiting events to a file (for a USB stick)."""
        with self._uow() as uow:
            authorize(uow, actor, Permission.VIEW_DOSSIERS)
            agency = uow.agency_code
            rows = uow.session.scalars(
                select(EventRow).where(EventRow.counter_id == uow.counter_id, EventRow.central_seq.is_(None))
                .order_by(EventRow.seq)
            ).all()
            events = [event_from_row(r) for r in rows]
        lines = [json.dumps({"format": EXPORT_FORMAT, "agency": agency, "count": len(events)}, ensure_ascii=False)]
        lines += [json.dumps({"event": json.loads(canonical(e)), "hash": content_hash(e)}, ensure_ascii=False)
                  for e in events]
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        tmp.replace(path)
        log.info("exported %d waiting events to a file", len(events))
        return len(events)

    def import_file(self, actor: User, path: Path, url: str | None = None) -> central.PushResult:
        """Deliver events exported on another PC to the central database (idempotent)."""
        with self._uow() as uow:
            authorize(uow, actor, Permission.VIEW_DOSSIERS)
            agency = uow.agency_code
        try:
            header, *body = path.read_text(encoding="utf-8").splitlines()
            meta = json.loads(header)
        except (OSError, ValueError) as exc:
            raise ValidationError("attachment", f"không đọc được tệp {path}: {exc}") from None
        if meta.get("format") != EXPORT_FORMAT:
            raise ValidationError("attachment", f"{path} không phải tệp sự kiện của oneStop")
        if meta.get("agency") != agency:
            raise ValidationError("attachment", f"tệp {path.name} là của cơ quan {meta.get('agency')}; "
                                                f"máy này chỉ chuyển được sự kiện của cơ quan mình ({agency})")
        events = []
        for number, line in enumerate(body, 2):
            if not line.strip():
                continue
            item = json.loads(line)
            e = item["event"]
            event = Event(id=uuid.UUID(e["id"]), counter_id=e["counter_id"], seq=e["seq"],
                          kind=e["kind"], actor=e["actor"], device_time=datetime.fromisoformat(e["device_time"]),
                          business_time=datetime.fromisoformat(e["business_time"]),
                          dossier_id=uuid.UUID(e["dossier_id"]) if e["dossier_id"] else None,
                          payload=e["payload"], schema=e["schema"])
            if content_hash(event) != item["hash"]:
                raise ValidationError("attachment", f"dòng {number} của {path} bị sửa đổi hoặc hỏng")
            if not event.counter_id.startswith(agency + "#"):
                raise ValidationError("attachment", f"dòng {number} của {path}: sự kiện của quầy {event.counter_id}, "
                                                    f"không thuộc cơ quan {agency}")
            events.append(event)
        with self._uow() as uow:  # a step on a dossier an agency shares with this one goes to its stream
            dossier_agency = dict(uow.session.execute(
                select(DossierRow.id, DossierRow.agency_code)
                .where(DossierRow.id.in_({e.dossier_id for e in events if e.dossier_id}))).all())
        engine = central.connect(self._url(url))
        try:
            with engine.connect() as connection:
                sharing = central.sharing_with(connection, agency)
                outgoing = [o._replace(agency=central.stream_of(dossier_agency.get(o.event.dossier_id), agency, sharing))
                            for o in central.prepare(events)]
                return central.push(connection, meta["agency"], outgoing, relay=True)
        except Exception as exc:
            if isinstance(exc, OneStopError):
                raise
            raise CentralUnreachable(_words(exc)) from exc
        finally:
            engine.dispose()


def _can_configure(uow_factory: UowFactory, actor: User) -> bool:
    from oneStop.services.base import can

    with uow_factory() as uow:
        return can(uow, actor, Permission.MANAGE_SETTINGS)
