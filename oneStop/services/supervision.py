"""The supervisor's tracking book (Sổ theo dõi hồ sơ, Mẫu 06): the dossiers received on a day
or over a range, filtered, with their dates, status and timeliness, and the totals.

Built on the dossier projection with one indexed range query over bare columns (no ORM
objects), so a day of a province-sized database answers in milliseconds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, or_, select

from oneStop import settings as S
from oneStop.domain import phone as phone_
from oneStop.domain.clock import to_local
from oneStop.domain.errors import ValidationError
from oneStop.domain.lifecycle import Timeliness, classify_times
from oneStop.domain.models import Channel, DossierStatus, ReturnMethod, User
from oneStop.domain.permissions import Permission
from oneStop.persistence.models import DossierRow
from oneStop.services.base import UowFactory, authorize, can
from oneStop.services.calendar import CalendarService
from oneStop.services.settings_store import SettingsService

#: The longest range one book covers (a year and a bit: the annual report's span).
MAX_RANGE_DAYS = 400


@dataclass(frozen=True)
class LogFilter:
    counter: int | None = None
    official: str | None = None  # username of the official who received
    procedure: str | None = None  # procedure code
    field: str | None = None  # lĩnh vực, exact
    channel: str | None = None
    status: str | None = None
    overdue: bool = False  # only dossiers in progress past their deadline

    def validated(self) -> "LogFilter":
        if self.channel is not None:
            try:
                Channel(self.channel)
            except ValueError:
                raise ValidationError("channel", f"không có kênh «{self.channel}»") from None
        if self.status is not None:
            try:
                DossierStatus(self.status)
            except ValueError:
                choices = ", ".join(s.value for s in DossierStatus)
                raise ValidationError("status", f"không có trạng thái «{self.status}»; chọn: {choices}") from None
        return self


@dataclass(frozen=True)
class LogRow:
    number: int  # STT in this book
    register: str  # Quyển số / Số thứ tự the receipt cites
    code: str
    procedure_code: str
    procedure_name: str
    field: str
    sets: int
    applicant: str
    address: str
    phone: str
    agency: str  # cơ quan chủ trì giải quyết
    received_at: datetime  # local
    due_at: datetime
    transferred_at: datetime | None
    result_at: datetime | None
    returned_at: datetime | None
    return_method: str  # label
    channel: str
    status: str
    status_label: str
    timeliness: str
    timeliness_label: str
    counter: int
    official: str
    note: str


@dataclass(frozen=True)
class DailyLog:
    date_from: date
    date_to: date
    filter: LogFilter
    rows: tuple[LogRow, ...]
    totals: dict[str, Any]
    generated_at: datetime
    masked: bool

    def to_json(self) -> dict[str, Any]:
        def iso(v: Any) -> Any:
            return v.isoformat() if isinstance(v, (datetime, date)) else v

        return {
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
            "filter": asdict(self.filter),
            "generated_at": self.generated_at.isoformat(),
            "masked": self.masked,
            "totals": self.totals,
            "rows": [{k: iso(v) for k, v in asdict(r).items()} for r in self.rows],
        }


_COLUMNS = (
    DossierRow.code, DossierRow.register_volume, DossierRow.register_number, DossierRow.procedure_code,
    DossierRow.procedure_name, DossierRow.procedure_field, DossierRow.procedure_agency, DossierRow.processing_agency,
    DossierRow.sets, DossierRow.applicant_name, DossierRow.address, DossierRow.phone, DossierRow.received_at,
    DossierRow.due_at, DossierRow.original_due_at, DossierRow.transferred_at, DossierRow.result_at,
    DossierRow.returned_at, DossierRow.finished_at, DossierRow.paused_seconds, DossierRow.paused_since,
    DossierRow.supplement_count, DossierRow.return_method, DossierRow.channel, DossierRow.status, DossierRow.counter,
    DossierRow.received_by, DossierRow.notes, DossierRow.apology_count,
)


class SupervisionService:
    def __init__(self, uow: UowFactory, calendar: CalendarService, settings: SettingsService) -> None:
        self._uow = uow
        self._calendar = calendar
        self._settings = settings

    def daily_log(
        self, actor: User, date_from: date, date_to: date | None = None, filter: LogFilter | None = None
    ) -> DailyLog:
        """The tracking book of the dossiers received from ``date_from`` to ``date_to``."""
        date_to = date_to or date_from
        if date_to < date_from:
            raise ValidationError("date", "ngày kết thúc phải sau ngày bắt đầu")
        if (date_to - date_from).days > MAX_RANGE_DAYS:
            raise ValidationError("date", f"khoảng ngày dài quá {MAX_RANGE_DAYS} ngày")
        filter = (filter or LogFilter()).validated()
        calendar = self._calendar.calendar()
        values = self._settings.all()
        early_days = values[S.EARLY_DAYS.key]
        with self._uow() as uow:
            authorize(uow, actor, Permission.VIEW_DOSSIERS)
            full = can(uow, actor, Permission.VIEW_PERSONAL_DATA)
            now = uow.now()
            c = DossierRow
            stmt = select(*_COLUMNS).where(c.received_date >= date_from, c.received_date <= date_to)
            if filter.counter is not None:
                stmt = stmt.where(c.counter == filter.counter)
            if filter.official:
                stmt = stmt.where(c.received_by == filter.official.strip().lower())
            if filter.procedure:
                stmt = stmt.where(c.procedure_code == filter.procedure.strip())
            if filter.field:
                stmt = stmt.where(c.procedure_field == filter.field.strip())
            if filter.channel:
                stmt = stmt.where(c.channel == filter.channel)
            if filter.status:
                stmt = stmt.where(c.status == filter.status)
            if filter.overdue:  # a superset; the exact test (pauses) is below
                stmt = stmt.where(and_(c.finished_at.is_(None), or_(c.due_at < now, c.supplement_count > 1)))
            stmt = stmt.order_by(c.received_at, c.code)
            records = uow.session.execute(stmt).all()
        rows: list[LogRow] = []
        for r in records:
            timeliness = classify_times(
                due_at=r.due_at, original_due_at=r.original_due_at, paused_seconds=r.paused_seconds,
                paused_since=r.paused_since, finished_at=r.finished_at, supplement_count=r.supplement_count,
                now=now, working_days_between=calendar.working_days_between, early_days=early_days,
            )
            if filter.overdue and timeliness is not Timeliness.OVERDUE:
                continue
            status = DossierStatus(r.status)
            rows.append(
                LogRow(
                    number=len(rows) + 1,
                    register=f"{r.register_volume}/{r.register_number}" if r.register_number else "",
                    code=r.code,
                    procedure_code=r.procedure_code,
                    procedure_name=r.procedure_name,
                    field=r.procedure_field,
                    sets=r.sets,
                    applicant=r.applicant_name,
                    address=r.address,
                    phone=r.phone if full or not r.phone else phone_.mask(r.phone),
                    agency=r.processing_agency or r.procedure_agency,
                    received_at=to_local(r.received_at),
                    due_at=to_local(r.due_at),
                    transferred_at=to_local(r.transferred_at) if r.transferred_at else None,
                    result_at=to_local(r.result_at) if r.result_at else None,
                    returned_at=to_local(r.returned_at) if r.returned_at else None,
                    return_method=ReturnMethod(r.return_method).label,
                    channel=r.channel,
                    status=status.value,
                    status_label=status.label,
                    timeliness=timeliness.value,
                    timeliness_label=timeliness.label,
                    counter=r.counter,
                    official=r.received_by,
                    note=("Đã xin lỗi, hẹn lại. " if r.apology_count else "") + (r.notes or ""),
                )
            )
        return DailyLog(date_from, date_to, filter, tuple(rows), totals(rows), now, not full)

    def export_log(self, actor: User, log: DailyLog, fmt: str) -> bytes:
        """The book as ``json``, ``xlsx`` or ``pdf`` bytes; the export is recorded as an event."""
        import json

        from oneStop.domain.events import Kind
        from oneStop.persistence.mapping import agency_from_row
        from oneStop.persistence.models import AgencyRow
        from oneStop.printing.tracking_book import render_tracking_book, tracking_book_xlsx

        fmt = fmt.lower()
        if fmt not in ("json", "xlsx", "pdf"):
            raise ValidationError("format", "phải là json, xlsx hoặc pdf")
        with self._uow(write=True) as uow:
            official = authorize(uow, actor, Permission.VIEW_DOSSIERS)
            agency = agency_from_row(uow.session.query(AgencyRow).first())
            if fmt == "json":
                data = json.dumps(log.to_json(), ensure_ascii=False, indent=2).encode("utf-8")
            elif fmt == "xlsx":
                data = tracking_book_xlsx(log, unit=agency.name)
            else:
                data = render_tracking_book(log, managing_agency=agency.managing_agency, unit=agency.name,
                                            place=agency.place or agency.province)
            uow.append(Kind.LOG_EXPORTED, official.username, payload={
                "format": fmt, "date_from": log.date_from.isoformat(), "date_to": log.date_to.isoformat(),
                "rows": len(log.rows), "masked": log.masked,
            })
            uow.commit()
        return data


def totals(rows: list[LogRow]) -> dict[str, Any]:
    """The figures under the book: counts by status, channel, timeliness, return method."""
    by_status = Counter(r.status for r in rows)
    by_channel = Counter(r.channel for r in rows)
    by_timeliness = Counter(r.timeliness for r in rows)
    finished = sum(by_timeliness[t.value] for t in Timeliness if t.finished)
    on_time = by_timeliness[Timeliness.EARLY.value] + by_timeliness[Timeliness.ON_TIME.value]
    return {
        "dossiers": len(rows),
        "sets": sum(r.sets for r in rows),
        "by_status": {s.value: by_status[s.value] for s in DossierStatus},
        "by_channel": {ch.value: by_channel[ch.value] for ch in Channel},
        "by_timeliness": {t.value: by_timeliness[t.value] for t in Timeliness},
        "return_by_post": sum(1 for r in rows if r.return_method == ReturnMethod.POST.label),
        "on_time_rate": round(on_time / finished, 4) if finished else None,
    }

