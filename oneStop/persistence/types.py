"""Column types that keep SQLite honest."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from oneStop.domain.events import canonical_json


def utc_instant(value: datetime) -> datetime:
    """``value`` in UTC; a naive datetime (an instant in no known zone) is refused."""
    if not isinstance(value, datetime):
        raise TypeError(f"UtcDateTime needs a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(f"naive datetime refused: {value!r}")
    return value.astimezone(UTC)


def sqlite_text(value: datetime | None) -> str | None:
    """The text SQLAlchemy stores in SQLite for a ``UtcDateTime`` (``YYYY-MM-DD HH:MM:SS.ffffff``
    in UTC, microseconds always written), made in one step instead of its two processors (the
    decorator's, then the dialect's ``%``-format of seven fields): bulk writes make hundreds of
    thousands of these. ``tests/core/test_bulk.py`` holds the two to the same text."""
    if value is None:
        return None
    if type(value) is datetime and value.tzinfo is UTC:  # most are: its text less the "+00:00"
        return value.isoformat(" ", "microseconds")[:-6]
    return utc_instant(value).replace(tzinfo=None).isoformat(" ", "microseconds")


class UtcDateTime(TypeDecorator[datetime]):
    """An instant stored in UTC. Refuses naive datetimes; returns aware UTC datetimes.

    SQLite keeps no time zone: the value is converted to UTC and stored without it, and the
    zone is put back on the way out. PostgreSQL gets ``timestamptz``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = utc_instant(value)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def bulk_processor(self, dialect: Dialect) -> Any:
        """For ``persistence.bulk``: one function from value to stored form, or ``None`` to use
        the usual processors."""
        return sqlite_text if dialect.name == "sqlite" else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class JsonText(TypeDecorator[Any]):
    """JSON kept as canonical text (sorted keys, NFC already applied by the caller)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return dumps(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return json.loads(value)


def dumps(value: Any) -> str:
    """Canonical JSON: the same data always gives the same text (used for content hashes)."""
    return canonical_json(value)
