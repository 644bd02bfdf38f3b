"""Settings as stored: a value, and for a change that takes effect from a later day, the value
in force until then (the dossier numbers' block and digits change from the next day)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import select

from oneStop import settings as S
from oneStop.domain.clock import local_date
from oneStop.persistence.models import SettingRow
from oneStop.persistence.uow import UnitOfWork


class Stored(NamedTuple):
    """A setting as stored: its value, and the one in force before ``takes_effect``."""

    value: Any
    takes_effect: date | None = None
    previous: Any = None

    def on(self, day: date) -> Any:
        return self.previous if self.takes_effect is not None and day < self.takes_effect else self.value


def read_stored(uow: UnitOfWork) -> dict[str, Stored]:
    values = {key: Stored(setting.default) for key, setting in S.REGISTRY.items()}
    for row in uow.session.scalars(select(SettingRow)):
        if row.key in values:
            values[row.key] = Stored(row.value, row.takes_effect, row.previous)
    return values


def read_all(uow: UnitOfWork, day: date | None = None) -> dict[str, Any]:
    """Every setting's value in force on ``day`` (today by default)."""
    day = day or local_date(uow.now())
    return {key: stored.on(day) for key, stored in read_stored(uow).items()}


def store(uow: UnitOfWork, spec: S.Setting, value: Any, changed_at: datetime, takes_effect: date | None) -> None:
    """Write a setting; from ``takes_effect`` on, when given (the value in force the day before
    stays until then)."""
    row = uow.session.get(SettingRow, spec.key)
    if takes_effect is None:
        previous = None
    else:
        before = takes_effect - timedelta(days=1)
        previous = Stored(row.value, row.takes_effect, row.previous).on(before) if row else spec.default
    if row is None:
        uow.session.add(SettingRow(key=spec.key, value=value, updated_at=changed_at, takes_effect=takes_effect,
                                   previous=previous))
    else:
        row.value, row.updated_at, row.takes_effect, row.previous = value, changed_at, takes_effect, previous
