"""Citizen ID numbers (CCCD, 12 digits), legacy CMND (9 digits) and the chip card's QR."""

from __future__ import annotations

from datetime import date

import pytest

from oneStop.domain import citizen_id as cid
from oneStop.domain.errors import InvalidCitizenId, ValidationError

TODAY = date(2026, 11, 23)


def test_the_province_table_has_the_63_codes():
    assert len(cid.PROVINCES) == 63
    assert all(len(code) == 3 and code.isdigit() for code in cid.PROVINCES)
    assert cid.PROVINCES["001"] == "Hà Nội"
    assert cid.PROVINCES["038"] == "Thanh Hóa"
    assert cid.PROVINCES["079"] == "TP Hồ Chí Minh"
    assert cid.PROVINCES["096"] == "Cà Mau"
    assert "003" not in cid.PROVINCES


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("038095001234", "038095001234"),
        (" 038 095 001 234 ", "038095001234"),
        ("038.095.001.234", "038095001234"),
        ("038-095-001-234", "038095001234"),
        ("001099012345", "001099012345"),  # man born 1999
        ("001199012345", "001199012345"),  # woman born 1999
        ("001200012345", "001200012345"),  # man born 2000
        ("096326012345", "096326012345"),  # woman born 2026 (this year)
        ("079000000001", "079000000001"),  # man born 1900
        ("123456789", "123456789"),  # legacy CMND
        ("123 456 789", "123456789"),
    ],
)
def test_valid_numbers_come_back_compact(raw, expected):
    assert cid.validate(raw, today=TODAY) == expected
    assert cid.is_valid(raw, today=TODAY)


@pytest.mark.parametrize(
    "raw, part",
    [
        ("03809500123", "phải gồm 12 chữ số (số CMND cũ: 9 chữ số), đã nhập 11 chữ số"),
        ("0380950012345", "đã nhập 13 chữ số"),
        ("12345678", "đã nhập 8 chữ số"),
        ("03809500123A", "chỉ được gồm các chữ số 0–9 (có ký tự «A»)"),
        ("０３８０９５００１２３４", "chỉ được gồm các chữ số 0–9 (có ký tự «０»)"),  # full-width
        ("٠٣٨٠٩٥٠٠١٢٣٤", "chỉ được gồm các chữ số 0–9"),  # Arabic-Indic digits
        ("038/095/001234", "chỉ được gồm các chữ số 0–9 (có ký tự «/»)"),
        ("", "không được để trống"),
        ("  ", "không được để trống"),
    ],
)
def test_wrong_length_or_characters(raw, part):
    with pytest.raises(InvalidCitizenId) as caught:
        cid.validate(raw, today=TODAY)
    assert part in str(caught.value)
    assert str(caught.value).startswith("Số định danh cá nhân (CCCD): ")
    assert not cid.is_valid(raw, today=TODAY)


@pytest.mark.parametrize("code", ["000", "003", "039", "099", "100", "999"])
def test_unknown_province_code_is_named(code):
    with pytest.raises(InvalidCitizenId) as caught:
        cid.validate(code + "095001234", today=TODAY)
    assert str(caught.value) == (
        f"Số định danh cá nhân (CCCD): mã tỉnh {code} (3 chữ số đầu) "
        "không có trong danh mục mã tỉnh, thành phố"
    )


@pytest.mark.parametrize(
    "number, year",
    [
        ("001227012345", 2027),  # man born 2027, next year
        ("001399012345", 2099),
        ("001400012345", 2100),
        ("001999012345", 2399),
    ],
)
def test_birth_year_in_the_future_is_named(number, year):
    with pytest.raises(InvalidCitizenId) as caught:
        cid.validate(number, today=TODAY)
    assert f"năm sinh {year}" in str(caught.value)
    assert "chưa đến" in str(caught.value)


def test_birth_year_depends_on_today():
    assert cid.is_valid("001227012345", today=date(2027, 1, 1))
    assert not cid.is_valid("001227012345", today=date(2026, 12, 31))


def test_the_field_argument_names_the_field():
    with pytest.raises(InvalidCitizenId) as caught:
        cid.validate("12345", "owner_citizen_id")
    assert caught.value.field == "owner_citizen_id"
    assert str(caught.value).startswith("Số định danh chủ hồ sơ: ")
    assert isinstance(caught.value, ValidationError)


@pytest.mark.parametrize("bad", [None, 38095001234])
def test_non_text_is_refused_not_crashed(bad):
    with pytest.raises(InvalidCitizenId):
        cid.validate(bad)  # type: ignore[arg-type]
    assert not cid.is_valid(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "raw, legacy",
    [("123456789", True), ("123.456.789", True), ("038095001234", False), ("12345678", False), ("１２３４５６７８９", False)],
)
def test_is_legacy(raw, legacy):
    assert cid.is_legacy(raw) is legacy


@pytest.mark.parametrize(
    "number, province, gender, year",
    [
        ("001099012345", "Hà Nội", "Nam", 1999),
        ("038195012345", "Thanh Hóa", "Nữ", 1995),
        ("079203012345", "TP Hồ Chí Minh", "Nam", 2003),
        ("066310012345", "Đắk Lắk", "Nữ", 2010),
        ("048000012345", "Đà Nẵng", "Nam", 1900),
    ],
)
def test_info(number, province, gender, year):
    got = cid.info(number)
    assert got == cid.CitizenIdInfo(number, number[:3], province, gender, year)


def test_info_of_a_legacy_number_is_a_value_error():
    with pytest.raises(ValueError):
        cid.info("123456789")


def test_info_of_an_invalid_number_raises_the_validation_error():
    with pytest.raises(InvalidCitizenId):
        cid.info("099095001234")


@pytest.mark.parametrize(
    "raw, masked",
    [
        ("123456789012", "*********012"),
        ("038 095 001 789", "*********789"),
        ("123456789", "******789"),
        ("", ""),
        ("12", "**"),
    ],
)
def test_mask_shows_only_the_last_three_digits(raw, masked):
    assert cid.mask(raw) == masked


# --- the chip card's QR ---------------------------------------------------------------------

QR = "038095001234|173456789|Nguyễn Văn An|05031995|Nam|Thôn 3, xã Quảng Phú, Thanh Hóa|10072021"
EXPECTED = cid.ChipCardData(
    citizen_id="038095001234",
    old_id="173456789",
    full_name="Nguyễn Văn An",
    birth_date=date(1995, 3, 5),
    sex="Nam",
    address="Thôn 3, xã Quảng Phú, Thanh Hóa",
    issue_date=date(2021, 7, 10),
)


@pytest.mark.parametrize(
    "scanned",
    [
        QR,
        QR + "\r\n",
        "\n" + QR + "\r",
        "]Q1" + QR,  # AIM symbology identifier
        "]Q0" + QR + "\r\n",
        " 038095001234 | 173456789 |  Nguyễn   Văn An | 05031995 | Nam | Thôn 3,  xã Quảng Phú, Thanh Hóa | 10072021 ",
        QR.replace("Nguyễn", "Nguye\u0302\u0303n"),  # NFD from the scanner driver
        QR + "|",  # a trailing separator
        QR.replace("Thanh Hóa|", "Thanh Hóa\r\n|"),
    ],
)
def test_parse_chip_qr_tolerates_scanner_noise(scanned):
    assert cid.parse_chip_qr(scanned) == EXPECTED


def test_parse_chip_qr_repairs_utf8_read_as_windows_1252():
    # as a keyboard-wedge scanner set to the wrong code page types it: each UTF-8 byte becomes
    # the cp1252 character (bytes cp1252 leaves undefined come through as themselves)
    data = QR.encode("utf-8")
    garbled = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)
    assert "Nguyá»…n" in garbled
    assert cid.parse_chip_qr(garbled) == EXPECTED


def test_parse_chip_qr_without_old_number_and_with_bad_dates():
    card = cid.parse_chip_qr("001199012345||Trần Thị Bình|31021999|Nữ|Hà Nội|")
    assert card is not None
    assert card.citizen_id == "001199012345"
    assert card.old_id == ""
    assert card.full_name == "Trần Thị Bình"
    assert card.birth_date is None  # 31/02 does not exist
    assert card.sex == "Nữ"
    assert card.issue_date is None


def test_parse_chip_qr_ignores_extra_fields():
    card = cid.parse_chip_qr(QR + "|Nguyễn Văn Bố|Trần Thị Mẹ")
    assert card == EXPECTED


@pytest.mark.parametrize(
    "text",
    [
        "",
        "038095001234",  # a number alone
        "000.17.22.H56-210531-0001",  # a dossier code
        "https://dichvucong.gov.vn/?a=1|b=2",
        "038095001234|173456789|Nguyễn Văn An|05031995|Nam|Thôn 3",  # 6 fields: cut short
        "03809500123|173456789|Nguyễn Văn An|05031995|Nam|Thôn 3|10072021",  # 11 digits
        "1234038095001234|1|Nguyễn Văn An|05031995|Nam|Thôn 3|10072021",  # 16 digits
        "038095001234|17345678X|Nguyễn Văn An|05031995|Nam|Thôn 3|10072021",
        "038095001234|173456789||05031995|Nam|Thôn 3|10072021",  # no name
    ],
)
def test_parse_chip_qr_returns_none_for_other_text(text):
    assert cid.parse_chip_qr(text) is None


def test_parse_chip_qr_of_none_is_none():
    assert cid.parse_chip_qr(None) is None  # type: ignore[arg-type]
