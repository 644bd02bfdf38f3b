"""The periodic report Biểu II.06a/VPCP/KSTT (rules §6): dossiers by field for a month, quarter,
six months or year, with those carried over from before, resolved early / on time / late, and
in progress within the deadline / overdue at the end of the period.

Identities: (3) = (4) + (5) + (6); (7) = (8) + (9) + (10); (11) = (12) + (13); (3) = (7) + (11).

The counting is done by the database, grouped (two indexed queries: received in the period,
and carried over), so a month of a province-sized database answers well under a second. The
only calendar-dependent distinction, early versus on time, is made on the groups' dates.

Columns (11)-(13) are judged at the period's end, or now for a period still running (a dossier
whose deadline falls after today but before the end of the quarter is not overdue yet: the
tracking book agrees). Approximation, stated: the deadline is the one as it stands today
(supplement waits that began after the period also push it); a running wait is taken into account.

Receiving point and processing agency (2025: a centre may receive a dossier for another area's
agency, rules §11.7). The report counts the dossiers **received here**, at this agency's counters
(``DossierRow.agency_code``), which is what a centre reports; each is also counted under its
processing agency (the agency it was transferred to, else the procedure's agency) in a second
table, "theo cơ quan giải quyết", whose total is the same as the first's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, Callable

from sqlalchemy import and_, case, func, literal, or_, select

from oneStop import settings as S
from oneStop.domain.clock import VN_TZ, to_utc
from oneStop.domain.models import Channel, User
from oneStop.domain.periods import Period, parse_period
from oneStop.domain.permissions import Permission
from oneStop.persistence.models import DossierRow
from oneStop.services.base import UowFactory, authorize
from oneStop.services.calendar import CalendarService
from oneStop.services.settings_store import SettingsService

COLUMNS = ("received", "online", "direct_or_postal", "carried_over", "resolved", "early", "on_time", "late",
           "in_progress", "within_deadline", "overdue")
TITLE = "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
FORM = "Biểu II.06a/VPCP/KSTT"


@dataclass
class ReportRow:
    field: str
    received: int = 0  # (3)
    online: int = 0  # (4)
    direct_or_postal: int = 0  # (5)
    direct: int = 0  # (5) split: direct
    postal: int = 0  # (5) split: by public postal service
    carried_over: int = 0  # (6)
    resolved: int = 0  # (7)
    early: int = 0  # (8)
    on_time: int = 0  # (9)
    late: int = 0  # (10)
    in_progress: int = 0  # (11)
    within_deadline: int = 0  # (12)
    overdue: int = 0  # (13)

    def add(self, other: "ReportRow") -> None:
        for name in COLUMNS + ("direct", "postal"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def identities(self) -> dict[str, bool]:
        return {
            "(3)=(4)+(5)+(6)": self.received == self.online + self.direct_or_postal + self.carried_over,
            "(5)=direct+postal": self.direct_or_postal == self.direct + self.postal,
            "(7)=(8)+(9)+(10)": self.resolved == self.early + self.on_time + self.late,
            "(11)=(12)+(13)": self.in_progress == self.within_deadline + self.overdue,
            "(3)=(7)+(11)": self.received == self.resolved + self.in_progress,
        }


#: What the report's rows are counted by: the dossiers received at this agency's counters.
BASIS_RECEIVED = "received"
BASIS_WORDS = ("Số liệu theo nơi tiếp nhận: hồ sơ tiếp nhận tại {name} (mã {code}), kể cả hồ sơ tiếp nhận "
               "thay cho cơ quan khác; phần II chia theo cơ quan giải quyết.")


@dataclass(frozen=True)
class PeriodicReport:
    period: Period
    rows: tuple[ReportRow, ...]
    total: ReportRow
    generated_at: datetime
    excluded_states: tuple[str, ...] = field(default=())
    #: the receiving point whose dossiers are counted (this agency's identifier)
    receiving_point: str = ""
    #: the same dossiers by processing agency (the agency transferred to, else the procedure's)
    by_processing_agency: tuple[ReportRow, ...] = field(default=())
    #: the instant columns (11)-(13) are judged at: the period's end, or now if it has not ended
    as_of: datetime | None = None

    @property
    def running(self) -> bool:
        """The period had not ended when the report was made."""
        return self.as_of is not None and self.as_of < _instant(self.period.end)

    def identities_hold(self) -> bool:
        agencies_total = ReportRow("")
        for row in self.by_processing_agency:
            agencies_total.add(row)
        same_total = not self.by_processing_agency or all(
            getattr(agencies_total, name) == getattr(self.total, name) for name in COLUMNS + ("direct", "postal"))
        return same_total and all(all(r.identities().values())
                                  for r in (*self.rows, *self.by_processing_agency, self.total))

    def to_json(self) -> dict[str, Any]:
        return {
            "form": FORM,
            "period": {"key": self.period.key, "label": self.period.label, "start": self.period.start.isoformat(),
                       "end": self.period.end.isoformat()},
            "generated_at": self.generated_at.isoformat(),
            "rows": [asdict(r) for r in self.rows],
            "total": asdict(self.total),
            "identities_hold": self.identities_hold(),
            "excluded_states": list(self.excluded_states),
            "basis": BASIS_RECEIVED,
            "receiving_point": self.receiving_point,
            "by_processing_agency": [{**asdict(r), "processing_agency": r.field} for r in self.by_processing_agency],
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "running": self.running,
        }


def _instant(day: date) -> datetime:
    """The first instant after the business day ``day`` (local midnight), in UTC."""
    return to_utc(datetime.combine(day + timedelta(days=1), time(0), tzinfo=VN_TZ))


class ReportService:
    def __init__(self, uow: UowFactory, calendar: CalendarService, settings: SettingsService,
                 excluded_states: tuple[str, ...] | Callable[[date], tuple[str, ...]] = ()) -> None:
        """``excluded_states``: the states the report leaves out once ended, or a function of
        the period's last day giving them (from the regulation profile in force then)."""
        self._uow = uow
        self._calendar = calendar
        self._settings = settings
        self._excluded_states = excluded_states

    def _excluded_for(self, last_day: date) -> tuple[str, ...]:
        states = self._excluded_states
        return tuple(states(last_day)) if callable(states) else tuple(states)

    def periodic(self, actor: User, period: str | Period) -> PeriodicReport:
        p = parse_period(period) if isinstance(period, str) else period
        early_days = self._settings.get(S.EARLY_DAYS)
        calendar = self._calendar.calendar()
        excluded = self._excluded_for(p.end)
        end = _instant(p.end)
        c = DossierRow
        processing = func.coalesce(func.nullif(c.processing_agency, ""), c.procedure_agency)
        origin_new = case(
            # the portal, VNeID and online with the counter's help are all online filings (§4.2, §11.1)
            (c.channel.in_([ch.value for ch in Channel if ch.online]), literal("online")),
            (c.channel == Channel.POSTAL.value, literal("postal")),
            else_=literal("direct"),
        )

        with self._uow() as uow:
            authorize(uow, actor, Permission.SUPERVISE)
            now = uow.now()
            agency = uow.agency_code
            # (11)-(13) are judged at the end of the period, or now while it runs
            as_of = min(end, now)
            resolved = and_(c.finished_date.is_not(None), c.finished_date <= p.end)
            running_wait = and_(c.paused_since.is_not(None), c.paused_since <= as_of)
            overdue = or_(
                c.supplement_count > 1,
                case((running_wait, c.deadline_at < c.paused_since), else_=c.deadline_at < as_of),
            )
            columns = (
                c.procedure_field.label("field"),
                processing.label("processing"),
                resolved.label("resolved"),
                case((resolved, c.finished_late), else_=None).label("late"),
                case((and_(resolved, c.finished_late.is_(False)), c.finished_date), else_=None).label("finished_date"),
                case((and_(resolved, c.finished_late.is_(False)), c.deadline_date), else_=None).label("deadline_date"),
                case((resolved, None), else_=overdue).label("overdue"),
            )

            def grouped(origin, condition):  # type: ignore[no-untyped-def]
                keys = (origin.label("origin"), *columns)
                # received here (the receiving point): those another agency received and shares
                # are its to report, even when this agency processes them
                stmt = select(*keys, func.count().label("n")).where(condition, c.agency_code == agency)
                if excluded:
                    stmt = stmt.where(~and_(c.status.in_(excluded), resolved))
                return stmt.group_by(*keys)

            new = grouped(origin_new, c.received_date.between(p.start, p.end))
            # carried over: received before the period, and not finished before it; asked as two
            # questions so that each is answered from the (finished_date, received_date) index
            still_open = grouped(literal("carried"), and_(c.finished_date.is_(None), c.received_date < p.start))
            finished_later = grouped(literal("carried"), and_(c.finished_date >= p.start, c.received_date < p.start))
            records = [*uow.session.execute(new).all(), *uow.session.execute(still_open).all(),
                       *uow.session.execute(finished_later).all()]

        by_field: dict[str, ReportRow] = defaultdict(lambda: ReportRow(""))
        by_agency: dict[str, ReportRow] = defaultdict(lambda: ReportRow(""))
        for r in records:
            one = ReportRow(r.field)
            n = r.n
            one.received = n
            if r.origin == "online":
                one.online = n
            elif r.origin == "carried":
                one.carried_over = n
            else:
                one.direct_or_postal = n
                if r.origin == "postal":
                    one.postal = n
                else:
                    one.direct = n
            if r.resolved:
                one.resolved = n
                if r.late:
                    one.late = n
                elif calendar.working_days_between(_as_date(r.finished_date), _as_date(r.deadline_date)) >= early_days:
                    one.early = n
                else:
                    one.on_time = n
            else:
                one.in_progress = n
                if r.overdue:
                    one.overdue = n
                else:
                    one.within_deadline = n
            for key, groups in ((r.field, by_field), ((r.processing or "").strip(), by_agency)):
                row = groups[key]
                row.field = key
                row.add(one)
        rows = tuple(sorted(by_field.values(), key=lambda r: r.field))
        agencies = tuple(sorted(by_agency.values(), key=lambda r: (-r.received, r.field)))
        total = ReportRow("Tổng cộng")
        for row in rows:
            total.add(row)
        report = PeriodicReport(p, rows, total, now, excluded, receiving_point=agency, by_processing_agency=agencies,
                                as_of=as_of)
        if not report.identities_hold():  # a bug, never a user's mistake: say so loudly
            raise AssertionError(f"report identities broken: {[r.identities() for r in (*rows, total)]}")
        return report

    def export(self, actor: User, report: PeriodicReport, fmt: str) -> bytes:
        from oneStop.domain.events import Kind
        from oneStop.persistence.mapping import agency_from_row
        from oneStop.persistence.models import AgencyRow
        from oneStop.printing.periodic_report import Signers, render_report_pdf, report_xlsx
        from oneStop.services import exports

        fmt = exports.export_format(fmt)
        head = self._settings.get(S.REPORT_HEAD_NAME)
        with self._uow(write=True) as uow:
            official = authorize(uow, actor, Permission.SUPERVISE)
            agency = agency_from_row(uow.session.query(AgencyRow).first())
            # the one who makes the report signs as its preparer; the head's name is a setting
            signers = Signers(preparer=official.full_name, head=head)
            data = exports.render(fmt, data=report.to_json, xlsx=lambda: report_xlsx(report, agency),
                                  pdf=lambda: render_report_pdf(report, agency, signers))
            uow.append(Kind.REPORT_EXPORTED, official.username,
                       payload={"period": report.period.key, "format": fmt, "received": report.total.received})
            uow.commit()
        return data


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
