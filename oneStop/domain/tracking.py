"""Postal tracking numbers: UPU S10 (two letters, eight digits, a check digit, the country) in
the python-stdnum style, and other formats an administrator allows by setting.

>>> validate(" ee 471108151 fr ")
'EE471108151FR'
>>> calc_check_digit("00071761")
'8'
>>> is_valid("EB000717618HK"), is_valid("EB000717619HK")
(True, False)
>>> validate("EB000717619HK")
Traceback (most recent call last):
...
oneStop.domain.errors.InvalidFormat: Số hiệu bưu gửi: sai số kiểm tra (phải là 8, không phải 9)
"""

from __future__ import annotations

import re
from typing import Iterable

from oneStop.domain.errors import InvalidFormat

FIELD = "tracking"
_S10 = re.compile(r"[A-Z]{2}\d{9}[A-Z]{2}")
_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def compact(number: str) -> str:
    """Upper case without spaces, dashes or dots.

    >>> compact("rr 1234-5678-5 vn")
    'RR123456785VN'
    """
    return re.sub(r"[\s\-.]", "", number or "").upper()


def calc_check_digit(serial: str) -> str:
    """The S10 check digit of the eight-digit serial number.

    >>> calc_check_digit("47110815")
    '1'
    >>> calc_check_digit("12345678")
    '5'
    """
    if not re.fullmatch(r"\d{8}", serial):
        raise InvalidFormat(FIELD, "số sê-ri phải có 8 chữ số")
    c = 11 - sum(int(d) * w for d, w in zip(serial, _WEIGHTS)) % 11
    return {10: "0", 11: "5"}.get(c, str(c))


def validate_s10(number: str) -> str:
    number = compact(number)
    if not _S10.fullmatch(number):
        raise InvalidFormat(FIELD, "phải gồm 2 chữ cái, 9 chữ số và 2 chữ cái quốc gia, ví dụ RR123456785VN")
    expected = calc_check_digit(number[2:10])
    if number[10] != expected:
        raise InvalidFormat(FIELD, f"sai số kiểm tra (phải là {expected}, không phải {number[10]})")
    return number


def validate(number: str, other_formats: Iterable[str] = ()) -> str:
    """An S10 number with a correct check digit, or a number matching one of the
    administrator's ``other_formats`` (regular expressions over the compact form).

    >>> validate("VNP-2026-000123", other_formats=[r"VNP\\d{10}"])
    'VNP2026000123'
    """
    number = compact(number)
    if not number:
        raise InvalidFormat(FIELD, "không được để trống")
    if _S10.fullmatch(number):
        return validate_s10(number)
    for pattern in other_formats:
        if pattern and re.fullmatch(pattern, number):
            return number
    return validate_s10(number)  # raises with the S10 explanation


def is_valid(number: str, other_formats: Iterable[str] = ()) -> bool:
    try:
        validate(number, other_formats)
        return True
    except InvalidFormat:
        return False
