"""Vietnamese text at the edge: NFC, cleaning, and an accent-insensitive search key.

Input methods (Unikey, EVKey) may type composed (NFC) or decomposed (NFD) characters; the
program stores NFC. Search compares accent-folded keys, and đ/Đ, which do not decompose,
are mapped to d/D by hand.

>>> decomposed = "Nguye\\u0302\\u0303n"          # "Nguyễn" typed as NFD
>>> nfc(decomposed) == "Nguyễn", len(nfc(decomposed))
(True, 6)
>>> clean("  Nguyễn\\tVăn \\x00 An ", "applicant_name", max_len=100)
'Nguyễn Văn An'
>>> search_key("  Đăng ký  KHAI SINH ")
'dang ky khai sinh'
>>> matches("dang ky", "Đăng ký khai sinh")
True
"""

from __future__ import annotations

import re
import unicodedata

from oneStop.domain.errors import InvalidFormat, InvalidLength

__all__ = ["nfc", "clean", "fold", "search_key", "matches"]

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
        elif unicodedata.category(ch) in ("Cc", "Cs"):
            continue  # control characters, lone surrogates (SQLite and PDFs cannot take them)
        else:
            out.append(ch)
    return "".join(out)


def clean(
    value: str | None, field: str, *, max_len: int, required: bool = False, multiline: bool = False
) -> str:
    """Normalise a text field typed or pasted at the counter, or raise :class:`InvalidLength`.

    NFC; control and invisible characters removed; runs of spaces and tabs (and of line
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
    text = _LINE_BREAKS.sub("\n", nfc(value))
    text = _drop_controls(text, multiline)
    text = _SPACES.sub(" ", text)
    if multiline:
        text = _SPACES_AROUND_NEWLINE.sub("\n", text)
    text = text.strip()
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
