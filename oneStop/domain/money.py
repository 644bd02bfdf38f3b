"""Money: whole đồng in an ``int``, bounded in one place.

Every amount the program takes (a fee typed at the counter — at reception, with the supplement
or with the result — or imported with the catalog, a postal fee, a financial obligation) is a whole number of đồng from 0 to :data:`MAX_DONG`
(10^12, a thousand billion): larger numbers are typing mistakes, and SQLite's integers and
the printed forms could not hold numbers like 2^63 or 1e300.

>>> validate("20000", "fee"), validate(0, "fee")
(20000, 0)
>>> validate(2**63, "fee")
Traceback (most recent call last):
...
oneStop.domain.errors.InvalidFormat: Phí, lệ phí: phải từ 0 đến 1.000.000.000.000 đồng
>>> validate("1e300", "amount")
Traceback (most recent call last):
...
oneStop.domain.errors.InvalidFormat: Số tiền: phải là số đồng nguyên, không âm
"""

from __future__ import annotations

from typing import Any

from oneStop.domain.errors import InvalidFormat

MAX_DONG = 10**12
_MAX_WORDS = f"{MAX_DONG:,}".replace(",", ".")


def in_range(amount: int) -> bool:
    return 0 <= amount <= MAX_DONG


def validate(value: Any, field: str) -> int:
    """A whole, non-negative amount of đồng no larger than :data:`MAX_DONG`, or InvalidFormat."""
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        raise InvalidFormat(field, "phải là số đồng nguyên, không âm")
    if isinstance(value, str):
        text = value.strip()
        if not text.isascii() or not text.isdigit() or len(text) > 20:
            raise InvalidFormat(field, "phải là số đồng nguyên, không âm")
        value = int(text)
    try:
        amount = int(value)
    except (TypeError, ValueError, OverflowError):
        raise InvalidFormat(field, "phải là số đồng nguyên, không âm") from None
    if not in_range(amount):
        raise InvalidFormat(field, f"phải từ 0 đến {_MAX_WORDS} đồng")
    return amount
