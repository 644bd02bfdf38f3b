"""Phone numbers (mobile prefixes as data, landlines) and e-mail addresses."""

from __future__ import annotations

import pytest

from oneStop.domain import email as email_
from oneStop.domain import phone as phone_
from oneStop.domain.errors import InvalidEmail, InvalidPhone, ValidationError

# --- phone -------------------------------------------------------------------------------------


def test_mobile_prefixes_are_the_ones_in_use():
    expected = (
        [f"03{d}" for d in range(2, 10)]
        + ["052", "055", "056", "058", "059", "070", "076", "077", "078", "079"]
        + [f"08{d}" for d in range(1, 10)]
        + [f"09{d}" for d in range(0, 10)]
    )
    assert sorted(phone_.MOBILE_PREFIXES) == sorted(expected)
    assert len(set(phone_.MOBILE_PREFIXES)) == len(phone_.MOBILE_PREFIXES)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("0912345678", "0912345678"),
        ("0912 345 678", "0912345678"),
        ("0912.345.678", "0912345678"),
        ("0912-345-678", "0912345678"),
        ("(091) 234 5678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("+84 912 345 678", "0912345678"),
        ("84912345678", "0912345678"),
        ("0084 912 345 678", "0912345678"),
        ("+84 (0) 912 345 678", "0912345678"),
        ("0321234567", "0321234567"),
        ("0521234567", "0521234567"),
        ("0701234567", "0701234567"),
        ("0861234567", "0861234567"),
        ("0991234567", "0991234567"),
        ("024 3825 1234", "02438251234"),  # Hà Nội landline
        ("0237 385 1234", "02373851234"),  # Thanh Hóa landline
        ("+84 24 3825 1234", "02438251234"),
        ("842438251234", "02438251234"),
    ],
)
def test_valid_phones_come_back_compact(raw, expected):
    assert phone_.validate(raw) == expected
    assert phone_.is_valid(raw)


@pytest.mark.parametrize(
    "raw, part",
    [
        ("", "không được để trống"),
        ("   ", "không được để trống"),
        ("091234567", "phải gồm 10 chữ số (di động) hoặc 11 chữ số (cố định, bắt đầu bằng 02), đã nhập 9 chữ số"),
        ("091234567890", "đã nhập 12 chữ số"),
        ("0243825123", "đã nhập 10 chữ số"),  # old 10-digit landline
        ("01234567890", "số cố định 11 chữ số phải bắt đầu bằng 02"),  # old 11-digit mobile
        ("0112345678", "đầu số 011 không phải đầu số di động đang dùng"),
        ("0311234567", "đầu số 031 không phải đầu số di động đang dùng"),
        ("0801234567", "đầu số 080 không phải đầu số di động đang dùng"),
        ("0512345678", "đầu số 051 không phải đầu số di động đang dùng"),
        ("912345678", "phải bắt đầu bằng 0 hoặc +84"),
        ("0912 345 67a", "chỉ được gồm các chữ số 0–9"),
        ("０９１２３４５６７８", "chỉ được gồm các chữ số 0–9"),  # full-width
        ("+1 202 555 0100", "chỉ được gồm các chữ số 0–9"),
    ],
)
def test_invalid_phones(raw, part):
    with pytest.raises(InvalidPhone) as caught:
        phone_.validate(raw)
    assert part in str(caught.value)
    assert str(caught.value).startswith("Số điện thoại: ")
    assert not phone_.is_valid(raw)


def test_phone_error_names_the_field_given():
    with pytest.raises(InvalidPhone) as caught:
        phone_.validate("123", "organisation")
    assert caught.value.field == "organisation"
    assert str(caught.value).startswith("Tên tổ chức: ")
    assert isinstance(caught.value, ValidationError)


def test_mobile_prefixes_can_be_extended_as_data():
    assert not phone_.is_valid("0801234567")
    extended = phone_.MOBILE_PREFIXES + ("080",)
    assert phone_.validate("0801234567", mobile_prefixes=extended) == "0801234567"
    assert phone_.is_valid("0801234567", mobile_prefixes=extended)
    assert not phone_.is_valid("0912345678", mobile_prefixes=("080",))


@pytest.mark.parametrize("bad", [None, 912345678])
def test_phone_non_text_is_refused_not_crashed(bad):
    with pytest.raises(InvalidPhone):
        phone_.validate(bad)  # type: ignore[arg-type]
    assert not phone_.is_valid(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "raw, formatted",
    [
        ("0912345678", "0912 345 678"),
        ("+84 91 234 5678", "0912 345 678"),
        ("02438251234", "024 3825 1234"),
        ("02838251234", "028 3825 1234"),
        ("02373851234", "0237 385 1234"),
        ("12345", "12345"),
    ],
)
def test_format(raw, formatted):
    assert phone_.format(raw) == formatted


@pytest.mark.parametrize(
    "raw, masked",
    [
        ("0912345678", "0912****78"),
        ("+84 912 345 678", "0912****78"),
        ("02438251234", "0243*****34"),
        ("", ""),
    ],
)
def test_phone_mask_keeps_first_four_and_last_two(raw, masked):
    assert phone_.mask(raw) == masked


def test_is_mobile():
    assert phone_.is_mobile("0912 345 678")
    assert not phone_.is_mobile("024 3825 1234")
    assert not phone_.is_mobile("0112345678")


# --- e-mail --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("an@gmail.com", "an@gmail.com"),
        ("  an@gmail.com  ", "an@gmail.com"),
        ("Nguyen.Van.An@Gmail.COM", "Nguyen.Van.An@gmail.com"),
        ("an+mot.cua@ubnd.quangphu.thanhhoa.gov.vn", "an+mot.cua@ubnd.quangphu.thanhhoa.gov.vn"),
        ("a_b-c@sub-domain.example.vn", "a_b-c@sub-domain.example.vn"),
        ("mailto:an@gmail.com", "an@gmail.com"),
        ("an@xn--ngy-vna.vn", "an@xn--ngy-vna.vn"),
        ("an@example.xn--p1ai", "an@example.xn--p1ai"),
    ],
)
def test_valid_emails(raw, expected):
    assert email_.validate(raw) == expected
    assert email_.is_valid(raw)


@pytest.mark.parametrize(
    "raw, part",
    [
        ("", "không được để trống"),
        ("   ", "không được để trống"),
        ("an.gmail.com", "thiếu ký tự @"),
        ("an@@gmail.com", "chỉ được có một ký tự @"),
        ("an@b@gmail.com", "chỉ được có một ký tự @"),
        ("an @gmail.com", "không được chứa dấu cách"),
        ("@gmail.com", "phần trước @ «» không hợp lệ"),
        (".an@gmail.com", "phần trước @ «.an» không hợp lệ"),
        ("an..binh@gmail.com", "phần trước @ «an..binh» không hợp lệ"),
        ("an(x)@gmail.com", "phần trước @ «an(x)» không hợp lệ"),
        ("an@gmail", "tên miền «gmail» không hợp lệ"),
        ("an@", "tên miền «» không hợp lệ"),
        ("an@-gmail.com", "tên miền «-gmail.com» không hợp lệ"),
        ("an@gmail..com", "tên miền «gmail..com» không hợp lệ"),
        ("an@gmail.c", "tên miền «gmail.c» không hợp lệ"),
        ("an@gmail.com.", "tên miền «gmail.com.» không hợp lệ"),
        ("an@gmail_x.com", "tên miền «gmail_x.com» không hợp lệ"),
        ("nguyễn@gmail.com", "chỉ được dùng chữ cái không dấu"),
        ("an@gmаil.com", "chỉ được dùng chữ cái không dấu"),  # Cyrillic "а"
        ("a" * 65 + "@gmail.com", "phần trước @"),
        ("a@" + "b" * 250 + ".vn", "dài quá 254 ký tự"),
    ],
)
def test_invalid_emails(raw, part):
    with pytest.raises(InvalidEmail) as caught:
        email_.validate(raw)
    assert part in str(caught.value)
    assert str(caught.value).startswith("Thư điện tử: ")
    assert not email_.is_valid(raw)


def test_email_error_names_the_field_given():
    with pytest.raises(InvalidEmail) as caught:
        email_.validate("x", "organisation")
    assert caught.value.field == "organisation"
    assert str(caught.value).startswith("Tên tổ chức: ")


def test_email_length_limit_is_254():
    local = "a" * 64
    domain = ".".join(["b" * 63, "c" * 63, "d" * 58]) + ".vn"
    address = f"{local}@{domain}"
    assert len(address) == 254
    assert email_.validate(address) == address
    assert not email_.is_valid("a" + address)
