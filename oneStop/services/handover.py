"""Handover with the public postal service, driven by the scanner (rules §2.7, §5).

Every scan answers with an outcome (accepted, duplicate, unknown, not-ready, wrong-batch; a
tracking number attached; the batch closed) and a reason in Vietnamese, and leaves an event:
accepted scans change the batch, refused ones are recorded for the audit trail.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select

from oneStop import settings as S
from oneStop.domain import scanning, tracking
from oneStop.domain.clock import local_date, to_local
from oneStop.domain.errors import InvalidFormat, NotFound, OneStopError, ValidationError
from oneStop.domain.handover import Direction, HandoverBatch, Kind as HK, Outcome, apply_batch
from oneStop.domain.lifecycle import Transition
from oneStop.domain.models import Channel, DocumentForm, Dossier, DossierDraft, DossierStatus, ReturnMethod, User
from oneStop.domain.permissions import Permission
from oneStop.domain.text import clean
from oneStop.domain.vocabulary import Kind
from oneStop.persistence import handover_repo as repo
from oneStop.persistence.mapping import dossier_from_row
from oneStop.persistence.models import DossierRow, HandoverBatchRow, PostalUnitRow, UserRow
from oneStop.persistence.uow import UnitOfWork
from oneStop.services.base import UowFactory, authorize
from oneStop.services.dossiers import scanned_code
from oneStop.services.lifecycle import LifecycleService
from oneStop.services.reception import ReceptionService
from oneStop.services.settings_store import SettingsService

SCAN_REFUSED = Kind.HANDOVER_SCAN_REFUSED  # a scan that changed nothing, kept for the audit trail


class BatchNotFound(NotFound):
    def __init__(self, ref: str) -> None:
        super().__init__(f"Không tìm thấy lô bàn giao «{ref}».")


class BatchClosed(OneStopError):
    pass


class BatchUnresolved(OneStopError):
    pass


@dataclass(frozen=True)
class PostalUnit:
    code: str
    name: str
    address: str = ""
    phone: str = ""
    active: bool = True


@dataclass(frozen=True)
class ScanResult:
    outcome: Outcome
    reason: str
    batch: str  # the batch number
    code: str = ""  # the dossier code, when the scan named one
    tracking: str = ""
    item_id: str = ""
    first_scanned_by: str = ""  # for a duplicate: who scanned it first …
    first_scanned_at: datetime | None = None  # … and when (local)
    unresolved: int = 0  # items of the batch still waiting for something

    @property
    def ok(self) -> bool:
        return self.outcome in (Outcome.ACCEPTED, Outcome.TRACKING)

    def to_json(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome.value,
            "label": self.outcome.label,
            "reason": self.reason,
            "batch": self.batch,
            "code": self.code,
            "tracking": self.tracking,
            "item_id": self.item_id,
            "first_scanned_by": self.first_scanned_by,
            "first_scanned_at": self.first_scanned_at.isoformat() if self.first_scanned_at else None,
            "unresolved": self.unresolved,
        }


class HandoverService:
    def __init__(self, uow: UowFactory, settings: SettingsService, reception: ReceptionService,
                 lifecycle: LifecycleService) -> None:
        self._uow = uow
        self._settings = settings
        self._reception = reception
        self._lifecycle = lifecycle

    # --- postal units (reference data) -----------------------------------------------------------

    def save_postal_unit(self, actor: User, code: str, name: str, address: str = "", phone: str = "",
                         active: bool = True) -> PostalUnit:
        """Add or change the postal unit ``code`` (its key); raise the validation error of the
        first bad field, or PermissionDenied.

        The name's error names the field ``postal_unit_name``, so that a form shows it under the
        name and not under the code; its sentence stays the one the command line prints."""
        code = clean(code, "postal_unit", max_len=20, required=True).upper()
        try:
            name = clean(name, "postal_unit", max_len=200, required=True)
        except ValidationError as exc:
            exc.field = "postal_unit_name"
            raise
        unit = PostalUnit(code, name, clean(address, "address", max_len=500), clean(phone, "phone", max_len=15), active)
        with self._uow(write=True) as uow:
            admin = authorize(uow, actor, Permission.MANAGE_SETTINGS)
            row = uow.session.get(PostalUnitRow, code)
            values = dict(name=unit.name, address=unit.address, phone=unit.phone, active=active, updated_at=uow.now())
            if row is None:
                uow.session.add(PostalUnitRow(code=code, **values))
            else:
                for key, value in values.items():
                    setattr(row, key, value)
            uow.append(Kind.POSTAL_UNIT_SAVED, admin.username, payload={"code": code, "name": unit.name,
                                                                      "address": unit.address, "phone": unit.phone,
                                                                      "active": active})
            uow.commit()
        return unit

    def postal_units(self, *, include_inactive: bool = False) -> list[PostalUnit]:
        with self._uow() as uow:
            stmt = select(PostalUnitRow).order_by(PostalUnitRow.code)
            if not include_inactive:
                stmt = stmt.where(PostalUnitRow.active.is_(True))
            return [PostalUnit(r.code, r.name, r.address, r.phone, r.active) for r in uow.session.scalars(stmt)]

    # --- batches -------------------------------------------------------------------------------

    def open(self, actor: User, direction: str, postal_unit: str, staff_name: str, staff_id: str = "") -> HandoverBatch:
        try:
            way = Direction(str(direction).strip().lower())
        except ValueError:
            raise InvalidFormat("direction", "phải là out (giao kết quả) hoặc in (nhận hồ sơ)") from None
        staff_name = clean(staff_name, "staff_name", max_len=200, required=True)
        staff_id = clean(staff_id, "staff_id", max_len=30)
        with self._uow(write=True) as uow:
            official = authorize(uow, actor, Permission.HANDOVER)
            unit = uow.session.get(PostalUnitRow, (postal_unit or "").strip().upper())
            if unit is None or not unit.active:
                raise ValidationError("postal_unit", f"không có đơn vị bưu chính «{postal_unit}» trong danh mục")
            now = uow.now()
            day = local_date(now)
            counter = uow.counter_id.rsplit("#", 1)[-1]
            prefix = f"BG-{day:%y%m%d}-{counter}-"
            made = uow.session.scalar(
                select(func.count()).select_from(HandoverBatchRow).where(HandoverBatchRow.number.like(prefix + "%"))
            ) or 0
            payload = {"batch_id": str(uuid.uuid4()), "number": f"{prefix}{made + 1:02d}", "direction": way.value,
                       "postal_unit": unit.code, "staff_name": staff_name, "staff_id": staff_id}
            batch = self._record(uow, None, HK.OPENED, official.username, payload)
            uow.commit()
        return batch

    def get(self, actor: User, ref: str) -> HandoverBatch:
        with self._uow() as uow:
            authorize(uow, actor, Permission.HANDOVER)
            return repo.load_batch(uow.session, self._row(uow, ref))

    def batches(self, actor: User, day) -> list[HandoverBatch]:  # type: ignore[no-untyped-def]
        with self._uow() as uow:
            authorize(uow, actor, Permission.HANDOVER)
            return [repo.load_batch(uow.session, r) for r in repo.batches_on(uow.session, day)]

    def scan(self, actor: User, ref: str, text: str, *, tracking_number: str | None = None) -> ScanResult:
        """One scan into the batch: a dossier code (out), a tracking number (in; or, out, the
        label of the item scanned last), answered with its outcome."""
        other_formats = self._other_formats()
        with self._uow(write=True) as uow:
            official = authorize(uow, actor, Permission.HANDOVER)
            row = self._row(uow, ref)
            batch = repo.load_batch(uow.session, row)
            if batch.closed:
                result = ScanResult(Outcome.CLOSED, f"Lô {batch.number} đã đóng; không thể quét thêm.", batch.number)
            elif batch.direction is Direction.OUT:
                result = self._scan_out(uow, official, batch, text, tracking_number, other_formats)
            else:
                result = self._scan_in(uow, official, batch, text, other_formats)
            if not result.ok:
                uow.append(SCAN_REFUSED, official.username, payload={
                    "batch_id": batch.id, "text": scanning.clean(text)[:80], "outcome": result.outcome.value,
                    "reason": result.reason, "code": result.code})
            uow.commit()
        return result

    def _scan_out(self, uow: UnitOfWork, official: User, batch: HandoverBatch, text: str,
                  tracking_number: str | None, other_formats: list[str]) -> ScanResult:
        readings = scanning.candidates(text)
        code = next((c for c in (scanned_code(r) for r in readings) if c), None)
        if code is None:
            label = _first_valid_tracking(readings, other_formats)
            if label:
                return self._attach_tracking(uow, official, batch, label)
            return self._result(batch, Outcome.UNKNOWN, f"Không nhận ra mã hồ sơ hay số hiệu bưu gửi trong «{scanning.clean(text)[:40]}».")
        row = uow.session.scalar(select(DossierRow).where(DossierRow.code == code))
        if row is None:
            return self._result(batch, Outcome.UNKNOWN, f"Không có hồ sơ mã {code}.", code=code)
        for item, other in repo.live_items_of_dossier(uow.session, row.id):
            if other.id == uuid.UUID(batch.id):
                who = self._name(uow, item.added_by)
                return self._result(batch, Outcome.DUPLICATE,
                                    f"Hồ sơ {code} đã được quét vào lô này lúc {to_local(item.added_at):%H:%M:%S}, bởi {who}.",
                                    code=code, item_id=str(item.id), first_by=who, first_at=to_local(item.added_at))
            if other.closed_at is None and other.direction == Direction.OUT.value:
                return self._result(batch, Outcome.WRONG_BATCH,
                                    f"Hồ sơ {code} đang thuộc lô {other.number} chưa đóng.", code=code)
        status = DossierStatus(row.status)
        if status is not DossierStatus.RESULT_READY:
            return self._result(batch, Outcome.NOT_READY,
                                f"Hồ sơ {code} chưa có kết quả để giao (trạng thái: {status.label}).", code=code)
        if row.return_method != ReturnMethod.POST.value:
            return self._result(batch, Outcome.NOT_READY,
                                f"Người nộp hồ sơ {code} đăng ký nhận kết quả tại Bộ phận Một cửa, không qua bưu chính.",
                                code=code)
        label = ""
        if tracking_number:
            label = tracking.validate(tracking_number, other_formats)
            clash = self._tracking_clash(uow, batch, label)
            if clash:
                return clash
        payload = {"batch_id": batch.id, "item_id": str(uuid.uuid4()), "dossier_id": str(row.id), "code": code,
                   "tracking": label}
        after = self._record(uow, batch, HK.ITEM_ADDED, official.username, payload, dossier_id=row.id)
        reason = f"Đã nhận hồ sơ {code} vào lô." + ("" if label else " Quét tiếp nhãn bưu gửi (số hiệu) của hồ sơ này.")
        return self._result(after, Outcome.ACCEPTED, reason, code=code, item_id=payload["item_id"], tracking=label)

    def _attach_tracking(self, uow: UnitOfWork, official: User, batch: HandoverBatch, label: str) -> ScanResult:
        clash = self._tracking_clash(uow, batch, label)
        if clash:
            return clash
        waiting = [i for i in batch.live_items() if not i.tracking]
        if not waiting:
            return self._result(batch, Outcome.UNKNOWN,
                                f"Số hiệu bưu gửi {label}: không có hồ sơ nào trong lô đang chờ gắn số hiệu; quét mã hồ sơ trước.",
                                tracking=label)
        item = waiting[-1]
        after = self._record(uow, batch, HK.TRACKING_SET, official.username,
                             {"batch_id": batch.id, "item_id": item.id, "tracking": label},
                             dossier_id=uuid.UUID(item.dossier_id) if item.dossier_id else None)
        return self._result(after, Outcome.TRACKING, f"Đã gắn số hiệu {label} cho hồ sơ {item.code}.", code=item.code,
                            item_id=item.id, tracking=label)

    def _tracking_clash(self, uow: UnitOfWork, batch: HandoverBatch, label: str) -> ScanResult | None:
        for item, other in repo.live_items_with_tracking(uow.session, label):
            who = self._name(uow, item.added_by)
            if other.id == uuid.UUID(batch.id):
                return self._result(batch, Outcome.DUPLICATE,
                                    f"Số hiệu {label} đã được quét vào lô này lúc {to_local(item.added_at):%H:%M:%S}, bởi {who}.",
                                    code=item.code, tracking=label, item_id=str(item.id), first_by=who,
                                    first_at=to_local(item.added_at))
            return self._result(batch, Outcome.WRONG_BATCH, f"Số hiệu {label} thuộc lô {other.number}.",
                                code=item.code, tracking=label)
        return None

    def _scan_in(self, uow: UnitOfWork, official: User, batch: HandoverBatch, text: str,
                 other_formats: list[str]) -> ScanResult:
        readings = scanning.candidates(text)
        label = _first_valid_tracking(readings, other_formats)
        if not label:
            return self._result(batch, Outcome.UNKNOWN,
                                f"«{scanning.clean(text)[:40]}» không phải số hiệu bưu gửi hợp lệ; lô nhận hồ sơ quét số hiệu trên bưu gửi.")
        existing = uow.session.scalar(select(DossierRow.code).where(DossierRow.postal_tracking == label))
        if existing:
            return self._result(batch, Outcome.DUPLICATE, f"Bưu gửi {label} đã được tiếp nhận thành hồ sơ {existing}.",
                                code=existing, tracking=label)
        clash = self._tracking_clash(uow, batch, label)
        if clash:
            return clash
        payload = {"batch_id": batch.id, "item_id": str(uuid.uuid4()), "tracking": label}
        after = self._record(uow, batch, HK.ITEM_ADDED, official.username, payload)
        return self._result(after, Outcome.ACCEPTED, f"Đã nhận bưu gửi {label}; tiếp nhận hồ sơ để có mã và ngày hẹn.",
                            tracking=label, item_id=payload["item_id"])

    def receive_item(self, actor: User, ref: str, tracking_number: str, draft: DossierDraft, *, postal_fee: int = 0,
                     slip_originals: int | None = None, slip_copies: int | None = None) -> Dossier:
        """Receive an incoming postal item as a dossier (channel postal, with its tracking number)
        and resolve it in the batch; the document counts are checked against the postal slip."""
        label = tracking.validate(tracking_number, self._other_formats())
        from oneStop.domain import money

        postal_fee = money.validate(postal_fee, "fee")
        with self._uow() as uow:
            authorize(uow, actor, Permission.HANDOVER)
            batch = repo.load_batch(uow.session, self._row(uow, ref))
        if batch.direction is not Direction.IN:
            raise ValidationError("batch", f"lô {batch.number} là lô giao kết quả, không phải lô nhận hồ sơ")
        if batch.closed:
            raise BatchClosed(f"Lô {batch.number} đã đóng.")
        item = next((i for i in batch.live_items() if i.tracking == label), None)
        if item is None:
            raise ValidationError("tracking", f"bưu gửi {label} chưa được quét vào lô {batch.number}")
        if item.dossier_id:
            raise ValidationError("tracking", f"bưu gửi {label} đã được tiếp nhận thành hồ sơ {item.code}")
        dossier = self._reception.receive(actor, replace(draft, channel=Channel.POSTAL, postal_tracking=label))
        papers = [d for d in dossier.documents if not d.from_data]  # data taken from VNeID is no paper
        originals = sum(d.count for d in papers if d.form is DocumentForm.ORIGINAL)
        copies = sum(d.count for d in papers if d.form is not DocumentForm.ORIGINAL)
        notes = []
        if slip_originals is not None and slip_originals != originals:
            notes.append(f"phiếu bưu chính ghi {slip_originals} bản chính, thực nhận {originals}")
        if slip_copies is not None and slip_copies != copies:
            notes.append(f"phiếu bưu chính ghi {slip_copies} bản sao, thực nhận {copies}")
        with self._uow(write=True) as uow:
            official = authorize(uow, actor, Permission.HANDOVER)
            current = repo.load_batch(uow.session, self._row(uow, ref))
            self._record(uow, current, HK.ITEM_RECEIVED, official.username, {
                "batch_id": batch.id, "item_id": item.id, "dossier_id": str(dossier.id), "code": dossier.code,
                "postal_fee": postal_fee, "note": "; ".join(notes).capitalize(),
                "slip": {"originals": slip_originals, "copies": slip_copies},
                "counted": {"originals": originals, "copies": copies},
            }, dossier_id=dossier.id)
            uow.commit()
        return dossier

    def remove_item(self, actor: User, ref: str, item_id: str, reason: str) -> HandoverBatch:
        """Take an item out of a batch. In a closed batch this is a correction and needs a reason."""
        reason = clean(reason, "reason", max_len=500, required=True)
        with self._uow(write=True) as uow:
            official = authorize(uow, actor, Permission.HANDOVER)
            batch = repo.load_batch(uow.session, self._row(uow, ref))
            item = batch.item(item_id)
            if item is None or item.removed:
                raise ValidationError("batch", f"lô {batch.number} không có mục này")
            payload = {"batch_id": batch.id, "item_id": item_id, "reason": reason}
            after = self._record(uow, batch, HK.ITEM_REMOVED, official.username, payload,
                                 dossier_id=uuid.UUID(item.dossier_id) if item.dossier_id else None)
            if batch.closed and batch.direction is Direction.OUT and item.dossier_id:
                # the result did not leave after all: ready at the counter again
                self._lifecycle_in(uow, official, item.code, Transition.UNDELIVERABLE,
                                   {"reason": f"Điều chỉnh lô {batch.number}: {reason}"})
            uow.commit()
        return after

    def close(self, actor: User, ref: str, *, staff_name: str | None = None, staff_id: str | None = None) -> HandoverBatch:
        """Close the batch with both sides' names. Refused while an item is unresolved. Closing
        an outgoing batch records each result as returned by post."""
        with self._uow(write=True) as uow:
            official = authorize(uow, actor, Permission.HANDOVER)
            batch = repo.load_batch(uow.session, self._row(uow, ref))
            if batch.closed:
                raise BatchClosed(f"Lô {batch.number} đã đóng lúc {to_local(batch.closed_at):%H:%M %d/%m/%Y}.")
            unresolved = batch.unresolved()
            if unresolved:
                what = ", ".join((i.code or i.tracking) + (" (chưa có số hiệu bưu gửi)" if i.state == "needs_tracking"
                                                           else " (chưa tiếp nhận)") for i in unresolved[:5])
                raise BatchUnresolved(f"Chưa thể đóng lô {batch.number}: còn {len(unresolved)} mục chưa xong: {what}.")
            if not batch.live_items():
                raise BatchUnresolved(f"Lô {batch.number} chưa có mục nào.")
            name = clean(staff_name, "staff_name", max_len=200) if staff_name else batch.staff_name
            sid = clean(staff_id, "staff_id", max_len=30) if staff_id else batch.staff_id
            if not name:
                raise ValidationError("staff_name", "không được để trống khi đóng lô")
            after = self._record(uow, batch, HK.CLOSED, official.username,
                                 {"batch_id": batch.id, "items": len(batch.live_items()), "staff_name": name,
                                  "staff_id": sid, "closed_by_name": official.full_name})
            if batch.direction is Direction.OUT:
                for item in batch.live_items():
                    self._lifecycle_in(uow, official, item.code, Transition.RETURNED,
                                       {"method": "post", "tracking": item.tracking, "batch": batch.number,
                                        "collected_by": name})
            uow.commit()
        return after

    def outcome(self, actor: User, code: str, *, delivered: bool, detail: str, at: datetime | None = None) -> Dossier:
        """The postal service's word on a result it carried: delivered (to whom), or brought back
        undeliverable (why), which makes it ready at the counter again."""
        if delivered:
            return self._lifecycle.transition(actor, code, Transition.DELIVERED, {"recipient": detail}, at=at)
        return self._lifecycle.transition(actor, code, Transition.UNDELIVERABLE, {"reason": detail}, at=at)

    def print_list(self, actor: User, ref: str) -> bytes:
        """The handover list of the batch, two copies, as PDF; printing is recorded."""
        from oneStop.persistence.mapping import agency_from_row
        from oneStop.persistence.models import AgencyRow
        from oneStop.printing.handover_list import HandoverLine, HandoverListDocument, render_handover_list

        with self._uow(write=True) as uow:
            official = authorize(uow, actor, Permission.HANDOVER)
            batch = repo.load_batch(uow.session, self._row(uow, ref))
            agency = agency_from_row(uow.session.query(AgencyRow).first())
            unit = uow.session.get(PostalUnitRow, batch.postal_unit)
            lines = []
            for item in batch.live_items():
                row = uow.session.get(DossierRow, uuid.UUID(item.dossier_id)) if item.dossier_id else None
                d = dossier_from_row(row) if row is not None else None
                lines.append(HandoverLine(
                    code=item.code, procedure=d.procedure.name if d else "(chưa tiếp nhận)", sets=d.sets if d else 0,
                    owner=(d.owner or d.applicant).name if d else "",
                    address=(d.delivery_address or d.applicant.address) if d else "",
                    phone=d.applicant.phone if d else "", tracking=item.tracking,
                    received_at=to_local(d.received_at) if d else None, due_at=to_local(d.due_at) if d else None,
                    fee=item.postal_fee if batch.direction is Direction.IN else (d.fee if d else 0), note=item.note,
                    result=_result_name(uow, row.id) if row is not None and batch.direction is Direction.OUT else "",
                    status=d.status.label if d and batch.direction is Direction.OUT else "",
                    fee_collected=sum(f.amount for f in d.fee_collected) if d else 0,
                ))
            closer = batch.closed_by or official.username
            pdf = render_handover_list(HandoverListDocument(
                direction=batch.direction.value, number=batch.number, managing_agency=agency.managing_agency,
                unit=agency.name, place=agency.place or agency.province,
                postal_unit=f"{unit.name} ({unit.code})" if unit else batch.postal_unit, staff_name=batch.staff_name,
                staff_id=batch.staff_id, official_name=self._name(uow, closer), printed_at=to_local(uow.now()),
                closed_at=to_local(batch.closed_at) if batch.closed_at else None, lines=tuple(lines),
            ))
            uow.append(Kind.HANDOVER_PRINTED, official.username, payload={"batch_id": batch.id, "items": len(lines)})
            uow.commit()
        return pdf

    # --- helpers ---------------------------------------------------------------------------------

    def _lifecycle_in(self, uow: UnitOfWork, official: User, code: str, transition: Transition,
                      payload: dict[str, Any]) -> None:
        """A lifecycle transition inside the caller's unit of work (one transaction)."""
        from oneStop.domain import lifecycle as lc
        from oneStop.services.lifecycle import normalise_payload

        row = uow.session.scalar(select(DossierRow).where(DossierRow.code == code))
        dossier = dossier_from_row(row)
        clean_payload = normalise_payload(transition, payload)
        lc.check(dossier, transition, clean_payload, uow.now())
        uow.record(transition.kind, official.username, dossier.id, clean_payload)

    def _record(self, uow: UnitOfWork, before: HandoverBatch | None, kind: str, actor: str, payload: dict[str, Any],
                *, dossier_id: uuid.UUID | None = None) -> HandoverBatch:
        event = uow.append(kind, actor, dossier_id=dossier_id, payload=payload)
        after = apply_batch(before, kind, payload, actor, event.device_time)
        assert after is not None
        repo.save_batch(uow.session, before, after)
        return after

    @staticmethod
    def _row(uow: UnitOfWork, ref: str) -> HandoverBatchRow:
        row = repo.find_batch(uow.session, ref)
        if row is None:
            raise BatchNotFound(ref)
        return row

    @staticmethod
    def _name(uow: UnitOfWork, username: str) -> str:
        row = uow.session.get(UserRow, username)
        return row.full_name if row else username

    def _other_formats(self) -> list[str]:
        value = self._settings.get(S.TRACKING_FORMATS)
        return [p for p in value.split(";") if p.strip()] if value else []

    @staticmethod
    def _result(batch: HandoverBatch, outcome: Outcome, reason: str, *, code: str = "", tracking: str = "",
                item_id: str = "", first_by: str = "", first_at: datetime | None = None) -> ScanResult:
        return ScanResult(outcome, reason, batch.number, code, tracking, item_id, first_by, first_at,
                          len(batch.unresolved()))


def _result_name(uow: UnitOfWork, dossier_id: uuid.UUID) -> str:
    """The result as named when it was recorded (the "result" of the latest result event), or ""."""
    from oneStop.persistence.models import EventRow

    kinds = (Transition.RESULT_READY.kind, Transition.RESULT_RECEIVED.kind)
    payloads = uow.session.scalars(select(EventRow.payload).where(EventRow.dossier_id == dossier_id,
                                                                  EventRow.kind.in_(kinds))
                                   .order_by(EventRow.business_time.desc(), EventRow.seq.desc())).all()
    return next((str(p["result"]) for p in payloads if isinstance(p, dict) and p.get("result")), "")


def _first_valid_tracking(readings: list[str], other_formats: list[str]) -> str:
    for reading in readings:
        if tracking.is_valid(reading, other_formats):
            return tracking.validate(reading, other_formats)
    return ""
