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


# --- other formats: a small pattern language, matched in linear time ---------------------------

FORMAT_MAX_CHARS = 100  # one pattern
FORMATS_MAX = 10  # patterns in the setting
FORMAT_MAX_LENGTH = 40  # characters a pattern may match
_DIGITS = frozenset("0123456789")
_ALNUM = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def _format_error(pattern: str, problem: str) -> InvalidFormat:
    return InvalidFormat("setting", f"dạng số hiệu «{pattern[:40]}»: {problem}")


def compile_format(pattern: str) -> tuple[frozenset[str], ...]:
    """An administrator's tracking-number format as the list of what each position takes
    (optional positions marked), or :class:`InvalidFormat` naming the setting.

    The language is a small part of the regular expressions: letters and digits stand for
    themselves, ``\\d`` a digit, ``.`` a letter or digit, ``[A-Z0-9]`` a set, each optionally
    followed by ``{n}``, ``{n,m}`` or ``?``; ``^`` and ``$`` at the ends are allowed. No groups,
    no ``|``, ``*`` or ``+``: a pattern can never take long to match (no catastrophic
    backtracking) nor fail to compile at scan time.

    >>> len(compile_format(r"VNP\\d{10}"))
    13
    >>> compile_format("(A+)+$")
    Traceback (most recent call last):
    ...
    oneStop.domain.errors.InvalidFormat: Thiết lập: dạng số hiệu «(A+)+$»: ký tự «(» ở vị trí 1 không được dùng (chỉ chữ, số, \\d, ., [...], {n}, {n,m}, ?)
    """
    text = pattern.strip()
    if len(text) > FORMAT_MAX_CHARS:
        raise _format_error(pattern, f"dài quá {FORMAT_MAX_CHARS} ký tự")
    body = text[1:] if text.startswith("^") else text
    body = body[:-1] if body.endswith("$") and not body.endswith("\\$") else body
    if not body:
        raise _format_error(pattern, "trống")
    atoms: list[tuple[frozenset[str], bool]] = []
    i = 0
    while i < len(body):
        ch = body[i]
        start = i
        if ch == "\\" and body[i + 1:i + 2] == "d":
            charset, i = _DIGITS, i + 2
        elif ch == ".":
            charset, i = _ALNUM, i + 1
        elif ch == "[":
            end = body.find("]", i)
            if end < 0:
                raise _format_error(pattern, "thiếu dấu ]")
            charset, i = _char_set(pattern, body[i + 1:end]), end + 1
        elif ch.upper() in _ALNUM and ch.isascii():
            charset, i = frozenset(ch.upper()), i + 1
        else:
            raise _format_error(pattern, f"ký tự «{ch}» ở vị trí {start + 1} không được dùng "
                                         "(chỉ chữ, số, \\d, ., [...], {n}, {n,m}, ?)")
        low = high = 1
        if body[i:i + 1] == "?":
            low, i = 0, i + 1
        elif body[i:i + 1] == "{":
            end = body.find("}", i)
            counts = body[i + 1:end].split(",") if end > 0 else []
            if not 1 <= len(counts) <= 2 or not all(c.strip().isdigit() and c.strip().isascii() for c in counts):
                raise _format_error(pattern, f"số lần lặp ở vị trí {i + 1} phải có dạng {{n}} hoặc {{n,m}}")
            low, high = int(counts[0]), int(counts[-1])
            if low > high or high > FORMAT_MAX_LENGTH:
                raise _format_error(pattern, f"số lần lặp phải từ 0 đến {FORMAT_MAX_LENGTH}, n không lớn hơn m")
            i = end + 1
        atoms.extend([(charset, True)] * low + [(charset, False)] * (high - low))
        if len(atoms) > FORMAT_MAX_LENGTH:
            raise _format_error(pattern, f"khớp số hiệu dài quá {FORMAT_MAX_LENGTH} ký tự")
    return tuple(c if required else c | {""} for c, required in atoms)


def _char_set(pattern: str, spec: str) -> frozenset[str]:
    chars: set[str] = set()
    i = 0
    while i < len(spec):
        if spec[i:i + 2] == "\\d":
            chars |= _DIGITS
            i += 2
        elif i + 2 < len(spec) and spec[i + 1] == "-" and spec[i].upper() in _ALNUM and spec[i + 2].upper() in _ALNUM:
            a, b = spec[i].upper(), spec[i + 2].upper()
            if a > b or a.isdigit() != b.isdigit():
                raise _format_error(pattern, f"khoảng «{spec[i:i + 3]}» không hợp lệ")
            chars |= {chr(c) for c in range(ord(a), ord(b) + 1)}
            i += 3
        elif spec[i].upper() in _ALNUM and spec[i].isascii():
            chars.add(spec[i].upper())
            i += 1
        else:
            raise _format_error(pattern, f"ký tự «{spec[i]}» trong [...] không được dùng (chỉ chữ, số, \\d, A-Z)")
    if not chars:
        raise _format_error(pattern, "[...] trống")
    return frozenset(chars)


def parse_formats(value: str) -> list[tuple[frozenset[str], ...]]:
    """Every format of the setting (separated by ``;``), or :class:`InvalidFormat`."""
    patterns = [p.strip() for p in (value or "").split(";") if p.strip()]
    if len(patterns) > FORMATS_MAX:
        raise InvalidFormat("setting", f"tối đa {FORMATS_MAX} dạng số hiệu")
    return [compile_format(p) for p in patterns]


def matches_format(compiled: tuple[frozenset[str], ...], number: str) -> bool:
    """Whether ``number`` (compact) matches, by walking every position at once: linear time.

    >>> matches_format(compile_format("VN[0-9]{2,3}X?"), "VN123"), matches_format(compile_format(r"VN\\d{2}"), "VN1")
    (True, False)
    """
    if len(number) > len(compiled):
        return False
    states = _skip_optional(compiled, {0})
    for ch in number:
        states = _skip_optional(compiled, {s + 1 for s in states if s < len(compiled) and ch in compiled[s]})
        if not states:
            return False
    return len(compiled) in states


def _skip_optional(compiled: tuple[frozenset[str], ...], states: set[int]) -> set[int]:
    out = set(states)
    for s in sorted(states):
        while s < len(compiled) and "" in compiled[s]:
            s += 1
            out.add(s)
    return out


def _usable(patterns: Iterable[str]) -> list[tuple[frozenset[str], ...]]:
    """The formats that compile; a bad one stored before formats were checked is skipped."""
    usable = []
    for pattern in patterns:
        try:
            if pattern and pattern.strip():
                usable.append(compile_format(pattern))
        except InvalidFormat:
            continue
    return usable


def validate(number: str, other_formats: Iterable[str] = ()) -> str:
    """An S10 number with a correct check digit, or a number matching one of the
    administrator's ``other_formats`` (see :func:`compile_format`) over the compact form.

    >>> validate("VNP-2026-000123", other_formats=[r"VNP\\d{10}"])
    'VNP2026000123'
    """
    number = compact(number)
    if not number:
        raise InvalidFormat(FIELD, "không được để trống")
    if _S10.fullmatch(number):
        return validate_s10(number)
    for compiled in _usable(other_formats):
        if matches_format(compiled, number):
            return number
    return validate_s10(number)  # raises with the S10 explanation


def is_valid(number: str, other_formats: Iterable[str] = ()) -> bool:
    try:
        validate(number, other_formats)
        return True
    except InvalidFormat:
        return False
