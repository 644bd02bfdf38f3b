"""UPU S10 check digits and scanner input as a keyboard wedge delivers it."""

from __future__ import annotations

import pytest

from oneStop.domain import scanning, tracking
from oneStop.domain.errors import InvalidFormat


@pytest.mark.parametrize("number", ["EB000717618HK", "EE471108151FR", "RR123456785VN", "CP000000005VN", "ee 471108151 fr"])
def test_valid_s10_numbers(number):
    assert tracking.is_valid(number)


@pytest.mark.parametrize(
    "number, problem",
    [
        ("EB000717617HK", "sai số kiểm tra"),
        ("EE471108152FR", "sai số kiểm tra"),
        ("E1471108151FR", "2 chữ cái"),
        ("EE47110815FR", "2 chữ cái"),
        ("", "không được để trống"),
    ],
)
def test_invalid_s10_numbers_say_why(number, problem):
    with pytest.raises(InvalidFormat, match=problem) as error:
        tracking.validate(number)
    assert error.value.field == "tracking"


def test_check_digit_mapping_of_ten_and_eleven():
    assert tracking.calc_check_digit("00000008") == "0"  # 8 × 7 = 56, 56 mod 11 = 1, 11 − 1 = 10 → 0
    assert tracking.calc_check_digit("00000000") == "5"  # 0 mod 11 = 0, 11 − 0 = 11 → 5
    assert tracking.calc_check_digit("00000001") == "4"  # 7 mod 11 = 7, 11 − 7 = 4


def test_other_formats_only_by_setting():
    assert not tracking.is_valid("VN123456")
    assert tracking.validate("VN123456", other_formats=[r"VN\d{6}"]) == "VN123456"


@pytest.mark.parametrize(
    "typed, wanted",
    [
        ("000.17.22.H56-261123-0001\r", "000.17.22.H56-261123-0001"),
        ("]C1000.17.22.H56-261123-0001", "000.17.22.H56-261123-0001"),
        ("\x02RR123456785VN\x03", "RR123456785VN"),
        (" RR 123456785 VN \t", "RR123456785VN"),
        ("Ê471108151FR", "EE471108151FR"),  # Telex: EE → Ê
        ("É471108151FR", "ES471108151FR"),  # Telex: ES → É
        ("ĐX000000005VN", "DDX000000005VN"),
    ],
)
def test_a_wedge_scan_is_read_back_whatever_the_keyboard_did(typed, wanted):
    assert wanted in scanning.candidates(typed)
