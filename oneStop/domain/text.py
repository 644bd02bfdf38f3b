"""Vietnamese text at the edge: NFC, cleaning, and an accent-insensitive search key.

Input methods (Unikey, EVKey) may type composed (NFC) or decomposed (NFD) characters; the
program stores NFC. Search compares accent-folded keys, and đ/Đ, which do not decompose,
are mapped to d/D by hand.

>>> decomposed = "Nguye\\u0302\\u0303n"          # "Nguyễn" typed as NFD
>>> nfc(decomposed) == "Nguyễn", len(nfc(decomposed))
(True, 6)
>>> clean("  Nguyễn\\tVăn \\u200b An ", "applicant_name", max_len=100)
'Nguyễn Văn An'
>>> clean("Nguyễn\\x1bVăn", "applicant_name", max_len=100)
Traceback (most recent call last):
...
oneStop.domain.errors.InvalidFormat: Họ tên người nộp: có ký tự không được phép U+001B (ký tự điều khiển)
>>> search_key("  Đăng ký  KHAI SINH ")
'dang ky khai sinh'
>>> matches("dang ky", "Đăng ký khai sinh")
True
"""

from __future__ import annotations

import re
import unicodedata

from oneStop.domain.errors import InvalidFormat, InvalidLength
from oneStop.domain.glyphs import unprintable

__all__ = ["nfc", "clean", "check_characters", "forbidden_character", "fold", "search_key", "matches"]

# Characters that are invisible or only format text: removed by clean().
_INVISIBLE = frozenset("\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff")
# Line breaks other than "\n" that clean() turns into "\n" first.
_LINE_BREAKS = re.compile(r"\r\n|[\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
_SPACES = re.compile(r"[^\S\n]+")  # whitespace except the newline
_SPACES_AROUND_NEWLINE = re.compile(r" ?\n ?")
_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})


def nfc(s: str) -> str:
    """The text in Unicode normal form C (composed), as the program stores it.

    >>> nfc("a\\u0300") == "\\u00e0"
    True
    """
    return unicodedata.normalize("NFC", s)


# Every character _drop_controls changes (controls, surrogates, invisibles, whitespace other
# than the plain space): most text has none, and is returned as it is without a loop.
_TOUCHED = re.compile("[\x00-\x1f\x7f-\x9f\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f"
                      "\u205f-\u2064\u3000\ufeff\ud800-\udfff]")


# Control characters that are only odd whitespace or line breaks: clean() turns them into a space
# or a line break. Every other control character is refused.
_WHITESPACE_CONTROLS = frozenset("\t\n\r\v\f\x1c\x1d\x1e\x1f\x85")
# Every character forbidden_character may refuse (and a few it lets through: all of the planes
# above the first, where emoji live); text without any is returned at once.
_MAYBE_FORBIDDEN = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069"
                              "\ud800-\udfff\ue000-\uf8ff\ufdd0-\ufdef\ufffe\uffff\U00010000-\U0010ffff]")


def forbidden_character(s: str) -> tuple[str, str] | None:
    """The first character a text field may not hold, as ``("U+XXXX", what it is)``, or None.

    Refused: control characters (other than tabs and line breaks), lone surrogates, the
    bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069), tag characters
    (U+E0000–U+E007F), private-use characters and non-characters (U+FDD0–U+FDEF, U+xFFFE,
    U+xFFFF). They hide or reorder text on screen and on paper, and spreadsheets and XML
    cannot hold some of them.

    >>> forbidden_character("Nguyễn Văn An") is None
    True
    >>> forbidden_character("abc\\u202egnp.exe")
    ('U+202E', 'ký tự đổi chiều văn bản')
    >>> forbidden_character("x\\U000e0041"), forbidden_character("\\uffff")
    (('U+E0041', 'ký tự thẻ ẩn'), ('U+FFFF', 'mã không phải ký tự'))
    """
    first = _MAYBE_FORBIDDEN.search(s)
    if first is None:
        return None  # nearly all text: one regex search instead of a loop over every character
    for ch in s[first.start():]:
        cp = ord(ch)
        if cp < 0x20 or 0x7F <= cp <= 0x9F:
            if ch in _WHITESPACE_CONTROLS:
                continue
            what = "ký tự điều khiển"
        elif cp < 0x202A:
            continue  # the common case: nothing below U+202A is refused but the controls
        elif 0x202A <= cp <= 0x202E or 0x2066 <= cp <= 0x2069:
            what = "ký tự đổi chiều văn bản"
        elif 0xE0000 <= cp <= 0xE007F:
            what = "ký tự thẻ ẩn"
        elif 0xFDD0 <= cp <= 0xFDEF or cp & 0xFFFE == 0xFFFE:
            what = "mã không phải ký tự"
        else:
            category = unicodedata.category(ch)
            if category == "Co":
                what = "ký tự dùng riêng (private use)"
            elif category == "Cs":
                what = "nửa cặp thay thế (surrogate) đứng lẻ"
            else:
                continue
        return f"U+{cp:04X}", what
    return None


def check_characters(value: str, field: str) -> str:
    """``value`` unchanged, or :class:`InvalidFormat` naming ``field`` and the code point.

    >>> check_characters("Thôn\\x00Đông", "address")
    Traceback (most recent call last):
    ...
    oneStop.domain.errors.InvalidFormat: Địa chỉ: có ký tự không được phép U+0000 (ký tự điều khiển)
    """
    found = forbidden_character(value)
    if found is not None:
        raise InvalidFormat(field, f"có ký tự không được phép {found[0]} ({found[1]})")
    return value


def _drop_controls(s: str, keep_newlines: bool) -> str:
    if _TOUCHED.search(s) is None:
        return s
    out = []
    for ch in s:
        if ch == "\n":
            out.append("\n" if keep_newlines else " ")
        elif ch.isspace():
            out.append(" ")  # tabs, no-break and other Unicode spaces
        elif ch in _INVISIBLE:
            continue
        else:
            out.append(ch)
    return "".join(out)


def clean(
    value: str | None, field: str, *, max_len: int, required: bool = False, multiline: bool = False
) -> str:
    """Normalise a text field typed or pasted at the counter, or raise :class:`InvalidLength`
    (too long, empty) or :class:`InvalidFormat` (a character :func:`forbidden_character` refuses).

    NFC; invisible characters removed; tabs and odd line breaks made spaces and newlines; runs of spaces and tabs (and of line
    breaks too, unless ``multiline``) collapsed to one space; stripped. ``max_len`` counts
    characters after cleaning.

    >>> clean(None, "notes", max_len=10)
    ''
    >>> clean(" dòng 1 \\r\\n\\r\\n  dòng\\t2 ", "notes", max_len=50, multiline=True)
    'dòng 1\\n\\ndòng 2'
    >>> clean("dòng 1\\ndòng 2", "notes", max_len=50)
    'dòng 1 dòng 2'
    >>> clean("   ", "applicant_name", max_len=100, required=True)
    Traceback (most recent call last):
    ...
    oneStop.domain.errors.InvalidLength: Họ tên người nộp: không được để trống
    >>> clean("x" * 11, "address", max_len=10)
    Traceback (most recent call last):
    ...
    oneStop.domain.errors.InvalidLength: Địa chỉ: dài quá 10 ký tự
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidFormat(field, "phải là văn bản")
    check_characters(value, field)
    text = _LINE_BREAKS.sub("\n", nfc(value))
    text = _drop_controls(text, multiline)
    text = _SPACES.sub(" ", text)
    if multiline:
        text = _SPACES_AROUND_NEWLINE.sub("\n", text)
    text = text.strip()
    odd = unprintable(text)
    if odd is not None:  # the forms would print "?" where the record says something else
        raise InvalidFormat(field, f"có ký tự «{odd}» (U+{ord(odd):04X}) mà phiếu in không in được")
    if required and not text:
        raise InvalidLength(field, "không được để trống")
    if len(text) > max_len:
        raise InvalidLength(field, f"dài quá {max_len} ký tự")
    return text


def fold(s: str) -> str:
    """Remove Vietnamese diacritics, keeping case; đ → d and Đ → D by hand.

    >>> fold("Đặng Thị Hường, ĐƯỜNG Lê Lợi")
    'Dang Thi Huong, DUONG Le Loi'
    >>> fold("Nguye\\u0302\\u0303n")                 # decomposed input folds the same
    'Nguyen'
    """
    decomposed = unicodedata.normalize("NFD", s.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped)


def search_key(s: str) -> str:
    """The accent- and case-insensitive key that search compares.

    >>> search_key("  Đăng ký  KHAI SINH ")
    'dang ky khai sinh'
    >>> search_key("ĐĂNG\\u00a0KÝ\\n") == search_key("dang ky")
    True
    """
    return " ".join(fold(s).lower().split())


SEARCH_MAX = 200


def search_text(query: str | None) -> str:
    """What was typed in a search box, or :class:`InvalidLength` if longer than any name,
    code or address it could find (a search of 50,001 characters is not a search).

    >>> search_text("  khai sinh ")
    'khai sinh'
    """
    text = (query or "").strip()
    if len(text) > SEARCH_MAX:
        raise InvalidLength("search", f"dài quá {SEARCH_MAX} ký tự")
    return text


def matches(query: str, text: str) -> bool:
    """True when every word of ``query`` occurs in ``text``, ignoring accents and case.

    Words match anywhere (a prefix typed so far finds the name); an empty query matches.

    >>> matches("khai sinh dang", "Đăng ký khai sinh")
    True
    >>> matches("kết hôn", "Đăng ký khai sinh")
    False
    >>> matches("   ", "bất kỳ")
    True
    """
    key = search_key(text)
    return all(token in key for token in search_key(query).split())
