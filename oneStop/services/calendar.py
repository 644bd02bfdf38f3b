"""The working calendar in force: holidays from the ``holidays`` package, the administrator's
override table, and the working hours and cut-off from the settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta
from threading import Lock

from sqlalchemy import select

from oneStop import settings as S
from oneStop.domain.calendar import OFF, WORK, CalendarOverride, WorkHours, WorkingCalendar
from oneStop.domain.errors import InvalidFormat, ValidationError
from oneStop.domain.events import Kind
from oneStop.domain.models import User
from oneStop.domain.permissions import Permission
from oneStop.domain.text import clean
from oneStop.persistence.models import CalendarOverrideRow
from oneStop.services.base import UowFactory, authorize
from oneStop.services.settings_store import SettingsService


#: The reasons :class:`WorkingCalendar` gives for an ordinary weekend day (no holiday on it).
_PLAIN_WEEKEND = frozenset({"Thứ Bảy", "Chủ nhật"})
#: The years the ``holidays`` package and the window's year selector agree on.
FIRST_YEAR, LAST_YEAR = 1990, 2100


@dataclass(frozen=True)
class Holiday:
    """A day the law decides, before any override: a public holiday or a compensatory day
    off (``kind`` "off", ``name`` as the ``holidays`` package gives it in Vietnamese), or a
    weekend day worked in exchange (``kind`` "work")."""

    day: date
    kind: str
    name: str


def _hhmm(text: str) -> time:
    h, m = text.split(":")
    return time(int(h), int(m))


class CalendarService:
    def __init__(self, uow: UowFactory, settings: SettingsService) -> None:
        self._uow = uow
        self._settings = settings
        self._calendar: WorkingCalendar | None = None
        self._lock = Lock()
        settings.changed_listeners.append(lambda key: self.invalidate() if key.startswith("calendar.") else None)

    def invalidate(self) -> None:
        """Forget the cached calendar (the overrides or the hours changed, here or by sync)."""
        with self._lock:
            self._calendar = None

    def calendar(self) -> WorkingCalendar:
        with self._lock:
            if self._calendar is None:
                values = self._settings.all()
                cutoff = values[S.CUTOFF.key]
                hours = WorkHours(
                    start=_hhmm(values[S.WORK_START.key]),
                    end=_hhmm(values[S.WORK_END.key]),
                    cutoff=_hhmm(cutoff) if cutoff else None,
                )
                self._calendar = WorkingCalendar(self.overrides(), hours)
            return self._calendar

    @staticmethod
    def holidays(year: int) -> list[Holiday]:
        """The public holidays of ``year`` as the program counts them before the administrator's
        overrides (those are :meth:`overrides`): the days off on a weekday or a weekend with their
        names, and the Saturdays worked in exchange. For the window, which shows what is already
        counted so that nobody enters a holiday twice.

        >>> [(h.day.isoformat(), h.kind) for h in CalendarService.holidays(2026) if h.day.month in (8, 9)]
        [('2026-08-22', 'work'), ('2026-08-31', 'off'), ('2026-09-01', 'off'), ('2026-09-02', 'off')]
        """
        if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValidationError("date", f"năm phải từ {FIRST_YEAR} đến {LAST_YEAR}")
        statutory = WorkingCalendar()  # no overrides: the law alone (hours play no part in days)
        days: list[Holiday] = []
        day = date(year, 1, 1)
        while day.year == year:
            reason = statutory.day_off_reason(day)
            weekend = day.weekday() >= 5
            if reason is not None and not (weekend and reason in _PLAIN_WEEKEND):
                days.append(Holiday(day, OFF, reason))
            elif reason is None and weekend:
                days.append(Holiday(day, WORK, "Ngày làm việc bù (theo lịch nghỉ của Nhà nước)"))
            day += timedelta(days=1)
        return days

    def overrides(self) -> list[CalendarOverride]:
        with self._uow() as uow:
            rows = uow.session.scalars(select(CalendarOverrideRow).order_by(CalendarOverrideRow.day))
            return [CalendarOverride(r.day, r.kind, r.note) for r in rows]

    def set_override(self, actor: User, day: date, kind: str, note: str = "") -> CalendarOverride:
        if kind not in ("off", "work"):
            raise InvalidFormat("date", "loại ngày phải là 'off' (nghỉ) hoặc 'work' (làm việc bù)")
        note = clean(note, "notes", max_len=200)
        with self._uow(write=True) as uow:
            authorize(uow, actor, Permission.MANAGE_SETTINGS)
            row = uow.session.get(CalendarOverrideRow, day)
            if row is None:
                uow.session.add(CalendarOverrideRow(day=day, kind=kind, note=note))
            else:
                row.kind, row.note = kind, note
            uow.append(Kind.CALENDAR_OVERRIDE_SET, actor.username,
                       payload={"day": day.isoformat(), "kind": kind, "note": note})
            uow.commit()
        self.invalidate()
        return CalendarOverride(day, kind, note)

    def remove_override(self, actor: User, day: date) -> None:
        with self._uow(write=True) as uow:
            authorize(uow, actor, Permission.MANAGE_SETTINGS)
            row = uow.session.get(CalendarOverrideRow, day)
            if row is not None:
                uow.session.delete(row)
                uow.append(Kind.CALENDAR_OVERRIDE_REMOVED, actor.username, payload={"day": day.isoformat()})
                uow.commit()
        self.invalidate()
