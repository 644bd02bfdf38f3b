"""The embedded fonts: Liberation Serif (metric-compatible with Times New Roman, full
Vietnamese coverage), registered once per process.

reportlab has no glyph fallback, so text is checked against the font's character map and a
character the font lacks is replaced by ``?`` rather than printed as an invisible box.
"""

from __future__ import annotations

import threading
import unicodedata
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from oneStop.resources import resources_path

SERIF = "OneStopSerif"
SERIF_BOLD = "OneStopSerif-Bold"
SERIF_ITALIC = "OneStopSerif-Italic"
SERIF_BOLD_ITALIC = "OneStopSerif-BoldItalic"

_FILES = {
    SERIF: "LiberationSerif-Regular.ttf",
    SERIF_BOLD: "LiberationSerif-Bold.ttf",
    SERIF_ITALIC: "LiberationSerif-Italic.ttf",
    SERIF_BOLD_ITALIC: "LiberationSerif-BoldItalic.ttf",
}

_lock = threading.Lock()
_registered = False


def register() -> None:
    """Register the serif family with reportlab (idempotent, thread-safe)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name, filename in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(resources_path("fonts", filename))))
        pdfmetrics.registerFontFamily(
            SERIF, normal=SERIF, bold=SERIF_BOLD, italic=SERIF_ITALIC, boldItalic=SERIF_BOLD_ITALIC
        )
        _registered = True


@lru_cache(maxsize=4)
def _charmap(name: str) -> frozenset[int]:
    register()
    font = pdfmetrics.getFont(name)
    return frozenset(font.face.charToGlyph.keys())


def missing_glyphs(text: str, font: str = SERIF) -> set[str]:
    """The characters of ``text`` the font cannot print.

    >>> missing_glyphs("Đăng ký khai sinh – Hồ sơ ỹ Ỵ ₫")
    set()
    >>> missing_glyphs("ok \\U0001F600")
    {'😀'}
    """
    cmap = _charmap(font)
    return {ch for ch in text if ord(ch) not in cmap and ch not in "\n\r\t"}


def printable(text: str, font: str = SERIF) -> str:
    """``text`` in NFC with every character the font lacks replaced by ``?``.

    >>> printable("Nguye\\u0302\\u0303n")  # decomposed input comes out composed
    'Nguyễn'
    >>> printable("A\\u4e2dB")
    'A?B'
    """
    text = unicodedata.normalize("NFC", text)
    cmap = _charmap(font)
    if all(ord(ch) in cmap for ch in text):
        return text
    return "".join(ch if ord(ch) in cmap else "?" for ch in text)
