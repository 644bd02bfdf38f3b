"""Receiving a dossier at the counter: validate, number, date, store — one transaction."""

from __future__ import annotations

import logging
import mimetypes
from datetime import date, datetime, timedelta
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from oneStop import settings as S
from oneStop.domain import codes
from oneStop.domain.clock import local_date, to_local, to_utc
from oneStop.domain.drafts import normalise_draft
from oneStop.domain.errors import OneStopError, InvalidFormat, SequenceExhausted, StorageProblem
from oneStop.domain.events import Kind, dossier_to_payload, new_event_id
from oneStop.domain.models import (
    AttachmentDraft,
    AttachmentRef,
    Dossier,
    DossierDraft,
    DossierStatus,
    FeeCollected,
    FeeStage,
    ProcedureSnapshot,
    User,
)
from oneStop.domain.permissions import Permission
from oneStop.domain.profiles import RegulationProfile, profile_for
from oneStop.persistence.attachments import AttachmentStore
from oneStop.persistence.storage import StorageGuard
from oneStop.persistence.models import AttachmentRow, CounterRow, DailySequenceRow, DossierRow, RegisterSequenceRow
from oneStop.persistence.uow import UnitOfWork

log = logging.getLogger(__name__)
from oneStop.services.base import UowFactory, authorize
from oneStop.services.calendar import CalendarService
from oneStop.services.catalog import CatalogService
from oneStop.services.settings_store import SettingsService

#: A received_at this far in the device's future is refused (a typo or a wrong clock).
MAX_FUTURE = timedelta(minutes=5)


class ClockWrong(OneStopError):
    """The PC's clock cannot be trusted: dossier codes (which hold the date) are not issued."""


class CounterMovePending(OneStopError):
    """This PC took over its counter (``restore --move-counter``) and the central database has
    not yet confirmed it: the old PC may still be issuing the counter's codes."""

    def __init__(self, counter: int, public_key: str) -> None:
        super().__init__(
            f"Máy này vừa nhận quầy số {counter} từ máy cũ; chưa cấp mã hồ sơ cho tới khi máy chủ trung tâm xác nhận. "
            f"Quản trị tỉnh chạy: onestop central add-counter --agency-code … --counter {counter} --public-key "
            f"{public_key} ; rồi đồng bộ máy này bằng địa chỉ kết nối mới.")


def check_clock(uow, counter_id: str, now, max_skew_minutes: int) -> None:  # type: ignore[no-untyped-def]
    """Refuse to issue codes while the clock is off against the central server by more than
    the setting (measured at the last sync), or has gone back before this counter's own last
    event."""
    from datetime import timedelta

    from oneStop.persistence.models import EventRow, SyncStateRow

    last = uow.session.scalar(
        select(EventRow.device_time).where(EventRow.counter_id == counter_id).order_by(EventRow.seq.desc()).limit(1)
    )
    if last is not None and now < last - timedelta(seconds=5):
        raise ClockWrong(
            f"Đồng hồ máy tính ({to_local(now):%H:%M %d/%m/%Y}) đang lùi về trước thao tác cuối cùng của quầy "
            f"({to_local(last):%H:%M %d/%m/%Y}). Chưa cấp mã hồ sơ cho tới khi chỉnh lại giờ."
        )
    from oneStop.sync.client import MOVE_PENDING

    moving = uow.session.get(SyncStateRow, MOVE_PENDING)
    if moving is not None:
        counter = uow.session.get(CounterRow, counter_id)
        raise CounterMovePending(counter.number if counter else 0, str(moving.value))
    row = uow.session.get(SyncStateRow, "clock_offset_seconds")
    if row is not None and row.value is not None and abs(float(row.value)) > max_skew_minutes * 60:
        minutes = abs(float(row.value)) / 60
        direction = "nhanh" if float(row.value) > 0 else "chậm"
        raise ClockWrong(
            f"Đồng hồ máy tính {direction} {minutes:.0f} phút so với máy chủ trung tâm (cho phép {max_skew_minutes} "
            "phút). Chưa cấp mã hồ sơ cho tới khi chỉnh lại giờ và đồng bộ lại."
        )


class ReceptionService:
    def __init__(
        self,
        uow: UowFactory,
        calendar: CalendarService,
        settings: SettingsService,
        attachments: AttachmentStore,
        profiles: Iterable[RegulationProfile],
        storage: StorageGuard | None = None,
    ) -> None:
        self._uow = uow
        self._storage = storage
        self._calendar = calendar
        self._settings = settings
        self._attachments = attachments
        self._profiles = profiles

    def appointment(self, procedure_days: int, procedure_hours: int, received_at: datetime) -> datetime:
        """The appointment for a dossier received at ``received_at`` (shown live on screen)."""
        return self._calendar.calendar().appointment(received_at, procedure_days, procedure_hours)

    def outside_hours(self, at: datetime) -> tuple[str, datetime] | None:
        """If ``at`` is outside the unit's reception hours: why, and when the time limit of a
        dossier received then starts (shown on the reception form before it is saved)."""
        calendar = self._calendar.calendar()
        reason = calendar.outside_hours(at)
        return None if reason is None else (reason, calendar.start_of_counting(at))

    def receive(self, actor: User, draft: DossierDraft) -> Dossier:
        """Record a complete dossier, give it its code and appointment, and return it.

        Raises ValidationErrors (every bad field at once), ProcedureNotFound, PermissionDenied,
        SequenceExhausted, or DiskFull / FolderReadOnly (checked before anything is written);
        on any error nothing is written."""
        if self._storage is not None:
            self._storage.check(sum(len(a.content) for a in draft.attachments))
        with self._uow(write=True) as uow:
            official = authorize(uow, actor, Permission.RECEIVE)
            procedure = CatalogService.get_in(uow, draft.procedure_code)
            now = uow.now()
            received_at = draft.received_at or now
            formats = [f for f in (self._settings.get(S.TRACKING_FORMATS) or "").split(";") if f.strip()]
            clean = normalise_draft(draft, procedure, today=local_date(now), tracking_formats=formats)
            if to_utc(received_at) > now + MAX_FUTURE:
                raise InvalidFormat("received_at", "không được ở tương lai")
            backdate = self._settings.get(S.MAX_BACKDATE_DAYS)
            if local_date(received_at) < local_date(now) - timedelta(days=backdate):
                raise InvalidFormat("received_at", f"sớm hơn {backdate} ngày trước hôm nay (quản trị viên có thể "
                                                   f"nới giới hạn: thiết lập {S.MAX_BACKDATE_DAYS.key})")
            if not procedure.active:
                raise InvalidFormat("procedure", f"thủ tục {procedure.code} đã ngừng áp dụng")
            due_at = self.appointment(procedure.processing_days, procedure.processing_hours, received_at)

            counter = uow.session.scalar(select(CounterRow).where(CounterRow.is_local.is_(True)))
            assert counter is not None
            check_clock(uow, counter.id, now, self._settings.get(S.MAX_CLOCK_SKEW))
            day = local_date(received_at)
            spec = profile_for(self._profiles, day).dossier_code
            code = self._next_code(uow, counter.agency_code, counter.number, day, self._settings.all(day),
                                   min_digits=spec.min_digits, date_format=spec.date_format)
            volume = str(to_local(received_at).year)
            register_number = self._next_register_number(uow, counter.id, volume)
            refs = self._store_attachments(uow, clean.attachments)

            dossier = Dossier(
                id=new_event_id(),
                code=code,
                agency_code=counter.agency_code,
                counter=counter.number,
                procedure=ProcedureSnapshot(
                    code=procedure.code,
                    name=procedure.name,
                    field=procedure.field,
                    agency=procedure.agency,
                    processing_days=procedure.processing_days,
                    processing_hours=procedure.processing_hours,
                ),
                applicant=clean.applicant,
                owner=clean.owner,
                authorisation=clean.authorisation,
                channel=clean.channel,
                sets=clean.sets,
                documents=clean.documents or (),
                fee=clean.fee or 0,
                return_method=clean.return_method,
                delivery_address=clean.delivery_address,
                priority=clean.priority,
                priority_reason=clean.priority_reason,
                notes=clean.notes,
                attachments=refs,
                received_at=to_utc(received_at),
                due_at=to_utc(due_at),
                status=DossierStatus.RECEIVED,
                received_by=official.username,
                register_volume=volume,
                register_number=register_number,
                profile_id=profile_for(self._profiles, day).id,
                postal_tracking=clean.postal_tracking,
                cross_boundary=clean.cross_boundary,
                # what was collected, when and how, stays with the dossier (rules §11.9)
                fee_collected=(FeeCollected(clean.fee, to_utc(received_at), FeeStage.RECEPTION, clean.channel),)
                if clean.fee else (),
            )
            _, stored = uow.record(
                Kind.DOSSIER_RECEIVED, official.username, dossier.id, dossier_to_payload(dossier),
                business_time=received_at,
            )
            uow.commit()
        log.info("dossier received: %s (counter %s, procedure %s, channel %s, by %s)", stored.code, stored.counter,
                 stored.procedure.code, stored.channel.value, official.username)
        return stored

    @staticmethod
    def _next_code(uow: UnitOfWork, agency_code: str, counter: int, day: date, settings: dict, *,
                   min_digits: int = 4, date_format: str = "yymmdd") -> str:
        """The next code of this counter's block for the day; refuse past the block's end.

        The daily number has the digits the agency's setting says, and at least as many as the
        regulation profile in force asks for (``dossier_code.min_digits``); the date is written
        as that profile says (``dossier_code.date_format``: yymmdd or yyyymmdd).

        The block and the digits are fixed for the day when its first code is issued (a change
        of the settings takes effect the next day, on every counter alike). A number whose code
        is already held by a dossier (received from another counter, or under a date written
        by hand), its date written in either form, is passed over, so one bad number never
        stops the counter."""
        row = uow.session.get(DailySequenceRow, (agency_code, day, counter))
        if row is None or row.block_first is None:
            digits = max(settings[S.CODE_DIGITS.key], min_digits)
            try:
                first, last = codes.sequence_block(counter, settings[S.CODE_BLOCK_SIZE.key], digits)
            except ValueError as exc:
                raise InvalidFormat("counter", str(exc)) from None
            if row is None:
                row = DailySequenceRow(agency_code=agency_code, day=day, counter=counter, last_number=first - 1)
                uow.session.add(row)
            row.block_first, row.block_last, row.digits = first, last, digits
            row.last_number = max(row.last_number, first - 1)  # a block that moved up since the day began
        first, last, digits = row.block_first, row.block_last, row.digits
        assert first is not None and last is not None and digits is not None
        number = row.last_number
        while True:
            number += 1
            if number > last:
                raise SequenceExhausted(counter, day.strftime("%d/%m/%Y"), first, last)
            code = codes.format_dossier_code(agency_code, day, number, digits, date_format)
            held = [codes.format_dossier_code(agency_code, day, number, digits, form) for form in codes.DATE_FORMATS]
            if uow.session.scalar(select(DossierRow.id).where(DossierRow.code.in_(held)).limit(1)) is None:
                break
            log.warning("dossier code %s is already held: passed over", code)
        row.last_number = number
        uow.session.flush()
        return code

    @staticmethod
    def _next_register_number(uow: UnitOfWork, counter_id: str, volume: str) -> int:
        stmt = (
            sqlite_insert(RegisterSequenceRow)
            .values(counter_id=counter_id, volume=volume, last_number=1)
            .on_conflict_do_update(
                index_elements=["counter_id", "volume"],
                set_={"last_number": RegisterSequenceRow.last_number + 1},
            )
            .returning(RegisterSequenceRow.last_number)
        )
        return uow.session.execute(stmt).scalar_one()

    def _store_attachments(self, uow: UnitOfWork, drafts: tuple[AttachmentDraft, ...]) -> tuple[AttachmentRef, ...]:
        refs = []
        for att in drafts:
            try:
                digest = self._attachments.put(att.content)
            except OSError as exc:
                raise StorageProblem(f"Không lưu được tệp đính kèm “{att.filename}”: {exc.strerror or exc}") from exc
            mime = att.mime
            if mime == "application/octet-stream":
                mime = mimetypes.guess_type(att.filename)[0] or mime
            if uow.session.get(AttachmentRow, digest) is None:
                uow.session.add(AttachmentRow(sha256=digest, size=len(att.content), mime=mime, stored_at=uow.now()))
            refs.append(AttachmentRef(sha256=digest, filename=att.filename, size=len(att.content), mime=mime))
        return tuple(refs)
