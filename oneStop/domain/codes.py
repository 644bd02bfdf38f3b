"""Agency codes and dossier codes (mã hồ sơ, Thông tư 01/2018/TT-VPCP).

A dossier code is ``<agency code>-<date>-<daily sequence>``: the receiving agency's
electronic identifier (:func:`validate_agency_code`: the 2025 form, top level first, up to 35
characters such as G12.18.112.001, or the 2018 form, the province last such as
000.17.22.H56), the date of receipt and a zero-padded
number that restarts every day. The date is written ``yymmdd`` (the circular) or
``yyyymmdd`` (a 2026 ministry system: ``G09.20-20260609-0092637``, rules §11.3), as the
regulation profile in force says; both forms are read back. Counters working offline share
the day's numbers in blocks (:func:`sequence_block`) so two counters never issue the same code.

>>> format_dossier_code("000.17.22.H56", date(2021, 5, 31), 1)
'000.17.22.H56-210531-0001'
>>> parse_dossier_code(" 000.17.22.h56-210531-0001 ")
('000.17.22.H56', datetime.date(2021, 5, 31), 1)
>>> parse_dossier_code("G09.20-20260609-0092637")
('G09.20', datetime.date(2026, 6, 9), 92637)
>>> sequence_block(2, 1000)
(1001, 2000)
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from oneStop.domain.errors import InvalidAgencyCode, InvalidDossierCode, ValidationError

__all__ = [
    "AGENCY_CODE_MAX_LENGTH",
    "DOSSIER_CODE_MAX_LENGTH",
    "DATE_FORMATS",
    "compact_agency_code",
    "validate_agency_code",
    "is_valid_agency_code",
    "compact_dossier_code",
    "format_dossier_code",
    "parse_dossier_code",
    "validate_dossier_code",
    "is_valid_dossier_code",
    "sequence_block",
    "max_counters",
]

#: Quyết định 20/2020/QĐ-TTg (amended by 09/2025): at most 35 characters; the 2018 form 13.
AGENCY_CODE_MAX_LENGTH = 35
AGENCY_CODE_2018_MAX_LENGTH = 13
#: How a dossier code's date may be written (rules §3: yymmdd; §11.3, a 2026 ministry system:
#: yyyymmdd), as the regulation profile names it, with its strftime pattern.
DATE_FORMATS = {"yymmdd": "%y%m%d", "yyyymmdd": "%Y%m%d"}
#: The years an eight-digit date may carry: a code of 1999 or 2100 is a typing error.
YEARS = (2000, 2099)
#: The longest dossier code: the agency, "-", yyyymmdd, "-" and the longest daily number.
DOSSIER_CODE_MAX_LENGTH = AGENCY_CODE_MAX_LENGTH + 1 + 8 + 1 + 7
#: Allowed lengths of the daily sequence: 4 in the circular, 6–7 in ministry systems.
SEQUENCE_DIGITS = (4, 7)

_GROUP = re.compile(r"[A-Z0-9]+")
_PROVINCE_GROUP = re.compile(r"[A-Z][0-9]{2}")
_LEVEL_ONE_GROUP = re.compile(r"[A-Y][0-9]{2}")
_DOSSIER = re.compile(r"(?P<agency>[^-]+)-(?P<day>[0-9]{6}|[0-9]{8})-(?P<seq>[0-9]+)")


def _strip_invisible(s: str) -> str:
    """Without whitespace and control or format characters (scanners add CR, LF, GS …)."""
    return "".join(ch for ch in s if not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf"))


# --- agency codes ------------------------------------------------------------------------------


def compact_agency_code(s: str) -> str:
    """The code without spaces, upper-cased.

    >>> compact_agency_code(" 000.17.22.h56 ")
    '000.17.22.H56'
    """
    return _strip_invisible(s or "").upper()


def validate_agency_code(s: str, field: str = "agency_code") -> str:
    """Return the compact agency code, or raise :class:`InvalidAgencyCode` naming ``field``.

    Two forms are accepted. The identifier of Quyết định 20/2020/QĐ-TTg (amended by 09/2025):
    at most 35 characters, groups from the top level down, the first a level-1 code of a
    letter A–Y and two digits (``G12.18.112.001``). And the 2018 form (QCVN 102:2016): at most
    13 characters, lowest level first, the last group the province (``000.17.22.H56``).

    >>> validate_agency_code("H56"), validate_agency_code("g12.18.112.001")
    ('H56', 'G12.18.112.001')
    >>> validate_agency_code("000.17.22")
    Traceback (most recent call last):
    ...
    oneStop.domain.errors.InvalidAgencyCode: Mã định danh điện tử của cơ quan: nhóm đầu «000» phải là mã cấp 1: một chữ cái A–Y và 2 chữ số (ví dụ G12.18.112.001); theo dạng cũ, nhóm cuối «22» phải là mã tỉnh (ví dụ 000.17.22.H56)
    """
    if not isinstance(s, str):
        raise InvalidAgencyCode(field, "phải là văn bản")
    code = compact_agency_code(s)
    if not code:
        raise InvalidAgencyCode(field, "không được để trống")
    if len(code) > AGENCY_CODE_MAX_LENGTH:
        raise InvalidAgencyCode(field, f"dài quá {AGENCY_CODE_MAX_LENGTH} ký tự")
    groups = code.split(".")
    if any(not g for g in groups):
        raise InvalidAgencyCode(field, "có nhóm trống (dấu chấm ở đầu, ở cuối hoặc hai dấu chấm liền nhau)")
    if not all(g.isascii() and _GROUP.fullmatch(g) for g in groups):
        raise InvalidAgencyCode(field, "chỉ được gồm chữ cái không dấu, chữ số và dấu chấm")
    if _LEVEL_ONE_GROUP.fullmatch(groups[0]):
        return code  # QĐ 20/2020: the top level first
    if _PROVINCE_GROUP.fullmatch(groups[-1]):  # QCVN 102:2016: the province last
        if len(code) > AGENCY_CODE_2018_MAX_LENGTH:
            raise InvalidAgencyCode(field, f"dạng cũ (nhóm cuối là mã tỉnh) dài tối đa {AGENCY_CODE_2018_MAX_LENGTH} ký tự")
        return code
    raise InvalidAgencyCode(
        field, f"nhóm đầu «{groups[0]}» phải là mã cấp 1: một chữ cái A–Y và 2 chữ số (ví dụ G12.18.112.001); "
               f"theo dạng cũ, nhóm cuối «{groups[-1]}» phải là mã tỉnh (ví dụ 000.17.22.H56)")


def is_valid_agency_code(s: str) -> bool:
    """
    >>> is_valid_agency_code("000.17.22.H56"), is_valid_agency_code("0000.17.22.H56")
    (True, False)
    """
    try:
        validate_agency_code(s)
    except ValidationError:
        return False
    return True


# --- dossier codes -----------------------------------------------------------------------------


def _digit_range(digits: int | tuple[int, int]) -> tuple[int, int]:
    low, high = (digits, digits) if isinstance(digits, int) else digits
    return low, high


def compact_dossier_code(s: str) -> str:
    """The code without whitespace and control characters, upper-cased.

    >>> compact_dossier_code("000.17.22.h56-210531-0001\\r\\n")
    '000.17.22.H56-210531-0001'
    """
    return _strip_invisible(s or "").upper()


def format_dossier_code(agency_code: str, day: date, seq: int, digits: int = 4, date_format: str = "yymmdd") -> str:
    """The dossier code for the ``seq``-th dossier of ``day`` at the agency, its date written
    as ``date_format`` says (a key of :data:`DATE_FORMATS`).

    Raises ``ValueError`` when ``seq`` does not fit in ``digits`` digits (never wrap around),
    when ``date_format`` is none of :data:`DATE_FORMATS` or ``day``'s year is outside
    :data:`YEARS`, and :class:`InvalidAgencyCode` for a bad agency code.

    >>> format_dossier_code("H56", date(2026, 11, 23), 12, digits=6)
    'H56-261123-000012'
    >>> format_dossier_code("G09.20", date(2026, 6, 9), 92637, digits=7, date_format="yyyymmdd")
    'G09.20-20260609-0092637'
    >>> format_dossier_code("H56", date(2026, 11, 23), 10000)
    Traceback (most recent call last):
    ...
    ValueError: Số thứ tự 10000 không hợp lệ: phải từ 1 đến 9999
    """
    if not isinstance(digits, int) or not 1 <= digits <= 9:
        raise ValueError(f"Số chữ số của số thứ tự ({digits}) không hợp lệ")
    if date_format not in DATE_FORMATS:
        raise ValueError(f"Dạng ngày của mã hồ sơ «{date_format}» không hợp lệ: phải là một trong {', '.join(DATE_FORMATS)}")
    if not YEARS[0] <= day.year <= YEARS[1]:
        raise ValueError(f"Năm {day.year} không hợp lệ trong mã hồ sơ: phải từ {YEARS[0]} đến {YEARS[1]}")
    last = 10**digits - 1
    if isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq <= last:
        raise ValueError(f"Số thứ tự {seq} không hợp lệ: phải từ 1 đến {last}")
    agency = validate_agency_code(agency_code)
    return f"{agency}-{day.strftime(DATE_FORMATS[date_format])}-{seq:0{digits}d}"


def parse_dossier_code(
    s: str, field: str = "dossier_code", *, digits: int | tuple[int, int] = SEQUENCE_DIGITS
) -> tuple[str, date, int]:
    """The agency code, the date of receipt and the daily number of a dossier code.

    The date may be written in either form of :data:`DATE_FORMATS`: six digits (``yymmdd``,
    a year of the 2000s) or eight (``yyyymmdd``, a year of :data:`YEARS`).
    Raises :class:`InvalidDossierCode` naming ``field`` when ``s`` is not a dossier code.
    ``digits`` is the allowed length of the number: one length, or (shortest, longest).

    >>> parse_dossier_code("000.17.22.H56-261123-1234567")
    ('000.17.22.H56', datetime.date(2026, 11, 23), 1234567)
    >>> parse_dossier_code("000.17.22.h56-20261123-0000001")
    ('000.17.22.H56', datetime.date(2026, 11, 23), 1)
    >>> parse_dossier_code("000.17.22.H56-261323-0001")
    Traceback (most recent call last):
    ...
    oneStop.domain.errors.InvalidDossierCode: Mã hồ sơ: ngày tiếp nhận «261323» (yymmdd) không phải ngày có thật
    >>> parse_dossier_code("000.17.22.H56-20260229-0001")
    Traceback (most recent call last):
    ...
    oneStop.domain.errors.InvalidDossierCode: Mã hồ sơ: ngày tiếp nhận «20260229» (yyyymmdd) không phải ngày có thật
    >>> parse_dossier_code("000.17.22.H56-19991231-0001")
    Traceback (most recent call last):
    ...
    oneStop.domain.errors.InvalidDossierCode: Mã hồ sơ: ngày tiếp nhận «19991231» (yyyymmdd): năm phải từ 2000 đến 2099
    """
    if not isinstance(s, str):
        raise InvalidDossierCode(field, "phải là văn bản")
    code = compact_dossier_code(s)
    if not code:
        raise InvalidDossierCode(field, "không được để trống")
    found = _DOSSIER.fullmatch(code) if code.isascii() else None
    if found is None:
        raise InvalidDossierCode(
            field, "phải có dạng <mã cơ quan>-<yymmdd>-<số thứ tự>, ví dụ 000.17.22.H56-210531-0001 "
                   "(ngày cũng có thể viết yyyymmdd: 000.17.22.H56-20210531-0001)"
        )
    try:
        agency = validate_agency_code(found["agency"])
    except InvalidAgencyCode as exc:
        problem = f"mã cơ quan «{found['agency']}» không hợp lệ ({exc.problem})"
        raise InvalidDossierCode(field, problem) from None
    raw_day = found["day"]
    form = "yymmdd" if len(raw_day) == 6 else "yyyymmdd"
    year = 2000 + int(raw_day[:2]) if form == "yymmdd" else int(raw_day[:4])
    if not YEARS[0] <= year <= YEARS[1]:
        raise InvalidDossierCode(field, f"ngày tiếp nhận «{raw_day}» ({form}): năm phải từ {YEARS[0]} đến {YEARS[1]}")
    try:
        day = date(year, int(raw_day[-4:-2]), int(raw_day[-2:]))
    except ValueError:
        problem = f"ngày tiếp nhận «{raw_day}» ({form}) không phải ngày có thật"
        raise InvalidDossierCode(field, problem) from None
    low, high = _digit_range(digits)
    raw_seq = found["seq"]
    if not low <= len(raw_seq) <= high:
        wanted = f"{low}" if low == high else f"từ {low} đến {high}"
        raise InvalidDossierCode(field, f"số thứ tự «{raw_seq}» phải gồm {wanted} chữ số")
    seq = int(raw_seq)
    if seq < 1:
        raise InvalidDossierCode(field, "số thứ tự phải từ 1 trở lên")
    return agency, day, seq


def validate_dossier_code(
    s: str, field: str = "dossier_code", *, digits: int | tuple[int, int] = SEQUENCE_DIGITS
) -> str:
    """Return the compact dossier code, or raise :class:`InvalidDossierCode` naming ``field``.

    >>> validate_dossier_code(" 000.17.22.h56-210531-0001 ")
    '000.17.22.H56-210531-0001'
    >>> validate_dossier_code("g09.20-20260609-0092637\\r\\n")
    'G09.20-20260609-0092637'
    >>> validate_dossier_code("000.17.22.H56-210531-01")
    Traceback (most recent call last):
    ...
    oneStop.domain.errors.InvalidDossierCode: Mã hồ sơ: số thứ tự «01» phải gồm từ 4 đến 7 chữ số
    """
    parse_dossier_code(s, field, digits=digits)
    return compact_dossier_code(s)


def is_valid_dossier_code(s: str, *, digits: int | tuple[int, int] = SEQUENCE_DIGITS) -> bool:
    """
    >>> is_valid_dossier_code("000.17.22.H56-210531-0001"), is_valid_dossier_code("000.17.22.H56-20210531-0001")
    (True, True)
    >>> is_valid_dossier_code("000.17.22.H56-2021531-0001")       # seven digits: neither form
    False
    >>> is_valid_dossier_code("C0000.17.22.H56-210531-0001")      # a scanner prefix glued on
    False
    """
    try:
        parse_dossier_code(s, digits=digits)
    except ValidationError:
        return False
    return True


# --- per-counter blocks of the daily sequence ---------------------------------------------------


def sequence_block(counter: int, block_size: int, digits: int = 4) -> tuple[int, int]:
    """The first and last daily number counter ``counter`` may issue.

    Counter k gets [(k-1)·block_size + 1, k·block_size], the last block cut at the largest
    number that fits in ``digits`` digits.

    >>> sequence_block(1, 1000), sequence_block(10, 1000)
    ((1, 1000), (9001, 9999))
    >>> sequence_block(11, 1000)
    Traceback (most recent call last):
    ...
    ValueError: Quầy số 11 không có khối số: với khối 1000 số và số thứ tự 4 chữ số chỉ có 10 quầy
    """
    if isinstance(counter, bool) or not isinstance(counter, int) or counter < 1:
        raise ValueError(f"Số quầy {counter!r} không hợp lệ: phải từ 1 trở lên")
    count = max_counters(block_size, digits)
    if counter > count:
        raise ValueError(
            f"Quầy số {counter} không có khối số: với khối {block_size} số và số thứ tự "
            f"{digits} chữ số chỉ có {count} quầy"
        )
    first = (counter - 1) * block_size + 1
    return first, min(counter * block_size, 10**digits - 1)


def max_counters(block_size: int, digits: int = 4) -> int:
    """How many counters get a block of ``block_size`` numbers (the last may be shorter).

    >>> max_counters(1000), max_counters(500, 6), max_counters(10000)
    (10, 2000, 1)
    """
    if isinstance(block_size, bool) or not isinstance(block_size, int) or block_size < 1:
        raise ValueError(f"Kích thước khối số {block_size!r} không hợp lệ: phải từ 1 trở lên")
    if isinstance(digits, bool) or not isinstance(digits, int) or digits < 1:
        raise ValueError(f"Số chữ số của số thứ tự {digits!r} không hợp lệ")
    last = 10**digits - 1
    return (last - 1) // block_size + 1
