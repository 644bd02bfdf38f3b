"""The working calendar in force: holidays from the ``holidays`` package, the administrator's
override table, and the working hours and cut-off from the settings."""

from __future__ import annotations

from datetime import date, time
from threading import Lock

from sqlalchemy import select

from oneStop import settings as S
from oneStop.domain.calendar import CalendarOverride, WorkHours, WorkingCalendar
from oneStop.domain.errors import InvalidFormat
from oneStop.domain.events import Kind
from oneStop.domain.models import User
from oneStop.domain.permissions import Permission
from oneStop.domain.text import clean
from oneStop.persistence.models import CalendarOverrideRow
from oneStop.services.base import UowFactory, authorize
from oneStop.services.settings_store import SettingsService


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
