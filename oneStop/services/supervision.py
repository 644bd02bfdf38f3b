"""The supervisor's tracking book (Sổ theo dõi hồ sơ, Mẫu 06): the dossiers received on a day
or over a range, filtered, with their dates, status and timeliness, and the totals.

Built on the dossier projection with one indexed range query over bare columns (no ORM
objects), so a day of a province-sized database answers in milliseconds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Callable

from sqlalchemy import DateTime, and_, func, or_, select, type_coerce

from oneStop import settings as S
from oneStop.domain import phone as phone_
from oneStop.domain.clock import UTC, VN_TZ, to_local
from oneStop.domain.errors import ValidationError
from oneStop.domain.events import Kind
from oneStop.domain.lifecycle import OPEN, Timeliness, Transition, classify_times, timeliness_words
from oneStop.domain.models import Channel, DossierStatus, ReturnMethod, User
from oneStop.domain.permissions import Permission
from oneStop.domain.text import clean
from oneStop.persistence.models import DossierRow, EventRow
from oneStop.services.base import UowFactory, authorize, can, user_names
from oneStop.services.calendar import CalendarService
from oneStop.services.settings_store import SettingsService

if TYPE_CHECKING:
    from oneStop.domain.profiles import RegulationProfile

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


@dataclass(slots=True)  # not frozen: a frozen dataclass sets each of its 27 fields through object.__setattr__,
class LogRow:              # a fifth of a day's book; rows are never changed after they are made
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


def _instant(column: Any) -> Any:
    """A time column read as the driver gives it (the book converts each value once, straight
    to Vietnam's time, instead of through the column type and then again)."""
    return type_coerce(column, DateTime()).label(column.key)


def _local(value: datetime | None) -> datetime | None:
    """A stored instant (UTC; SQLite hands it back without its zone) in Vietnam's time."""
    if value is None:
        return None
    return (value if value.tzinfo is not None else value.replace(tzinfo=UTC)).astimezone(VN_TZ)


_COLUMNS = (
    DossierRow.code, DossierRow.register_volume, DossierRow.register_number, DossierRow.procedure_code,
    DossierRow.procedure_name, DossierRow.procedure_field, DossierRow.procedure_agency, DossierRow.processing_agency,
    DossierRow.sets, DossierRow.applicant_name, DossierRow.address, DossierRow.phone, _instant(DossierRow.received_at),
    _instant(DossierRow.due_at), _instant(DossierRow.original_due_at), _instant(DossierRow.transferred_at),
    _instant(DossierRow.result_at), _instant(DossierRow.returned_at), _instant(DossierRow.finished_at),
    DossierRow.paused_seconds, _instant(DossierRow.paused_since),
    DossierRow.supplement_count, DossierRow.return_method, DossierRow.channel, DossierRow.status, DossierRow.counter,
    DossierRow.received_by, DossierRow.notes, DossierRow.apology_count,
)


class SupervisionService:
    def __init__(self, uow: UowFactory, calendar: CalendarService, settings: SettingsService,
                 profile_for: "Callable[[date], RegulationProfile] | None" = None) -> None:
        self._uow = uow
        self._calendar = calendar
        self._settings = settings
        self._profile_for = profile_for  # the regulation profile in force on a day (the book's form)

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
            stmt = select(*_COLUMNS).where(c.received_date >= date_from, c.received_date <= date_to,
                                           c.agency_code == uow.agency_code)
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
            # Core rows on the session's connection: the ORM's row handling costs a third of a day's book
            records = uow.session.connection().execute(stmt).all()
        rows: list[LogRow] = []
        memo: dict[tuple[date, date], int] = {}

        def working_days(a: date, b: date) -> int:  # a day's dossiers share few (end, deadline) pairs
            key = (a, b)
            if key not in memo:
                memo[key] = calendar.working_days_between(a, b)
            return memo[key]

        statuses = {s.value: s for s in DossierStatus}
        methods = {m.value: m.label for m in ReturnMethod}
        for r in records:
            received_at, due_at, finished_at = _local(r.received_at), _local(r.due_at), _local(r.finished_at)
            timeliness = classify_times(
                due_at=due_at, original_due_at=_local(r.original_due_at), paused_seconds=r.paused_seconds,
                paused_since=_local(r.paused_since), finished_at=finished_at, supplement_count=r.supplement_count,
                now=now, working_days_between=working_days, early_days=early_days,
            )
            if filter.overdue and timeliness is not Timeliness.OVERDUE:
                continue
            status = statuses[r.status]
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
                    received_at=received_at,
                    due_at=due_at,
                    transferred_at=_local(r.transferred_at),
                    result_at=_local(r.result_at),
                    returned_at=_local(r.returned_at),
                    return_method=methods[r.return_method],
                    channel=r.channel,
                    status=status.value,
                    status_label=status.label,
                    timeliness=timeliness.value,
                    timeliness_label=timeliness_words(status.value, timeliness),
                    counter=r.counter,
                    official=r.received_by,
                    note=("Đã xin lỗi, hẹn lại. " if r.apology_count else "") + (r.notes or ""),
                )
            )
        return DailyLog(date_from, date_to, filter, tuple(rows), totals(rows), now, not full)

    def export_log(self, actor: User, log: DailyLog, fmt: str) -> bytes:
        """The book as ``json``, ``xlsx`` or ``pdf`` bytes; the export is recorded as an event."""
        from oneStop.persistence.mapping import agency_from_row
        from oneStop.persistence.models import AgencyRow
        from oneStop.printing.tracking_book import render_tracking_book, tracking_book_xlsx
        from oneStop.services import exports

        fmt = exports.export_format(fmt)
        # the book's number, title and columns: the profile in force on the book's last day
        # (Mẫu 06 of 2018; Mẫu 07 of 2025, fewer columns, kept per field)
        profile = self._profile_for(log.date_to) if self._profile_for else None
        spec = profile.forms.get("tracking_book") if profile else None
        book = {"columns": spec.columns, "per_field": spec.has("per_field"), "title": spec.title} if spec else {}
        with self._uow(write=True) as uow:
            official = authorize(uow, actor, Permission.VIEW_DOSSIERS)
            agency = agency_from_row(uow.session.query(AgencyRow).first())
            data = exports.render(
                fmt, data=log.to_json, xlsx=lambda: tracking_book_xlsx(log, unit=agency.name, **book),
                pdf=lambda: render_tracking_book(log, managing_agency=agency.managing_agency, unit=agency.name,
                                                 place=agency.place or agency.province,
                                                 **({"form_number": spec.number} if spec else {}), **book),
            )
            uow.append(Kind.LOG_EXPORTED, official.username, payload={
                "format": fmt, "date_from": log.date_from.isoformat(), "date_to": log.date_to.isoformat(),
                "rows": len(log.rows), "masked": log.masked,
            })
            uow.commit()
        return data

    def day_review(self, actor: User, day: date, counter: int | None = None) -> DayReview:
        """What each counter did on ``day``, what falls due on the next working day, what is
        overdue now, and whether the day was signed off (and changed since)."""
        calendar = self._calendar.calendar()
        with self._uow() as uow:
            authorize(uow, actor, Permission.VIEW_DOSSIERS)
            now = uow.now()
            agency = uow.agency_code
            e = EventRow
            ours = e.by_counters_of(agency)
            own = DossierRow.agency_code == agency
            rows = uow.session.execute(
                select(e.counter_id, e.kind, func.count()).where(e.business_date == day, ours)
                .group_by(e.counter_id, e.kind)
            ).all()
            returns = uow.session.execute(
                select(e.counter_id, e.payload).where(e.business_date == day, e.kind == Transition.RETURNED.kind, ours)
            ).all()
            post_returns = Counter(cid for cid, payload in returns if payload.get("method") == "post").items()
            postal_in = uow.session.execute(
                select(DossierRow.counter, func.count()).where(DossierRow.received_date == day, own,
                                                                DossierRow.channel == Channel.POSTAL.value)
                .group_by(DossierRow.counter)
            ).all()
            next_day = calendar.next_working_day(day)
            start = datetime.combine(next_day, datetime.min.time(), tzinfo=VN_TZ)
            open_states = [s.value for s in OPEN]
            due = uow.session.scalars(
                select(DossierRow.code).where(own, DossierRow.status.in_(open_states), DossierRow.due_at >= start,
                                              DossierRow.due_at < start + timedelta(days=1)).order_by(DossierRow.due_at)
            ).all()
            overdue_rows = uow.session.execute(
                select(DossierRow.code, DossierRow.deadline_at, DossierRow.paused_since, DossierRow.supplement_count)
                .where(own, DossierRow.status.in_(open_states), DossierRow.due_at < now).order_by(DossierRow.due_at)
            ).all()
            sign_off_row = uow.session.scalars(
                select(e).where(e.kind == Kind.DAY_SIGNED_OFF, e.business_date == day).order_by(e.device_time.desc())
            ).all()
            sign_off_row = next((r for r in sign_off_row if r.payload.get("counter") == counter), None)
            sign_off = None
            changed: list[dict[str, Any]] = []
            if sign_off_row is not None:
                names = user_names(uow)
                p = sign_off_row.payload
                sign_off = SignOff(day, p.get("counter"), sign_off_row.actor, names.get(sign_off_row.actor, ""),
                                   to_local(sign_off_row.device_time), p.get("comment", ""), p.get("seq_through", 0))
                received_ids = select(DossierRow.id).where(DossierRow.received_date == day, own)
                if counter is not None:
                    received_ids = received_ids.where(DossierRow.counter == counter)
                later = uow.session.scalars(
                    select(e).where(
                        e.device_time > sign_off_row.device_time,
                        e.kind.not_in(AUDIT_ONLY | {Kind.DAY_SIGNED_OFF}),
                        or_(and_(e.business_date == day, ours), e.dossier_id.in_(received_ids)),
                    ).order_by(e.device_time)
                ).all()
                changed = [
                    {"kind": r.kind, "actor": r.actor, "at": to_local(r.device_time).isoformat(),
                     "business_date": r.business_date.isoformat(), "seq": r.seq, "counter_id": r.counter_id}
                    for r in later
                    if counter is None or counter_number(r.counter_id) == counter
                ]
        by_counter: dict[int, dict[str, int]] = {}
        for counter_id, kind, n in rows:
            by_counter.setdefault(counter_number(counter_id), {})[kind] = n
        for counter_id, n in post_returns:
            by_counter.setdefault(counter_number(counter_id), {})["to_post"] = n
        for number, n in postal_in:
            by_counter.setdefault(number, {})["postal_in"] = n
        days = [
            CounterDay(
                counter=number,
                received=k.get(Kind.DOSSIER_RECEIVED, 0),
                returned=k.get(Transition.RETURNED.kind, 0),
                refused=k.get(Transition.REFUSED.kind, 0),
                supplement_requested=k.get(Transition.SUPPLEMENT_REQUESTED.kind, 0),
                reprinted=k.get(Kind.RECEIPT_REPRINTED, 0),
                to_post=k.get("to_post", 0),
                postal_received=k.get("postal_in", 0),
            )
            for number, k in sorted(by_counter.items())
            if counter is None or number == counter
        ]
        overdue = tuple(
            r.code for r in overdue_rows
            if r.supplement_count > 1 or now > r.deadline_at + (now - r.paused_since if r.paused_since else timedelta(0))
        )
        return DayReview(day, tuple(days), tuple(due), overdue, sign_off, tuple(changed))

    def sign_off(self, actor: User, day: date, comment: str = "", counter: int | None = None) -> SignOff:
        """The supervisor signs the day off, with a comment; recorded as an event. Signing again
        (after changes) records a new sign-off: the latest one is the one that counts."""
        comment = clean(comment, "notes", max_len=2000, multiline=True)
        with self._uow(write=True) as uow:
            supervisor = authorize(uow, actor, Permission.SUPERVISE)
            now = uow.now()
            if day > to_local(now).date():
                raise ValidationError("date", "không thể ký duyệt một ngày chưa tới")
            through = uow.session.scalar(select(func.max(EventRow.seq)).where(EventRow.counter_id == uow.counter_id)) or 0
            event = uow.append(Kind.DAY_SIGNED_OFF, supervisor.username,
                               payload={"day": day.isoformat(), "counter": counter, "comment": comment,
                                        "seq_through": through},
                               business_time=datetime.combine(day, datetime.min.time()).replace(hour=12, tzinfo=VN_TZ))
            uow.commit()
        return SignOff(day, counter, supervisor.username, supervisor.full_name, to_local(event.device_time), comment, through)

    def officials(self, actor: User, date_from: date, date_to: date) -> list[OfficialFigures]:
        """Per-official figures for the quantitative evaluation of staff, over a range of days."""
        calendar = self._calendar.calendar()
        early_days = self._settings.get(S.EARLY_DAYS)
        with self._uow() as uow:
            authorize(uow, actor, Permission.SUPERVISE)
            now = uow.now()
            names = user_names(uow)
            c = DossierRow
            own, ours = c.agency_code == uow.agency_code, EventRow.by_counters_of(uow.agency_code)
            received = dict(uow.session.execute(
                select(c.received_by, func.count()).where(c.received_date.between(date_from, date_to), own)
                .group_by(c.received_by)
            ).all())
            returned = dict(uow.session.execute(
                select(EventRow.actor, func.count()).where(EventRow.business_date.between(date_from, date_to),
                                                           EventRow.kind == Transition.RETURNED.kind, ours)
                .group_by(EventRow.actor)
            ).all())
            finished = uow.session.execute(
                select(c.received_by, c.received_at, c.finished_at, c.due_at, c.original_due_at, c.paused_seconds,
                       c.supplement_count)
                .where(c.received_date.between(date_from, date_to), c.finished_at.is_not(None), own)
            ).all()
        stats: dict[str, list[float]] = {}
        on_time: dict[str, int] = {}
        for r in finished:
            verdict = classify_times(due_at=r.due_at, original_due_at=r.original_due_at, paused_seconds=r.paused_seconds,
                                     paused_since=None, finished_at=r.finished_at, supplement_count=r.supplement_count,
                                     now=now, working_days_between=calendar.working_days_between, early_days=early_days)
            stats.setdefault(r.received_by, []).append((r.finished_at - r.received_at).total_seconds() / 3600)
            if verdict in (Timeliness.EARLY, Timeliness.ON_TIME):
                on_time[r.received_by] = on_time.get(r.received_by, 0) + 1
        people = sorted(set(received) | set(returned) | set(stats))
        out = []
        for username in people:
            hours = stats.get(username, [])
            done = len(hours)
            good = on_time.get(username, 0)
            out.append(OfficialFigures(
                username, names.get(username, username), received.get(username, 0), returned.get(username, 0), done, good,
                round(good / done, 4) if done else None, round(sum(hours) / done, 1) if done else None,
            ))
        return out

    def dashboard(self, actor: User, day: date, period_start: date | None = None) -> "Dashboard":
        """Today's and the period's figures (the period runs from ``period_start``, by default
        the first of the month, to ``day``), the postal shares against the province's targets,
        the on-time rate, the overdue and due-soon lists, and the last 14 days by channel."""
        calendar = self._calendar.calendar()
        values = self._settings.all()
        start = period_start or day.replace(day=1)
        soon_until = calendar.add_working_days(day, values[S.DUE_SOON_DAYS.key])
        with self._uow() as uow:
            authorize(uow, actor, Permission.SUPERVISE)
            now = uow.now()
            c = DossierRow
            own, ours = c.agency_code == uow.agency_code, EventRow.by_counters_of(uow.agency_code)
            received_today = uow.session.scalar(select(func.count()).where(c.received_date == day, own)) or 0
            by_channel = dict(uow.session.execute(
                select(c.channel, func.count()).where(c.received_date.between(start, day), own).group_by(c.channel)
            ).all())
            returns = uow.session.execute(
                select(EventRow.business_date, EventRow.payload)
                .where(EventRow.business_date.between(start, day), EventRow.kind == Transition.RETURNED.kind, ours)
            ).all()
            finished = uow.session.execute(
                select(c.finished_at, c.deadline_at, c.deadline_date, c.finished_date, c.finished_late)
                .where(c.finished_date.between(start, day), own)
            ).all()
            open_states = [s.value for s in OPEN]
            open_rows = uow.session.execute(
                select(c.code, c.applicant_name, c.procedure_name, c.due_at, c.deadline_at, c.paused_since,
                       c.supplement_count, c.counter)
                .where(c.status.in_(open_states), own,
                       c.due_at < datetime.combine(soon_until + timedelta(days=1), datetime.min.time(), tzinfo=VN_TZ))
                .order_by(c.due_at)
            ).all()
            series_from = day - timedelta(days=13)
            series = uow.session.execute(
                select(c.received_date, c.channel, func.count())
                .where(c.received_date.between(series_from, day), own).group_by(c.received_date, c.channel)
            ).all()
        received = sum(by_channel.values())
        postal_in = by_channel.get(Channel.POSTAL.value, 0)
        returned = len(returns)
        returned_today = sum(1 for d, _ in returns if d == day)
        by_post = sum(1 for _, p in returns if p.get("method") == "post")
        good = sum(1 for r in finished if not r.finished_late)  # early or on time
        overdue, due_soon = [], []
        for r in open_rows:
            deadline = r.deadline_at + (now - r.paused_since if r.paused_since else timedelta(0))
            item = DashboardItem(r.code, r.applicant_name, r.procedure_name, to_local(r.due_at), r.counter)
            if r.supplement_count > 1 or now > deadline:
                overdue.append(item)
            elif r.paused_since is None:
                due_soon.append(item)
        # by the national list's channels: VNeID and assisted filings count as online (§4.2)
        national = [ch for ch in Channel if ch.national is ch]
        days = {series_from + timedelta(days=i): {ch.value: 0 for ch in national} for i in range(14)}
        for d, channel, n in series:
            days[d][Channel(channel).national.value] += n
        received_by_channel = {ch.value: 0 for ch in national}
        for channel, n in by_channel.items():
            received_by_channel[Channel(channel).national.value] += n
        return Dashboard(
            day=day,
            period_start=start,
            received_today=received_today,
            returned_today=returned_today,
            received=received,
            received_by_channel=received_by_channel,
            returned=returned,
            returned_by_post=by_post,
            postal_in_share=round(postal_in / received, 4) if received else None,
            postal_out_share=round(by_post / returned, 4) if returned else None,
            target_postal_in=values[S.TARGET_POSTAL_IN.key] / 100,
            target_postal_out=values[S.TARGET_POSTAL_OUT.key] / 100,
            finished=len(finished),
            on_time_rate=round(good / len(finished), 4) if finished else None,
            overdue=tuple(overdue),
            due_soon=tuple(due_soon),
            daily=tuple((d, counts) for d, counts in sorted(days.items())),
        )


def counter_number(counter_id: str) -> int:
    """The counter's number in its identity.

    >>> counter_number("000.17.22.H56#12")
    12
    """
    return int(counter_id.rsplit("#", 1)[1])


def totals(rows: list[LogRow]) -> dict[str, Any]:
    """The figures under the book: counts by status, channel, timeliness, return method."""
    by_status = Counter(r.status for r in rows)
    # counted under the national list's channels: VNeID and assisted filings are online (§4.2)
    by_channel = Counter(Channel(r.channel).national.value for r in rows)
    by_timeliness = Counter(r.timeliness for r in rows)
    finished = sum(by_timeliness[t.value] for t in Timeliness if t.finished)
    on_time = by_timeliness[Timeliness.EARLY.value] + by_timeliness[Timeliness.ON_TIME.value]
    return {
        "dossiers": len(rows),
        "sets": sum(r.sets for r in rows),
        "by_status": {s.value: by_status[s.value] for s in DossierStatus},
        "by_channel": {ch.value: by_channel[ch.value] for ch in Channel if ch.national is ch},
        "by_timeliness": {t.value: by_timeliness[t.value] for t in Timeliness},
        "return_by_post": sum(1 for r in rows if r.return_method == ReturnMethod.POST.label),
        "on_time_rate": round(on_time / finished, 4) if finished else None,
    }


# --- the day's review and sign-off ---------------------------------------------------------------

#: Events that record looking, not doing: they never make a signed day "changed".
AUDIT_ONLY = frozenset({Kind.PERSONAL_DATA_VIEWED, Kind.LOG_EXPORTED, Kind.REPORT_EXPORTED, Kind.USER_LOGGED_IN,
                        Kind.USER_LOGGED_OUT, Kind.USER_LOGIN_FAILED})


@dataclass(frozen=True)
class SignOff:
    day: date
    counter: int | None  # None: the whole agency
    by: str
    by_name: str
    at: datetime  # local
    comment: str
    seq_through: int  # the last local event sequence number the supervisor saw


@dataclass(frozen=True)
class CounterDay:
    counter: int
    received: int
    returned: int
    refused: int
    supplement_requested: int
    reprinted: int
    to_post: int  # results handed to the public postal service (returned by post)
    postal_received: int  # dossiers received through the postal service


@dataclass(frozen=True)
class DayReview:
    day: date
    counters: tuple[CounterDay, ...]
    due_next_working_day: tuple[str, ...]  # codes
    overdue: tuple[str, ...]
    sign_off: SignOff | None
    changed_after_sign_off: tuple[dict[str, Any], ...]  # events written after the sign-off

    @property
    def signed(self) -> bool:
        return self.sign_off is not None

    def to_json(self) -> dict[str, Any]:
        return {
            "day": self.day.isoformat(),
            "counters": [asdict(c) for c in self.counters],
            "due_next_working_day": list(self.due_next_working_day),
            "overdue": list(self.overdue),
            "sign_off": {**asdict(self.sign_off), "day": self.day.isoformat(), "at": self.sign_off.at.isoformat()}
            if self.sign_off else None,
            "changed_after_sign_off": list(self.changed_after_sign_off),
        }


@dataclass(frozen=True)
class OfficialFigures:
    username: str
    full_name: str
    received: int
    returned: int
    finished: int
    on_time: int  # early or on time, of the finished ones they received
    on_time_rate: float | None
    average_handling_hours: float | None  # reception to end of processing, finished ones


@dataclass(frozen=True)
class DashboardItem:
    code: str
    applicant: str
    procedure: str
    due_at: datetime  # local
    counter: int


@dataclass(frozen=True)
class Dashboard:
    day: date
    period_start: date
    received_today: int
    returned_today: int
    received: int
    received_by_channel: dict[str, int]
    returned: int
    returned_by_post: int
    postal_in_share: float | None
    postal_out_share: float | None
    target_postal_in: float
    target_postal_out: float
    finished: int
    on_time_rate: float | None
    overdue: tuple[DashboardItem, ...]
    due_soon: tuple[DashboardItem, ...]
    daily: tuple[tuple[date, dict[str, int]], ...]  # last 14 days, received by channel

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["day"] = self.day.isoformat()
        data["period_start"] = self.period_start.isoformat()
        data["overdue"] = [{**asdict(i), "due_at": i.due_at.isoformat()} for i in self.overdue]
        data["due_soon"] = [{**asdict(i), "due_at": i.due_at.isoformat()} for i in self.due_soon]
        data["daily"] = [{"day": d.isoformat(), **counts} for d, counts in self.daily]
        return data
