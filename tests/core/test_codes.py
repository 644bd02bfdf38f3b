"""Agency codes, dossier codes and the per-counter blocks of the daily sequence."""

from __future__ import annotations

from datetime import date

import pytest

from oneStop.domain import codes
from oneStop.domain.errors import InvalidAgencyCode, InvalidDossierCode, ValidationError

# --- agency codes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("000.17.22.H56", "000.17.22.H56"),
        ("000.00.00.H15", "000.00.00.H15"),
        (" 000.17.22.h56 ", "000.17.22.H56"),
        ("000.17.22.H56\r\n", "000.17.22.H56"),
        ("H56", "H56"),
        ("h56", "H56"),
        ("G01", "G01"),
        ("000.00.00.G12", "000.00.00.G12"),
        ("ABC.H56", "ABC.H56"),
        ("123456789.H56", "123456789.H56"),
        ("0001.02.3.A99", "0001.02.3.A99"),
    ],
)
def test_valid_agency_codes(raw, expected):
    assert codes.validate_agency_code(raw) == expected
    assert codes.is_valid_agency_code(raw)


@pytest.mark.parametrize(
    "raw, part",
    [
        ("", "không được để trống"),
        ("  ", "không được để trống"),
        ("0000.17.22.H56", "dạng cũ (nhóm cuối là mã tỉnh) dài tối đa 13 ký tự"),
        ("000.17.22.H56.", "có nhóm trống"),  # 14 characters: within the 2025 form's 35
        ("G12.18.112.001.0001.0002.0003.000456", "dài quá 35 ký tự"),
        ("Z12.18.112.001", "nhóm đầu «Z12» phải là mã cấp 1"),
        ("00.17.22.H56.", "có nhóm trống"),
        (".17.22.H56", "có nhóm trống"),
        ("000..22.H56", "có nhóm trống"),
        ("000-17.H56", "chỉ được gồm chữ cái không dấu, chữ số và dấu chấm"),
        ("000.Đ7.H56", "chỉ được gồm chữ cái không dấu, chữ số và dấu chấm"),
        ("000.１7.H56", "chỉ được gồm chữ cái không dấu, chữ số và dấu chấm"),
        ("000.17.22", "nhóm cuối «22» phải là mã tỉnh (ví dụ 000.17.22.H56)"),
        ("000.17.H5", "nhóm cuối «H5»"),
        ("000.17.H567", "nhóm cuối «H567»"),
        ("000.17.56H", "nhóm cuối «56H»"),
        ("HH56", "nhóm cuối «HH56»"),
    ],
)
def test_invalid_agency_codes(raw, part):
    with pytest.raises(InvalidAgencyCode) as caught:
        codes.validate_agency_code(raw)
    assert part in str(caught.value)
    assert str(caught.value).startswith("Mã định danh điện tử của cơ quan: ")
    assert not codes.is_valid_agency_code(raw)


def test_agency_code_error_names_the_field_given():
    with pytest.raises(InvalidAgencyCode) as caught:
        codes.validate_agency_code("x", "setting")
    assert caught.value.field == "setting"
    assert isinstance(caught.value, ValidationError)


# --- dossier codes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "agency, day, seq, digits, expected",
    [
        ("000.17.22.H56", date(2021, 5, 31), 1, 4, "000.17.22.H56-210531-0001"),
        ("000.17.22.H56", date(2026, 11, 23), 9999, 4, "000.17.22.H56-261123-9999"),
        ("000.17.22.h56", date(2026, 1, 2), 42, 4, "000.17.22.H56-260102-0042"),
        ("H15", date(2030, 12, 31), 123, 6, "H15-301231-000123"),
        ("000.00.00.G12", date(2026, 2, 28), 1234567, 7, "000.00.00.G12-260228-1234567"),
    ],
)
def test_format_dossier_code(agency, day, seq, digits, expected):
    assert codes.format_dossier_code(agency, day, seq, digits) == expected
    assert codes.parse_dossier_code(expected) == (agency.upper(), day, seq)
    assert codes.validate_dossier_code(expected) == expected


@pytest.mark.parametrize(
    "agency, day, seq, digits, expected",
    [
        ("G09.20", date(2026, 6, 9), 92637, 7, "G09.20-20260609-0092637"),  # a 2026 ministry system (rules §11.3)
        ("000.17.22.h56", date(2026, 11, 23), 1, 4, "000.17.22.H56-20261123-0001"),
        ("H15", date(2000, 1, 1), 1, 7, "H15-20000101-0000001"),
        ("H15", date(2099, 12, 31), 9_999_999, 7, "H15-20991231-9999999"),
        ("H15", date(2028, 2, 29), 12, 6, "H15-20280229-000012"),  # leap day
    ],
)
def test_format_dossier_code_with_an_eight_digit_date(agency, day, seq, digits, expected):
    """Issue 15: the profile's ``dossier_code.date_format`` "yyyymmdd" writes the year whole."""
    assert codes.format_dossier_code(agency, day, seq, digits, "yyyymmdd") == expected
    assert codes.parse_dossier_code(expected) == (agency.upper(), day, seq)
    assert codes.parse_dossier_code(expected.lower() + "\r\n") == (agency.upper(), day, seq)
    assert codes.validate_dossier_code(f" {expected.lower()} ") == expected
    assert codes.is_valid_dossier_code(expected)
    # the same dossier in the six-digit form names the same agency, day and number
    short = codes.format_dossier_code(agency, day, seq, digits, "yymmdd")
    assert short == expected.replace(f"-{day:%Y%m%d}-", f"-{day:%y%m%d}-")
    assert codes.parse_dossier_code(short) == codes.parse_dossier_code(expected)


def test_the_longest_code_has_the_eight_digit_date():
    longest = codes.format_dossier_code("G12.18.112.001.0001.0002.0003.00045", date(2026, 12, 5), 9_999_999, 7,
                                        "yyyymmdd")
    assert len(longest) == codes.DOSSIER_CODE_MAX_LENGTH == 35 + 1 + 8 + 1 + 7
    assert codes.validate_dossier_code(longest) == longest


def test_the_date_forms_are_the_profiles():
    from oneStop.domain.profiles import CODE_DATE_FORMATS

    assert CODE_DATE_FORMATS == codes.DATE_FORMATS == {"yymmdd": "%y%m%d", "yyyymmdd": "%Y%m%d"}


@pytest.mark.parametrize("date_format, day, message", [
    ("ddmmyy", date(2026, 1, 2), "Dạng ngày của mã hồ sơ «ddmmyy» không hợp lệ"),
    ("yyyymmdd", date(1999, 12, 31), "Năm 1999 không hợp lệ trong mã hồ sơ: phải từ 2000 đến 2099"),
    ("yymmdd", date(2100, 1, 1), "Năm 2100 không hợp lệ"),  # would read back as 2000
])
def test_format_refuses_a_date_it_cannot_write_so_that_it_reads_back(date_format, day, message):
    with pytest.raises(ValueError, match=message):
        codes.format_dossier_code("000.17.22.H56", day, 1, 4, date_format)


@pytest.mark.parametrize("seq, digits", [(0, 4), (-1, 4), (10000, 4), (1_000_000, 6), (10_000_000, 7)])
def test_format_refuses_numbers_that_do_not_fit_rather_than_wrap(seq, digits):
    with pytest.raises(ValueError, match=f"Số thứ tự {seq} không hợp lệ"):
        codes.format_dossier_code("000.17.22.H56", date(2026, 1, 2), seq, digits)


def test_format_refuses_a_bad_agency_code():
    with pytest.raises(InvalidAgencyCode):
        codes.format_dossier_code("000.17.22", date(2026, 1, 2), 1)


@pytest.mark.parametrize(
    "raw, expected",
    [
        (" 000.17.22.h56-210531-0001 ", "000.17.22.H56-210531-0001"),
        ("000.17.22.H56-210531-0001\r\n", "000.17.22.H56-210531-0001"),
        ("000.17.22.H56-210531-0001\x1d", "000.17.22.H56-210531-0001"),
        ("000.17.22.H56 - 210531 - 0001", "000.17.22.H56-210531-0001"),
        ("H56-240229-0001", "H56-240229-0001"),  # leap day
        ("H56-210531-00001", "H56-210531-00001"),
        ("H56-210531-000001", "H56-210531-000001"),
        ("H56-210531-0000001", "H56-210531-0000001"),
        ("G09.20-20260609-0092637", "G09.20-20260609-0092637"),  # the date written yyyymmdd
        (" g09.20 - 20260609 - 0092637\x1d", "G09.20-20260609-0092637"),
        ("H56-20240229-0001", "H56-20240229-0001"),  # leap day
        ("H56-20000101-0001", "H56-20000101-0001"),
        ("H56-20991231-0001", "H56-20991231-0001"),
    ],
)
def test_valid_dossier_codes(raw, expected):
    assert codes.validate_dossier_code(raw) == expected
    assert codes.is_valid_dossier_code(raw)


@pytest.mark.parametrize(
    "raw, part",
    [
        ("", "không được để trống"),
        ("000.17.22.H56", "phải có dạng <mã cơ quan>-<yymmdd>-<số thứ tự>, ví dụ 000.17.22.H56-210531-0001 "
                          "(ngày cũng có thể viết yyyymmdd: 000.17.22.H56-20210531-0001)"),
        ("000.17.22.H56-21053-0001", "phải có dạng"),
        ("000.17.22.H56-210531", "phải có dạng"),
        ("000.17.22.H56-210531-0001-1", "phải có dạng"),
        ("000.17.22.H56-210531-00O1", "phải có dạng"),
        ("000.17.22.H56–210531–0001", "phải có dạng"),  # en dashes
        ("0000.17.22.H56-210531-0001", "mã cơ quan «0000.17.22.H56» không hợp lệ (dạng cũ (nhóm cuối là mã tỉnh) dài tối đa 13"),
        ("000.17.22-210531-0001", "mã cơ quan «000.17.22» không hợp lệ (nhóm đầu «000» phải là mã cấp 1"),
        ("000.17.22.X5-210531-0001", "mã cơ quan «000.17.22.X5» không hợp lệ (nhóm đầu «000» phải là mã cấp 1"),
        ("H56-210231-0001", "ngày tiếp nhận «210231» (yymmdd) không phải ngày có thật"),
        ("H56-211301-0001", "ngày tiếp nhận «211301»"),
        ("H56-230229-0001", "ngày tiếp nhận «230229»"),
        ("H56-210531-001", "số thứ tự «001» phải gồm từ 4 đến 7 chữ số"),
        ("H56-210531-00000001", "số thứ tự «00000001» phải gồm từ 4 đến 7 chữ số"),
        ("H56-210531-0000", "số thứ tự phải từ 1 trở lên"),
        # the date written yyyymmdd: a real date of a plausible year; seven digits are neither form
        ("H56-20260229-0001", "ngày tiếp nhận «20260229» (yyyymmdd) không phải ngày có thật"),
        ("H56-20261323-0001", "ngày tiếp nhận «20261323» (yyyymmdd) không phải ngày có thật"),
        ("H56-20261100-0001", "ngày tiếp nhận «20261100» (yyyymmdd)"),
        ("H56-19991231-0001", "ngày tiếp nhận «19991231» (yyyymmdd): năm phải từ 2000 đến 2099"),
        ("H56-21000101-0001", "năm phải từ 2000 đến 2099"),
        ("H56-26112301-0001", "năm phải từ 2000 đến 2099"),  # yymmdd and two digits more
        ("H56-2026112-0001", "phải có dạng"),
        ("H56-202611230-0001", "phải có dạng"),
        ("H56-20261123-001", "số thứ tự «001» phải gồm từ 4 đến 7 chữ số"),
        ("H56-20261123", "phải có dạng"),
        ("G12.18.112.001.0001.0002.0003.000456-20261123-0001", "dài quá 35 ký tự"),
    ],
)
def test_invalid_dossier_codes(raw, part):
    with pytest.raises(InvalidDossierCode) as caught:
        codes.validate_dossier_code(raw)
    assert part in str(caught.value)
    assert str(caught.value).startswith("Mã hồ sơ: ")
    assert not codes.is_valid_dossier_code(raw)


def test_the_allowed_sequence_length_is_configurable():
    assert codes.is_valid_dossier_code("H56-210531-0001", digits=4)
    assert not codes.is_valid_dossier_code("H56-210531-000001", digits=4)
    assert codes.is_valid_dossier_code("H56-210531-000001", digits=(6, 7))
    with pytest.raises(InvalidDossierCode, match="phải gồm 4 chữ số"):
        codes.validate_dossier_code("H56-210531-00001", digits=4)


def test_parse_dossier_code_names_the_field_given():
    with pytest.raises(InvalidDossierCode) as caught:
        codes.parse_dossier_code("nonsense")
    assert caught.value.field == "dossier_code"
    assert isinstance(caught.value, ValidationError)


@pytest.mark.parametrize("bad", [None, 12345])
def test_dossier_code_non_text_is_refused_not_crashed(bad):
    with pytest.raises(InvalidDossierCode):
        codes.validate_dossier_code(bad)  # type: ignore[arg-type]
    assert not codes.is_valid_dossier_code(bad)  # type: ignore[arg-type]


# --- per-counter blocks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "counter, size, digits, block",
    [
        (1, 1000, 4, (1, 1000)),
        (2, 1000, 4, (1001, 2000)),
        (10, 1000, 4, (9001, 9999)),  # the last block is cut at 9999
        (1, 9999, 4, (1, 9999)),
        (1, 20000, 4, (1, 9999)),
        (3, 3000, 4, (6001, 9000)),
        (4, 3000, 4, (9001, 9999)),
        (1000, 1000, 7, (999_001, 1_000_000)),
        (10000, 1000, 7, (9_999_001, 9_999_999)),
    ],
)
def test_sequence_block(counter, size, digits, block):
    assert codes.sequence_block(counter, size, digits) == block


def test_blocks_of_all_counters_cover_the_day_without_overlap():
    for size in (1, 7, 500, 1000, 3333, 9999):
        numbers: list[int] = []
        for counter in range(1, codes.max_counters(size) + 1):
            first, last = codes.sequence_block(counter, size)
            assert first <= last
            numbers.extend(range(first, last + 1))
        assert numbers == list(range(1, 10_000)), size


@pytest.mark.parametrize(
    "counter, size, digits, message",
    [
        (0, 1000, 4, "Số quầy 0 không hợp lệ"),
        (-1, 1000, 4, "Số quầy -1 không hợp lệ"),
        (11, 1000, 4, "Quầy số 11 không có khối số: với khối 1000 số và số thứ tự 4 chữ số chỉ có 10 quầy"),
        (5, 3000, 4, "chỉ có 4 quầy"),
        (2, 10000, 4, "chỉ có 1 quầy"),
        (1, 0, 4, "Kích thước khối số 0 không hợp lệ"),
        (1, -5, 4, "Kích thước khối số -5 không hợp lệ"),
    ],
)
def test_sequence_block_refuses(counter, size, digits, message):
    with pytest.raises(ValueError, match=message):
        codes.sequence_block(counter, size, digits)


@pytest.mark.parametrize(
    "size, digits, count",
    [(1000, 4, 10), (999, 4, 11), (1, 4, 9999), (9999, 4, 1), (10000, 4, 1), (3000, 4, 4), (1000, 6, 1000), (500, 7, 20000)],
)
def test_max_counters(size, digits, count):
    assert codes.max_counters(size, digits) == count
    codes.sequence_block(count, size, digits)  # the last counter has a block
    with pytest.raises(ValueError):
        codes.sequence_block(count + 1, size, digits)
