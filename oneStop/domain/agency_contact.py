"""The agency's look-up website and hotline, as the receipt prints them ("Tra cứu hồ sơ tại: …",
"Đường dây nóng: …"): checked before they are stored, as typed by an administrator."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from oneStop.domain import phone
from oneStop.domain.errors import InvalidFormat, InvalidPhone
from oneStop.domain.text import clean

LOOKUP_URL_MAX = 200
HOTLINE_MAX = 30

#: service numbers (tổng đài): 1800/1900 followed by 4 or 6 digits, or a short 1022-style number
_SERVICE = re.compile(r"(?:1[89]00\d{4}(?:\d{2})?|1\d{3})")
_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}|localhost")


def lookup_url(value: str | None) -> str:
    """An http(s) address of at most 200 characters, or "" (none printed).

    >>> lookup_url(" https://dichvucong.thanhhoa.gov.vn/tra-cuu ")
    'https://dichvucong.thanhhoa.gov.vn/tra-cuu'
    >>> lookup_url("dichvucong.gov.vn")
    Traceback (most recent call last):
    ...
    oneStop.domain.errors.InvalidFormat: Địa chỉ tra cứu hồ sơ: phải bắt đầu bằng http:// hoặc https://
    """
    text = clean(value, "lookup_url", max_len=LOOKUP_URL_MAX)
    if not text:
        return ""
    if " " in text:
        raise InvalidFormat("lookup_url", "không được có khoảng trắng")
    try:
        parts = urlsplit(text)
    except ValueError:
        raise InvalidFormat("lookup_url", "không phải một địa chỉ trang web") from None
    if parts.scheme.lower() not in ("http", "https") or not text.lower().startswith(("http://", "https://")):
        raise InvalidFormat("lookup_url", "phải bắt đầu bằng http:// hoặc https://")
    host = parts.hostname or ""
    if not _HOST.fullmatch(host) or parts.username is not None or parts.password is not None:
        raise InvalidFormat("lookup_url", "tên miền không hợp lệ (ví dụ https://dichvucong.gov.vn)")
    return text


def hotline(value: str | None) -> str:
    """A telephone number (mobile or landline, as :mod:`oneStop.domain.phone` checks it) or a
    service number such as 1900 1234; kept as typed (its spaces help the reader), or "".

    >>> hotline(" 0237 3852 123 ")
    '0237 3852 123'
    >>> hotline("1900 8198")
    '1900 8198'
    >>> hotline("12345")
    Traceback (most recent call last):
    ...
    oneStop.domain.errors.InvalidPhone: Đường dây nóng: phải là số điện thoại (10 hoặc 11 chữ số) hoặc số tổng đài 1800/1900
    """
    text = clean(value, "hotline", max_len=HOTLINE_MAX)
    if not text:
        return ""
    number = phone.compact(text)
    if _SERVICE.fullmatch(number):
        return text
    try:
        phone.validate(text, "hotline")
    except InvalidPhone as exc:
        if number.startswith("1") or not number.startswith(("0", "84")):
            raise InvalidPhone("hotline", "phải là số điện thoại (10 hoặc 11 chữ số) hoặc số tổng đài 1800/1900") from None
        raise exc
    return text


