"""Reading and changing settings, with an event for every change.

A setting declared ``next_day`` (the dossier numbers' block and digits) changes from the next
day: the day's codes on every counter come from one block, fixed when the first is issued."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Callable, NamedTuple

from sqlalchemy import select

from oneStop import settings as S
from oneStop.domain.clock import local_date, utcnow
from oneStop.domain.events import Kind
from oneStop.domain.models import User
from oneStop.domain.permissions import Permission
from oneStop.persistence.settings_repo import Stored, read_all, read_stored, store
from oneStop.persistence.uow import UnitOfWork
from oneStop.services.base import UowFactory, authorize, can


class Change(NamedTuple):
    """What ``SettingsService.set`` did: the value, and the day it takes effect (None: now)."""

    value: Any
    takes_effect: date | None
    in_force: Any  # the value in force until then


class SettingsService:
    def __init__(self, uow: UowFactory, clock: Callable[[], datetime] = utcnow) -> None:
        self._uow = uow
        self._clock = clock
        self._cache: dict[str, Stored] | None = None
        self.changed_listeners: list = []

    def invalidate(self) -> None:
        """Forget the cached values (changed by a sync from another counter)."""
        self._cache = None

    def _stored(self) -> dict[str, Stored]:
        cache = self._cache
        if cache is None:
            with self._uow() as uow:
                cache = self._cache = read_stored(uow)
        return cache

    def all(self, day: date | None = None) -> dict[str, Any]:
        """Every setting's value in force on ``day`` (today by default)."""
        day = day or local_date(self._clock())
        return {key: stored.on(day) for key, stored in self._stored().items()}

    def pending(self) -> dict[str, tuple[Any, date]]:
        """Changes not yet in force: key → (value, the day it takes effect)."""
        today = local_date(self._clock())
        return {key: (s.value, s.takes_effect) for key, s in self._stored().items()
                if s.takes_effect is not None and today < s.takes_effect}

    def get(self, setting: S.Setting | str) -> Any:
        key = setting if isinstance(setting, str) else setting.key
        S.get(key)
        return self.all()[key]

    def set(self, actor: User, setting: S.Setting | str, value: Any) -> Any:
        return self.change(actor, setting, value).value

    def change(self, actor: User, setting: S.Setting | str, value: Any) -> Change:
        """Change a setting. One declared ``next_day`` takes effect from tomorrow (today's codes
        keep today's block on every counter)."""
        spec = S.get(setting if isinstance(setting, str) else setting.key)
        parsed = spec.parse(value)
        with self._uow(write=True) as uow:
            if spec.scope == "device" and not spec.admin_only and can(uow, actor, Permission.PRINT):
                authorize(uow, actor, Permission.PRINT)
            else:
                authorize(uow, actor, Permission.MANAGE_SETTINGS)
            today = local_date(uow.now())
            current = read_stored(uow)[spec.key]
            takes_effect = today + timedelta(days=1) if spec.next_day else None
            if spec.key == S.CODE_BLOCK_SIZE.key or spec.key == S.CODE_DIGITS.key:
                _check_blocks(uow, spec.key, parsed, read_all(uow, takes_effect))
            store(uow, spec, parsed, uow.now(), takes_effect)
            payload = {"key": spec.key, "old": current.value, "new": parsed}
            if takes_effect is not None:
                payload["from"] = takes_effect.isoformat()
            uow.append(Kind.SETTING_CHANGED, actor.username, payload=payload)
            uow.commit()
        self._cache = None
        for listener in self.changed_listeners:
            listener(spec.key)
        return Change(parsed, takes_effect, current.on(today))


def _check_blocks(uow: UnitOfWork, key: str, value: int, values: dict[str, Any]) -> None:
    """Refuse a block size or digits that leave a known counter of the agency without numbers."""
    from oneStop.domain import codes
    from oneStop.domain.errors import ValidationError
    from oneStop.persistence.models import CounterRow

    values = {**values, key: value}
    block, digits = values[S.CODE_BLOCK_SIZE.key], values[S.CODE_DIGITS.key]
    highest = max(uow.session.scalars(select(CounterRow.number)), default=1)
    if highest > codes.max_counters(block, digits):
        raise ValidationError("setting", f"{S.get(key).help}: với khối {block} số và số thứ tự {digits} chữ số chỉ "
                                         f"có {codes.max_counters(block, digits)} quầy, mà cơ quan có quầy số {highest}")
