"""Reading and changing settings, with an event for every change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from oneStop import settings as S
from oneStop.domain.events import Kind
from oneStop.domain.models import User
from oneStop.domain.permissions import Permission
from oneStop.persistence.models import SettingRow
from oneStop.persistence.uow import UnitOfWork
from oneStop.services.base import UowFactory, authorize, can


def read_all(uow: UnitOfWork) -> dict[str, Any]:
    values = {key: setting.default for key, setting in S.REGISTRY.items()}
    for row in uow.session.scalars(select(SettingRow)):
        if row.key in values:
            values[row.key] = row.value
    return values


class SettingsService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow
        self._cache: dict[str, Any] | None = None
        self.changed_listeners: list = []

    def invalidate(self) -> None:
        """Forget the cached values (changed by a sync from another counter)."""
        self._cache = None

    def all(self) -> dict[str, Any]:
        if self._cache is None:
            with self._uow() as uow:
                self._cache = read_all(uow)
        return dict(self._cache)

    def get(self, setting: S.Setting | str) -> Any:
        key = setting if isinstance(setting, str) else setting.key
        S.get(key)
        return self.all()[key]

    def set(self, actor: User, setting: S.Setting | str, value: Any) -> Any:
        spec = S.get(setting if isinstance(setting, str) else setting.key)
        parsed = spec.parse(value)
        with self._uow(write=True) as uow:
            if spec.scope == "device" and not spec.admin_only and can(uow, actor, Permission.PRINT):
                authorize(uow, actor, Permission.PRINT)
            else:
                authorize(uow, actor, Permission.MANAGE_SETTINGS)
            row = uow.session.get(SettingRow, spec.key)
            old = row.value if row is not None else spec.default
            if row is None:
                uow.session.add(SettingRow(key=spec.key, value=parsed, updated_at=uow.now()))
            else:
                row.value = parsed
                row.updated_at = uow.now()
            uow.append(Kind.SETTING_CHANGED, actor.username, payload={"key": spec.key, "old": old, "new": parsed})
            uow.commit()
        self._cache = None
        for listener in self.changed_listeners:
            listener(spec.key)
        return parsed
