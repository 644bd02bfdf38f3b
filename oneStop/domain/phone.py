"""Vietnamese phone numbers: 10-digit mobiles and 11-digit landlines (02x…).

Numbers are stored compact and national ("0912345678"); "+84", "0084" and "84" become "0".
The mobile prefixes in use are data (:data:`MOBILE_PREFIXES`): when carriers open a new
one, pass a longer tuple as ``mobile_prefixes``.

>>> validate("+84 912.345.678")
'0912345678'
>>> format("0912345678")
'0912 345 678'
>>> mask("0912345678")
'0912****78'
>>> validate("0112345678")
Traceback (most recent call last):
...
oneStop.domain.errors.InvalidPhone: Số điện thoại: đầu số 011 không phải đầu số di động đang dùng
"""

from __future__ import annotations

import re
from collections.abc import Collection

from oneStop.domain.errors import InvalidPhone, ValidationError

__all__ = [
    "MOBILE_PREFIXES",
    "LANDLINE_PREFIX",
    "compact",
    "validate",
    "is_valid",
    "is_mobile",
    "format",
    "mask",
]

#: The 3-digit mobile prefixes in use (after the 2018 move from 11 to 10 digits).
MOBILE_PREFIXES: tuple[str, ...] = (
    "032", "033", "034", "035", "036", "037", "038", "039",
    "052", "055", "056", "058", "059",
    "070", "076", "077", "078", "079",
    "081", "082", "083", "084", "085", "086", "087", "088", "089",
    "090", "091", "092", "093", "094", "095", "096", "097", "098", "099",
)  # fmt: skip
#: Landlines: 11 digits starting with this (area code 02x or 02xx, then the subscriber).
LANDLINE_PREFIX = "02"
MOBILE_LENGTH = 10
LANDLINE_LENGTH = 11
#: Area codes followed by an 8-digit subscriber number (Hà Nội, TP Hồ Chí Minh).
_SHORT_AREA_CODES = ("024", "028")

_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015()/]+")


def compact(s: str) -> str:
    """The number without separators, in national form.

    >>> compact("(+84) 91-234-5678"), compact("0084 243 825 1234"), compact("84912345678")
    ('0912345678', '02438251234', '0912345678')
    >>> compact("+84 (0) 912 345 678")
    '0912345678'
    """
    number = _SEPARATORS.sub("", s or "")
    if number.startswith("+84"):
        number = "0" + number[3:]
    elif number.startswith("0084"):
        number = "0" + number[4:]
    elif number.startswith("84") and len(number) in (MOBILE_LENGTH + 1, LANDLINE_LENGTH + 1):
        number = "0" + number[2:]
    else:
        return number
    if number.startswith("00"):  # "+84 (0) 912…": the trunk 0 written after the country code
        number = number[1:]
    return number


def validate(s: str, field: str = "phone", *, mobile_prefixes: Collection[str] = MOBILE_PREFIXES) -> str:
    """Return the compact number, or raise :class:`InvalidPhone` naming ``field``.

    >>> validate("024 3825 1234")
    '02438251234'
    >>> validate("09123456", "phone")
    Traceback (most recent call last):
    ...
    oneStop.domain.errors.InvalidPhone: Số điện thoại: phải gồm 10 chữ số (di động) hoặc 11 chữ số (cố định, bắt đầu bằng 02), đã nhập 8 chữ số
    """
    if not isinstance(s, str):
        raise InvalidPhone(field, "phải là dãy chữ số")
    number = compact(s)
    if not number:
        raise InvalidPhone(field, "không được để trống")
    if not all("0" <= ch <= "9" for ch in number):
        raise InvalidPhone(field, "chỉ được gồm các chữ số 0–9 (có thể bắt đầu bằng +84)")
    if not number.startswith("0"):
        raise InvalidPhone(field, "phải bắt đầu bằng 0 hoặc +84")
    if len(number) == MOBILE_LENGTH and not number.startswith(LANDLINE_PREFIX):
        if number[:3] not in mobile_prefixes:
            raise InvalidPhone(field, f"đầu số {number[:3]} không phải đầu số di động đang dùng")
        return number
    if len(number) == LANDLINE_LENGTH and number.startswith(LANDLINE_PREFIX):
        return number
    if len(number) == LANDLINE_LENGTH:
        raise InvalidPhone(field, "số cố định 11 chữ số phải bắt đầu bằng 02 (mã vùng)")
    raise InvalidPhone(
        field,
        f"phải gồm {MOBILE_LENGTH} chữ số (di động) hoặc {LANDLINE_LENGTH} chữ số "
        f"(cố định, bắt đầu bằng {LANDLINE_PREFIX}), đã nhập {len(number)} chữ số",
    )


def is_valid(s: str, *, mobile_prefixes: Collection[str] = MOBILE_PREFIXES) -> bool:
    """True when ``s`` is a valid mobile or landline number.

    >>> is_valid("0912 345 678"), is_valid("12345"), is_valid(None)
    (True, False, False)
    """
    try:
        validate(s, mobile_prefixes=mobile_prefixes)
    except ValidationError:
        return False
    return True


def is_mobile(s: str, *, mobile_prefixes: Collection[str] = MOBILE_PREFIXES) -> bool:
    """True for a valid mobile number (one that can receive an SMS).

    >>> is_mobile("0912345678"), is_mobile("02438251234")
    (True, False)
    """
    return is_valid(s, mobile_prefixes=mobile_prefixes) and len(compact(s)) == MOBILE_LENGTH


def format(s: str) -> str:  # noqa: A001 - the python-stdnum verb
    """The number grouped for printing: "0912 345 678", "024 3825 1234", "0237 385 1234".

    Something that is not a phone number comes back compacted, ungrouped.

    >>> format("+84912345678"), format("02438251234"), format("02373851234")
    ('0912 345 678', '024 3825 1234', '0237 385 1234')
    """
    number = compact(s)
    if not number.isascii() or not number.isdigit():
        return number
    if len(number) == MOBILE_LENGTH:
        return f"{number[:4]} {number[4:7]} {number[7:]}"
    if len(number) == LANDLINE_LENGTH and number.startswith(LANDLINE_PREFIX):
        if number[:3] in _SHORT_AREA_CODES:
            return f"{number[:3]} {number[3:7]} {number[7:]}"
        return f"{number[:4]} {number[4:7]} {number[7:]}"
    return number


def mask(s: str) -> str:
    """The number with its middle hidden (first 4 and last 2 digits shown), for lists.

    >>> mask("+84 912 345 678"), mask("02438251234"), mask("")
    ('0912****78', '0243*****34', '')
    """
    number = compact(s)
    if len(number) <= 6:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 6) + number[-2:]
