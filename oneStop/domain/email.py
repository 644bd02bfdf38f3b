"""E-mail addresses, checked pragmatically (the shape people actually use, not all of RFC 5322).

The domain is lower-cased; the local part is kept as typed.

>>> validate("  Nguyen.Van.An@Gmail.COM ")
'Nguyen.Van.An@gmail.com'
>>> validate("an@gmail")
Traceback (most recent call last):
...
oneStop.domain.errors.InvalidEmail: Thư điện tử: tên miền «gmail» không hợp lệ
"""

from __future__ import annotations

import re

from oneStop.domain.errors import InvalidEmail, ValidationError

__all__ = ["MAX_LENGTH", "compact", "validate", "is_valid"]

MAX_LENGTH = 254
MAX_LOCAL_LENGTH = 64

_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"(?:{_LABEL}\.)+(?:[a-z]{{2,63}}|xn--[a-z0-9-]{{1,59}})")


def compact(s: str) -> str:
    """The address without surrounding spaces or a pasted "mailto:".

    >>> compact(" mailto:an@gmail.com ")
    'an@gmail.com'
    """
    value = (s or "").strip()
    if value[:7].lower() == "mailto:":
        value = value[7:].strip()
    return value


def validate(s: str, field: str = "email") -> str:
    """Return the address with its domain lower-cased, or raise :class:`InvalidEmail`.

    >>> validate("ten@ubnd.quangphu.thanhhoa.gov.vn", "email")
    'ten@ubnd.quangphu.thanhhoa.gov.vn'
    >>> validate("an.@gmail.com")
    Traceback (most recent call last):
    ...
    oneStop.domain.errors.InvalidEmail: Thư điện tử: phần trước @ «an.» không hợp lệ
    """
    if not isinstance(s, str):
        raise InvalidEmail(field, "phải là văn bản")
    value = compact(s)
    if not value:
        raise InvalidEmail(field, "không được để trống")
    if len(value) > MAX_LENGTH:
        raise InvalidEmail(field, f"dài quá {MAX_LENGTH} ký tự")
    if any(ch.isspace() for ch in value):
        raise InvalidEmail(field, "không được chứa dấu cách")
    if "@" not in value:
        raise InvalidEmail(field, "thiếu ký tự @ (ví dụ: ten@gmail.com)")
    if value.count("@") > 1:
        raise InvalidEmail(field, "chỉ được có một ký tự @")
    local, domain = value.split("@")
    if not value.isascii():
        raise InvalidEmail(field, "chỉ được dùng chữ cái không dấu, chữ số và các ký tự . _ - +")
    if not local or len(local) > MAX_LOCAL_LENGTH or not _LOCAL.fullmatch(local):
        raise InvalidEmail(field, f"phần trước @ «{local}» không hợp lệ")
    domain = domain.lower()
    if not _DOMAIN.fullmatch(domain):
        raise InvalidEmail(field, f"tên miền «{domain}» không hợp lệ")
    return f"{local}@{domain}"


def is_valid(s: str) -> bool:
    """True when ``s`` is an acceptable e-mail address.

    >>> is_valid("an@gmail.com"), is_valid("an@@gmail.com"), is_valid(None)
    (True, False, False)
    """
    try:
        validate(s)
    except ValidationError:
        return False
    return True
