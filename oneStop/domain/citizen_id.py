"""Số định danh cá nhân (the 12-digit citizen ID on the CCCD card), and the legacy 9-digit CMND.

The 12 digits are: 3 for the province where the birth was registered, 1 for gender and
century, 2 for the year of birth, 6 random. There is **no check digit**: only the structure
can be validated (12 ASCII digits, a known province code, a plausible year of birth).
Legacy 9-digit CMND numbers are accepted as they are.

>>> validate("038 095 001 234")
'038095001234'
>>> validate("123.456.789")                      # legacy CMND
'123456789'
>>> validate("099095001234")
Traceback (most recent call last):
...
oneStop.domain.errors.InvalidCitizenId: Số định danh cá nhân (CCCD): mã tỉnh 099 (3 chữ số đầu) không có trong danh mục mã tỉnh, thành phố
>>> info("038195001234").gender, info("038195001234").birth_year
('Nữ', 1995)
>>> mask("038095001234")
'*********234'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from oneStop.domain.clock import local_date, utcnow
from oneStop.domain.errors import InvalidCitizenId, ValidationError

__all__ = [
    "PROVINCES",
    "CitizenIdInfo",
    "ChipCardData",
    "compact",
    "validate",
    "is_valid",
    "is_legacy",
    "info",
    "mask",
    "parse_chip_qr",
]

#: Province codes of the 12-digit number (place of birth registration), as issued before the
#: 2025 merger of provinces; they stay valid on existing numbers.
PROVINCES: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa–Vũng Tàu",
    "079": "TP Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}

LENGTH = 12
LEGACY_LENGTH = 9
EARLIEST_BIRTH_YEAR = 1900

_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015]+")
_ASCII_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class CitizenIdInfo:
    """What the structure of a 12-digit number tells."""

    number: str
    province_code: str
    province_name: str
    gender: str  # "Nam" or "Nữ"
    birth_year: int


@dataclass(frozen=True)
class ChipCardData:
    """The fields of the QR code printed on a chip citizen card."""

    citizen_id: str
    old_id: str
    full_name: str
    birth_date: date | None
    sex: str
    address: str
    issue_date: date | None


def compact(s: str) -> str:
    """The number without spaces, dots and dashes (other characters are left for validate).

    >>> compact(" 001-099 012.345 ")
    '001099012345'
    """
    return _SEPARATORS.sub("", s or "")


def _birth_year(number: str) -> int:
    """The year of birth of a 12-digit number: digit 4 gives the century, 5–6 the year."""
    century = 1900 + (int(number[3]) // 2) * 100
    return century + int(number[4:6])


def validate(s: str, field: str = "citizen_id", *, today: date | None = None) -> str:
    """Return the compact number, or raise :class:`InvalidCitizenId` naming ``field``.

    ``today`` (default: the business date now) bounds the year of birth.

    >>> validate("001099012345", "owner_citizen_id")
    '001099012345'
    >>> validate("００１０９９０１２３４５")
    Traceback (most recent call last):
    ...
    oneStop.domain.errors.InvalidCitizenId: Số định danh cá nhân (CCCD): chỉ được gồm các chữ số 0–9 (có ký tự «０»)
    >>> validate("00109901234")
    Traceback (most recent call last):
    ...
    oneStop.domain.errors.InvalidCitizenId: Số định danh cá nhân (CCCD): phải gồm 12 chữ số (số CMND cũ: 9 chữ số), đã nhập 11 chữ số
    >>> validate("001230012345", today=date(2026, 1, 1))
    Traceback (most recent call last):
    ...
    oneStop.domain.errors.InvalidCitizenId: Số định danh cá nhân (CCCD): năm sinh 2030 (chữ số thứ 4–6: 230) chưa đến, không hợp lệ
    """
    if not isinstance(s, str):
        raise InvalidCitizenId(field, "phải là dãy chữ số")
    number = compact(s)
    if not number:
        raise InvalidCitizenId(field, "không được để trống")
    bad = next((ch for ch in number if not ("0" <= ch <= "9")), None)
    if bad is not None:
        shown = bad if unicodedata.category(bad)[0] not in "CZ" else f"U+{ord(bad):04X}"
        raise InvalidCitizenId(field, f"chỉ được gồm các chữ số 0–9 (có ký tự «{shown}»)")
    if len(number) == LEGACY_LENGTH:
        return number
    if len(number) != LENGTH:
        raise InvalidCitizenId(
            field,
            f"phải gồm {LENGTH} chữ số (số CMND cũ: {LEGACY_LENGTH} chữ số), "
            f"đã nhập {len(number)} chữ số",
        )
    province = number[:3]
    if province not in PROVINCES:
        raise InvalidCitizenId(
            field, f"mã tỉnh {province} (3 chữ số đầu) không có trong danh mục mã tỉnh, thành phố"
        )
    year = _birth_year(number)
    current = (today or local_date(utcnow())).year
    if year > current:
        raise InvalidCitizenId(
            field, f"năm sinh {year} (chữ số thứ 4–6: {number[3:6]}) chưa đến, không hợp lệ"
        )
    if year < EARLIEST_BIRTH_YEAR:  # cannot happen with the century table; kept as a guard
        raise InvalidCitizenId(field, f"năm sinh {year} không hợp lệ")
    return number


def is_valid(s: str, *, today: date | None = None) -> bool:
    """True when ``s`` is a structurally valid 12-digit number or a 9-digit CMND.

    >>> is_valid("038095001234"), is_valid("038095"), is_valid(None)
    (True, False, False)
    """
    try:
        validate(s, today=today)
    except ValidationError:
        return False
    return True


def is_legacy(s: str) -> bool:
    """True for an old 9-digit CMND number.

    >>> is_legacy("123 456 789"), is_legacy("038095001234")
    (True, False)
    """
    number = compact(s) if isinstance(s, str) else ""
    return len(number) == LEGACY_LENGTH and _ASCII_DIGITS.fullmatch(number) is not None


def info(s: str) -> CitizenIdInfo:
    """What the number says: province of birth registration, gender, year of birth.

    Raises :class:`InvalidCitizenId` for an invalid number, ``ValueError`` for a legacy CMND
    (its digits carry none of this).

    >>> info("079203001234")
    CitizenIdInfo(number='079203001234', province_code='079', province_name='TP Hồ Chí Minh', gender='Nam', birth_year=2003)
    """
    number = validate(s)
    if len(number) == LEGACY_LENGTH:
        raise ValueError("Số CMND 9 chữ số không cho biết tỉnh, giới tính và năm sinh")
    gender_digit = int(number[3])
    return CitizenIdInfo(
        number=number,
        province_code=number[:3],
        province_name=PROVINCES[number[:3]],
        gender="Nam" if gender_digit % 2 == 0 else "Nữ",
        birth_year=_birth_year(number),
    )


def mask(s: str) -> str:
    """The number with all but its last 3 digits hidden, for lists and exports.

    >>> mask("001099012345"), mask("123456789"), mask("")
    ('*********345', '******789', '')
    """
    number = compact(s or "")
    if len(number) <= 3:
        return "*" * len(number)
    return "*" * (len(number) - 3) + number[-3:]


# --- the chip card's QR code -------------------------------------------------------------------

_QR_FIELDS = 7
_ID_AT_END = re.compile(r"(?<![0-9])(?:[^0-9]*?[0-9])?([0-9]{12})$")
_DATE_DIGITS = re.compile(r"[0-9]{8}")


def _unmojibake(text: str) -> str:
    """Repair UTF-8 read as Windows-1252 by a scanner set to the wrong code page."""
    if all(ord(ch) < 0x80 for ch in text):
        return text
    raw = bytearray()
    for ch in text:
        try:
            raw += ch.encode("cp1252")
        except UnicodeEncodeError:
            if ord(ch) > 0xFF:  # a real Vietnamese letter: the text was read correctly
                return text
            raw.append(ord(ch))  # bytes cp1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return text


def _qr_text(value: str) -> str:
    """NFC, no control characters, spaces collapsed."""
    value = unicodedata.normalize("NFC", value)
    kept = "".join(ch for ch in value if ch.isspace() or unicodedata.category(ch) != "Cc")
    return " ".join(kept.split())


def _qr_date(value: str) -> date | None:
    digits = re.sub(r"[^0-9]", "", value)
    if not _DATE_DIGITS.fullmatch(digits):
        return None
    try:
        return date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
    except ValueError:
        return None


def parse_chip_qr(text: str) -> ChipCardData | None:
    """Read the QR code of a chip citizen card, or None when ``text`` is not one.

    The QR holds "|"-separated fields: ID number | old CMND | full name | birth date
    ddMMyyyy | sex | address | issue date ddMMyyyy. Line breaks and stray spaces from the
    scanner, a symbology prefix such as "]Q1" before the number, trailing extra fields and
    UTF-8 misread as Windows-1252 are tolerated. The number is not validated here: the form's
    validation reports it in the usual way.

    >>> scanned = "]Q1038095001234||Nguyễn Văn An|05031995|Nam|Thôn 3, Quảng Phú|10072021\\r\\n"
    >>> card = parse_chip_qr(scanned)
    >>> card.citizen_id, card.old_id, card.full_name, card.birth_date, card.issue_date
    ('038095001234', '', 'Nguyễn Văn An', datetime.date(1995, 3, 5), datetime.date(2021, 7, 10))
    >>> parse_chip_qr("000.17.22.H56-210531-0001") is None
    True
    """
    if not isinstance(text, str) or "|" not in text:
        return None
    text = _unmojibake(text.replace("\r", "").replace("\n", ""))
    parts = [p.strip() for p in text.split("|")]
    if len(parts) < _QR_FIELDS:
        return None
    head = re.sub(r"\s+", "", parts[0])
    found = _ID_AT_END.search(head)
    if found is None:
        return None
    old_id = re.sub(r"\s+", "", parts[1])
    if old_id and not _ASCII_DIGITS.fullmatch(old_id):
        return None
    full_name = _qr_text(parts[2])
    if not full_name:
        return None
    return ChipCardData(
        citizen_id=found.group(1),
        old_id=old_id,
        full_name=full_name,
        birth_date=_qr_date(parts[3]),
        sex=_qr_text(parts[4]),
        address=_qr_text(parts[5]),
        issue_date=_qr_date(parts[6]),
    )
