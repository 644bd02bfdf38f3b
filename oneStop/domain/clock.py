"""Instants and business time.

Instants are stored in UTC; business dates and times are shown and computed in
Asia/Ho_Chi_Minh.

>>> from datetime import datetime
>>> to_local(datetime(2026, 1, 1, 17, 30, tzinfo=UTC)).isoformat()
'2026-01-02T00:30:00+07:00'
>>> require_aware(datetime(2026, 1, 1))
Traceback (most recent call last):
...
ValueError: naive datetime: 2026-01-01 00:00:00
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

__all__ = ["UTC", "VN_TZ", "utcnow", "to_local", "to_utc", "require_aware", "local_date"]


def utcnow() -> datetime:
    """The device clock as an aware UTC instant."""
    return datetime.now(UTC)


def require_aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValueError(f"naive datetime: {value}")
    return value


def to_local(value: datetime) -> datetime:
    """The instant in Vietnam's business time zone."""
    return require_aware(value).astimezone(VN_TZ)


def to_utc(value: datetime) -> datetime:
    return require_aware(value).astimezone(UTC)


def local_date(value: datetime) -> date:
    """The business date (Asia/Ho_Chi_Minh) of an instant."""
    return to_local(value).date()
