"""Working days and appointments (rules §4.4).

A working day is Monday to Friday, minus the public holidays of Vietnam (the ``holidays``
package: Tết Nguyên đán and Giỗ Tổ from the lunar calendar, 30/4, 1/5, 2/9 and its adjacent
day, compensatory days, and the announced swaps for public servants), plus the Saturdays the
package lists as worked in exchange (``weekend_workdays``). The package lags announcements,
so an administrator's override table wins over everything.

>>> cal = WorkingCalendar()
>>> cal.is_working_day(date(2026, 2, 17)), cal.day_off_reason(date(2026, 2, 17))
(False, 'Tết Nguyên Đán')
>>> cal.add_working_days(date(2026, 2, 13), 1)             # Friday before Tết
datetime.date(2026, 2, 23)
>>> received = datetime(2026, 11, 23, 9, 15, tzinfo=VN_TZ)  # Monday; 24/11 is a holiday
>>> cal.appointment(received, 2).isoformat()
'2026-11-26T09:15:00+07:00'
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import MAXYEAR, MINYEAR, date, datetime, time, timedelta

from oneStop.domain.clock import VN_TZ, require_aware

__all__ = ["CalendarOverride", "WorkHours", "WorkingCalendar", "OFF", "WORK"]

OFF = "off"
WORK = "work"
_KINDS = (OFF, WORK)
_WEEKEND_NAMES = {5: "Thứ Bảy", 6: "Chủ nhật"}
_OVERRIDE_OFF_DEFAULT = "Ngày nghỉ (theo lịch điều chỉnh)"
#: No stretch of days off is longer than this; a longer one means the override table is wrong.
_MAX_DAYS_OFF_IN_A_ROW = 366
_ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class CalendarOverride:
    """An administrator's correction of one day: ``"off"`` (an extra day off) or ``"work"``
    (an extra working day, e.g. a make-up Saturday)."""

    day: date
    kind: str
    note: str = ""

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(
                f"Loại ngày {self.kind!r} không hợp lệ: phải là 'off' (nghỉ) hoặc 'work' (làm việc)"
            )
        if isinstance(self.day, datetime) or not isinstance(self.day, date):
            raise ValueError(f"Ngày điều chỉnh phải là một ngày (date), không phải {self.day!r}")


@dataclass(frozen=True)
class WorkHours:
    """Office hours of the receiving unit; dossiers received at or after ``cutoff`` count from
    the next working day (None: until ``end``)."""

    start: time = time(7, 30)
    end: time = time(17, 0)
    cutoff: time | None = time(15, 0)

    def __post_init__(self) -> None:
        if not self.start < self.end:
            raise ValueError(
                f"Giờ bắt đầu làm việc ({self.start:%H:%M}) phải trước giờ kết thúc ({self.end:%H:%M})"
            )
        if self.cutoff is not None and not self.start < self.cutoff <= self.end:
            raise ValueError(
                f"Giờ chốt nhận hồ sơ trong ngày ({self.cutoff:%H:%M}) phải sau giờ bắt đầu "
                f"({self.start:%H:%M}) và không muộn hơn giờ kết thúc ({self.end:%H:%M})"
            )


@dataclass
class _Year:
    """One year, computed once: the days off (a set, for the hot lookup) and why."""

    off: frozenset[date]
    reasons: dict[date, str] = field(default_factory=dict)


class WorkingCalendar:
    """Vietnam's working days with an override table, and appointment times.

    Immutable after construction (rebuild it when the overrides change); each year is
    computed on first use and cached, so :meth:`is_working_day` is then a set lookup.
    Safe to share between threads.
    """

    def __init__(self, overrides: Iterable[CalendarOverride] = (), hours: WorkHours = WorkHours()) -> None:
        by_day: dict[date, CalendarOverride] = {}
        for override in overrides:
            by_day[override.day] = override  # the last one given for a day wins
        self._overrides = by_day
        self.hours = hours
        self._years: dict[int, _Year] = {}
        self._lock = threading.Lock()
        self._source = None  # the holidays package's object, made on first use

    @property
    def overrides(self) -> tuple[CalendarOverride, ...]:
        return tuple(sorted(self._overrides.values(), key=lambda o: o.day))

    # --- the year table -------------------------------------------------------------------------

    def _year(self, year: int) -> _Year:
        cached = self._years.get(year)
        if cached is None:
            with self._lock:
                cached = self._years.get(year)
                if cached is None:
                    cached = self._years[year] = self._build_year(year)
        return cached

    def _package_data(self, year: int) -> tuple[dict[date, str], set[date]]:
        """The package's holidays of ``year`` (Vietnamese names) and its worked Saturdays."""
        import holidays  # imported late: start-up does not pay for it

        if self._source is None:
            self._source = holidays.country_holidays("VN", language="vi")
        source = self._source
        # a swap may be declared with the neighbouring year (a Saturday of early January
        # worked for a day off in late December): load the neighbours too
        for y in (year - 1, year, year + 1):
            if MINYEAR <= y <= MAXYEAR:
                source.get(date(y, 1, 1))
        names = {d: source[d] for d in source if d.year == year}
        workdays = {d for d in source.weekend_workdays if d.year == year}
        return names, workdays

    def _build_year(self, year: int) -> _Year:
        names, workdays = self._package_data(year)
        reasons: dict[date, str] = {}
        first = date(year, 1, 1)
        for offset in range((date(year, 12, 31) - first).days + 1):
            day = first + timedelta(days=offset)
            if day in workdays:
                continue
            if day in names:
                reasons[day] = names[day]
            elif day.weekday() in _WEEKEND_NAMES:
                reasons[day] = _WEEKEND_NAMES[day.weekday()]
        for override in self._overrides.values():
            if override.day.year != year:
                continue
            if override.kind == OFF:
                reasons[override.day] = override.note or _OVERRIDE_OFF_DEFAULT
            else:
                reasons.pop(override.day, None)
        return _Year(off=frozenset(reasons), reasons=reasons)

    # --- days -----------------------------------------------------------------------------------

    @staticmethod
    def _check_date(d: date) -> date:
        if isinstance(d, datetime) or not isinstance(d, date):
            raise TypeError(f"expected a date, got {d!r}")
        return d

    def is_working_day(self, d: date) -> bool:
        """True when the office works on ``d``.

        >>> cal = WorkingCalendar()
        >>> cal.is_working_day(date(2026, 8, 22)), cal.is_working_day(date(2026, 8, 31))
        (True, False)
        """
        return d not in self._year(self._check_date(d).year).off

    def day_off_reason(self, d: date) -> str | None:
        """Why ``d`` is not a working day (a holiday's name, "Thứ Bảy", "Chủ nhật", an
        override's note), or None on a working day.

        >>> cal = WorkingCalendar([CalendarOverride(date(2026, 6, 1), "off", "Bầu cử")])
        >>> [cal.day_off_reason(date(2026, 6, day)) for day in (1, 6, 2)]
        ['Bầu cử', 'Thứ Bảy', None]
        """
        return self._year(self._check_date(d).year).reasons.get(d)

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after ``d``.

        >>> WorkingCalendar().next_working_day(date(2026, 4, 29))
        datetime.date(2026, 5, 4)
        """
        return self._step(self._check_date(d), +1)

    def previous_working_day(self, d: date) -> date:
        """The last working day strictly before ``d``.

        >>> WorkingCalendar().previous_working_day(date(2026, 5, 4))
        datetime.date(2026, 4, 29)
        """
        return self._step(self._check_date(d), -1)

    def _step(self, d: date, direction: int) -> date:
        delta = _ONE_DAY if direction > 0 else -_ONE_DAY
        for _ in range(_MAX_DAYS_OFF_IN_A_ROW + 1):
            d += delta
            if d not in self._year(d.year).off:
                return d
        raise ValueError(
            f"Không có ngày làm việc nào trong {_MAX_DAYS_OFF_IN_A_ROW} ngày liền: "
            "hãy kiểm tra bảng điều chỉnh lịch làm việc"
        )

    def add_working_days(self, d: date, n: int) -> date:
        """The ``n``-th working day after ``d`` (``n`` = 0: ``d`` itself; negative: before).

        >>> cal = WorkingCalendar()
        >>> cal.add_working_days(date(2026, 4, 24), 3)   # 27/4 Giỗ Tổ (bù), 30/4, 1/5 off
        datetime.date(2026, 5, 4)
        >>> cal.add_working_days(date(2026, 5, 4), -3)
        datetime.date(2026, 4, 24)
        """
        self._check_date(d)
        direction = 1 if n >= 0 else -1
        for _ in range(abs(n)):
            d = self._step(d, direction)
        return d

    def working_days_between(self, a: date, b: date) -> int:
        """How many working days lie in (a, b]; negative when ``b`` is before ``a``.

        >>> WorkingCalendar().working_days_between(date(2026, 2, 13), date(2026, 2, 23))
        1
        """
        self._check_date(a)
        self._check_date(b)
        if b < a:
            return -self.working_days_between(b, a)
        count = 0
        first = a + _ONE_DAY
        while first <= b:  # one calendar year at a time: days in the span minus days off
            last = min(b, date(first.year, 12, 31))
            off = self._year(first.year).off
            count += (last - first).days + 1 - sum(1 for d in off if first <= d <= last)
            first = last + _ONE_DAY
        return count

    # --- appointments ---------------------------------------------------------------------------

    def start_of_counting(self, received_at: datetime) -> datetime:
        """When the time limit starts for a dossier received at ``received_at`` (local time).

        Received on a working day before the cut-off (and before closing): from then, or
        from opening time if earlier. Otherwise: from opening time of the next working day.

        >>> cal = WorkingCalendar()
        >>> cal.start_of_counting(datetime(2026, 11, 23, 6, 50, tzinfo=VN_TZ)).isoformat()
        '2026-11-23T07:30:00+07:00'
        >>> cal.start_of_counting(datetime(2026, 11, 23, 15, 1, tzinfo=VN_TZ)).isoformat()
        '2026-11-25T07:30:00+07:00'
        """
        t = require_aware(received_at).astimezone(VN_TZ)
        hours = self.hours
        moment = t.time().replace(tzinfo=None)
        if (
            self.is_working_day(t.date())
            and moment < hours.end
            and (hours.cutoff is None or moment < hours.cutoff)
        ):
            return max(t, datetime.combine(t.date(), hours.start, tzinfo=VN_TZ))
        return datetime.combine(self.next_working_day(t.date()), hours.start, tzinfo=VN_TZ)

    def outside_hours(self, at: datetime) -> str | None:
        """Why ``at`` is outside the unit's reception hours (the time limit then starts later),
        or None within them.

        >>> cal = WorkingCalendar()
        >>> [cal.outside_hours(datetime(2026, 11, d, h, m, tzinfo=VN_TZ)) for d, h, m in
        ...  ((23, 9, 0), (23, 6, 50), (23, 15, 1), (23, 17, 30), (28, 9, 0))]
        [None, 'trước giờ làm việc (07:30)', 'sau giờ chốt nhận hồ sơ trong ngày (15:00)', \
'sau giờ làm việc (17:00)', 'ngày nghỉ (Thứ Bảy)']
        """
        t = require_aware(at).astimezone(VN_TZ)
        hours, moment = self.hours, t.time().replace(tzinfo=None)
        if not self.is_working_day(t.date()):
            return f"ngày nghỉ ({self.day_off_reason(t.date()) or 'điều chỉnh'})"
        if moment < hours.start:
            return f"trước giờ làm việc ({hours.start:%H:%M})"
        if moment >= hours.end:
            return f"sau giờ làm việc ({hours.end:%H:%M})"
        if hours.cutoff is not None and moment >= hours.cutoff:
            return f"sau giờ chốt nhận hồ sơ trong ngày ({hours.cutoff:%H:%M})"
        return None

    def appointment(self, received_at: datetime, days: int, hours: int = 0) -> datetime:
        """The appointment (an aware datetime in Asia/Ho_Chi_Minh) for a dossier received at
        ``received_at`` with a time limit of ``days`` working days plus ``hours`` working hours.

        Counting starts as :meth:`start_of_counting` says; ``days`` working days are added at
        the same time of day, then ``hours`` are spent inside office hours of working days,
        rolling over to the next working day's opening when closing time is passed.

        >>> cal = WorkingCalendar()
        >>> friday = datetime(2026, 11, 27, 14, 0, tzinfo=VN_TZ)
        >>> cal.appointment(friday, 0, 4).isoformat()      # 3 h on Friday, 1 h on Monday
        '2026-11-30T08:30:00+07:00'
        >>> cal.appointment(datetime(2026, 11, 27, 14, 0), 1)
        Traceback (most recent call last):
        ...
        ValueError: naive datetime: 2026-11-27 14:00:00
        """
        require_aware(received_at)
        if days < 0 or hours < 0:
            raise ValueError(f"Thời hạn giải quyết không được âm: {days} ngày, {hours} giờ")
        start = self.start_of_counting(received_at)
        day = self.add_working_days(start.date(), days)
        current = datetime.combine(day, start.timetz())
        remaining = timedelta(hours=hours)
        while remaining > timedelta(0):
            closing = datetime.combine(current.date(), self.hours.end, tzinfo=VN_TZ)
            available = closing - current
            if remaining <= available:
                current += remaining
                break
            remaining -= available
            current = datetime.combine(self.next_working_day(current.date()), self.hours.start, tzinfo=VN_TZ)
        return current
