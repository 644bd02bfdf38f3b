"""Vietnamese text: NFC at the edge, cleaning, accent-insensitive search keys."""

from __future__ import annotations

import unicodedata

import pytest

from oneStop.domain.errors import InvalidFormat, InvalidLength, ValidationError
from oneStop.domain.text import clean, fold, matches, nfc, search_key

NFD_NGUYEN = "Nguye\u0302\u0303n"  # "Nguyễn" as an input method may type it


def test_nfc_composes_decomposed_input():
    assert nfc(NFD_NGUYEN) == "Nguyễn"
    assert unicodedata.is_normalized("NFC", nfc(NFD_NGUYEN))


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("  Nguyễn   Văn  An ", "Nguyễn Văn An"),
        ("Nguyễn\tVăn\t\tAn", "Nguyễn Văn An"),
        ("Nguyễn\nVăn\r\nAn", "Nguyễn Văn An"),
        ("Nguyễn\u00a0Văn\u2003An", "Nguyễn Văn An"),
        ("Ngu\u200byễn\ufeff Văn An", "Nguyễn Văn An"),
        (f"{NFD_NGUYEN} Văn An", "Nguyễn Văn An"),
        ("", ""),
        (None, ""),
    ],
)
def test_clean_single_line(raw, expected):
    result = clean(raw, "applicant_name", max_len=100)
    assert result == expected
    assert unicodedata.is_normalized("NFC", result)


def test_clean_multiline_keeps_line_breaks_and_trims_each_line():
    raw = "  Dòng một  \r\n\r\n\tDòng   hai\rDòng ba\u2028Dòng bốn \u200b "
    assert clean(raw, "notes", max_len=200, multiline=True) == "Dòng một\n\nDòng hai\nDòng ba\nDòng bốn"


def test_clean_counts_characters_after_normalising():
    # 13 characters in NFC, 15 code points in NFD: the NFC length is what counts
    assert clean(f"{NFD_NGUYEN} Văn An", "applicant_name", max_len=13) == "Nguyễn Văn An"
    assert clean("  " + "a" * 10 + "  ", "notes", max_len=10) == "a" * 10


def test_clean_refuses_too_long_and_names_the_field():
    with pytest.raises(InvalidLength) as caught:
        clean("x" * 301, "address", max_len=300)
    assert caught.value.field == "address"
    assert str(caught.value) == "Địa chỉ: dài quá 300 ký tự"


@pytest.mark.parametrize("raw", [None, "", "   ", "\t\n", "\x1c\x85", "\u200b"])
def test_clean_required_refuses_empty(raw):
    with pytest.raises(InvalidLength) as caught:
        clean(raw, "owner_name", max_len=100, required=True)
    assert str(caught.value) == "Họ tên chủ hồ sơ: không được để trống"
    assert isinstance(caught.value, ValidationError)


def test_clean_refuses_non_text():
    with pytest.raises(InvalidFormat):
        clean(123, "notes", max_len=10)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Đăng ký khai sinh", "Dang ky khai sinh"),
        ("ĐẶNG THỊ HƯỜNG", "DANG THI HUONG"),
        ("đường Lê Lợi", "duong Le Loi"),
        ("Ơn Ưng Ăn Ân Ê Ô", "On Ung An An E O"),
        (NFD_NGUYEN, "Nguyen"),
        ("abc 123", "abc 123"),
    ],
)
def test_fold_removes_diacritics_and_keeps_case(raw, expected):
    assert fold(raw) == expected


def test_fold_is_the_same_for_nfc_and_nfd_input():
    text = "Cấp đổi Giấy chứng nhận quyền sử dụng đất"
    assert fold(unicodedata.normalize("NFD", text)) == fold(text)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("  Đăng ký  KHAI SINH ", "dang ky khai sinh"),
        ("ĐĂNG\u00a0KÝ\nKẾT HÔN\t", "dang ky ket hon"),
        ("", ""),
    ],
)
def test_search_key(raw, expected):
    assert search_key(raw) == expected


@pytest.mark.parametrize(
    "query, text",
    [
        ("dang ky", "Đăng ký khai sinh"),
        ("DANG KY", "Đăng ký khai sinh"),
        ("khai sinh đăng", "Đăng ký khai sinh"),
        ("huong", "Đặng Thị Hường"),
        ("nguy", NFD_NGUYEN + " Văn An"),
        ("", "bất kỳ"),
    ],
)
def test_matches(query, text):
    assert matches(query, text)


@pytest.mark.parametrize(
    "query, text",
    [
        ("ket hon", "Đăng ký khai sinh"),
        ("dang ky ket", "Đăng ký khai sinh"),
        ("d", ""),
    ],
)
def test_does_not_match(query, text):
    assert not matches(query, text)


@pytest.mark.parametrize(
    "ch, code",
    [("\x00", "U+0000"), ("\x1b", "U+001B"), ("\x7f", "U+007F"), ("\x9b", "U+009B"), ("\u202e", "U+202E"),
     ("\u202a", "U+202A"), ("\u2066", "U+2066"), ("\u2069", "U+2069"), ("\U000e0041", "U+E0041"),
     ("\U000e007f", "U+E007F"), ("\ue000", "U+E000"), ("\U000f0000", "U+F0000"), ("\ufdd0", "U+FDD0"),
     ("\ufdef", "U+FDEF"), ("\ufffe", "U+FFFE"), ("\uffff", "U+FFFF"), ("\U0001ffff", "U+1FFFF"),
     ("\ud800", "U+D800")],
)
def test_clean_refuses_hidden_and_reordering_characters_naming_field_and_code_point(ch, code):
    with pytest.raises(InvalidFormat) as caught:
        clean(f"Nguyễn{ch}Văn An", "applicant_name", max_len=100)
    assert caught.value.field == "applicant_name"
    assert str(caught.value).startswith("Họ tên người nộp: có ký tự không được phép " + code)


@pytest.mark.parametrize("ch", ["\t", "\n", "\r", "\v", "\f", "\x85", "\u2028", "\u00a0", "\u200e", "\ufeff"])
def test_clean_still_takes_whitespace_and_invisible_marks(ch):
    assert clean(f"Nguyễn{ch}Văn", "applicant_name", max_len=100) in ("Nguyễn Văn", "NguyễnVăn")


def _every_character():
    return (chr(cp) for cp in range(0x110000))


def test_the_fast_paths_miss_no_character_of_unicode():
    """clean() skips its per-character loops when a regex finds nothing to do; over every code
    point, a character the loops would refuse or change is one the regexes find."""
    from oneStop.domain import text

    missed_refusal = [
        f"U+{ord(ch):04X}" for ch in _every_character()
        if text._MAYBE_FORBIDDEN.search(ch) is None and _refused_by_the_loop(ch)
    ]
    assert missed_refusal == []
    missed_change = [
        f"U+{ord(ch):04X}" for ch in _every_character()
        if text._TOUCHED.search(ch) is None and (ch.isspace() or ch in text._INVISIBLE) and ch not in " "
    ]
    assert missed_change == []


def _refused_by_the_loop(ch):
    """forbidden_character's rule, character by character, without its fast path."""
    cp = ord(ch)
    if cp < 0x20 or 0x7F <= cp <= 0x9F:
        return ch not in "\t\n\r\v\f\x1c\x1d\x1e\x1f\x85"
    return (0x202A <= cp <= 0x202E or 0x2066 <= cp <= 0x2069 or 0xE0000 <= cp <= 0xE007F
            or 0xFDD0 <= cp <= 0xFDEF or cp & 0xFFFE == 0xFFFE
            or unicodedata.category(ch) in ("Co", "Cs"))


def test_the_fast_path_still_refuses_a_forbidden_character_after_ordinary_text():
    with pytest.raises(InvalidFormat):
        clean("Nguyễn Văn An " * 20 + "\u202e", "applicant_name", max_len=1000)


def test_the_printable_characters_are_exactly_what_every_face_of_the_receipt_font_has():
    from oneStop.domain.glyphs import PRINTABLE_RANGES
    from oneStop.printing import fonts

    faces = (fonts.SERIF, fonts.SERIF_BOLD, fonts.SERIF_ITALIC, fonts.SERIF_BOLD_ITALIC)
    common = set.intersection(*(set(fonts._charmap(face)) for face in faces))
    listed = {cp for first, last in PRINTABLE_RANGES for cp in range(first, last + 1)}
    assert listed == common
    assert fonts.missing_glyphs("".join(map(chr, sorted(listed)))) == set()


@pytest.mark.parametrize("text, odd", [("Nguyễn 😀 An", "😀"), ("Trần 王 Minh", "王"), ("Lê\u2011Văn", "\u2011")])
def test_what_the_forms_cannot_print_is_refused_naming_the_field(text, odd):
    with pytest.raises(InvalidFormat) as caught:
        clean(text, "applicant_name", max_len=100)
    assert str(caught.value) == f"Họ tên người nộp: có ký tự «{odd}» (U+{ord(odd):04X}) mà phiếu in không in được"
    assert clean("Nguyễn Thị Hường — “Đông” ₫ 12/3", "applicant_name", max_len=100)
