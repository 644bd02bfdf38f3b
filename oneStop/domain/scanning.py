"""What a keyboard-wedge barcode scanner types, made readable again.

A scanner "types" the code as key presses. On the way it may add a symbology prefix (``]C0``),
control characters or stray spaces, and a Vietnamese input method such as Unikey in Telex
mode may compose letters as they arrive: ``EE`` becomes ``Ê``, ``DD`` becomes ``Đ``, ``S``
after a vowel becomes an acute accent. :func:`candidates` undoes all of that and returns the
readings to try, most likely first; the caller keeps the first one its validator accepts.

>>> candidates("]C0000.17.22.H56-261123-0001\\r\\n")
['000.17.22.H56-261123-0001']
>>> candidates("Ê471108151FR")              # Telex turned "EE" into "Ê"
['Ê471108151FR', 'EE471108151FR', 'E471108151FR']
>>> undo_telex("Đơn")
'DDown'
"""

from __future__ import annotations

import re
import unicodedata

_AIM_PREFIX = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
_INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}
_MARKS = {
    "\u0302": "double",  # circumflex: aa, ee, oo
    "\u0306": "w",  # breve: aw
    "\u031b": "w",  # horn: ow, uw
    "\u0301": "s",  # acute
    "\u0300": "f",  # grave
    "\u0309": "r",  # hook above
    "\u0303": "x",  # tilde
    "\u0323": "j",  # dot below
}


def clean(raw: str) -> str:
    """NFC, no control or invisible characters, no spaces, no symbology prefix.

    >>> clean(" ]Q1 RR 123456785 VN\\t")
    'RR123456785VN'
    """
    text = unicodedata.normalize("NFC", raw or "")
    text = "".join(ch for ch in text if ch not in _INVISIBLE and unicodedata.category(ch)[0] != "C")
    text = re.sub(r"\s+", "", text)
    return _AIM_PREFIX.sub("", text)


def undo_telex(text: str) -> str:
    """Type each Vietnamese letter back as the Telex keys that made it.

    >>> undo_telex("Éj")
    'ESj'
    >>> undo_telex("ướ")
    'uwows'
    """
    out = []
    for ch in text:
        if ch in "đĐ":
            out.append("dd" if ch == "đ" else "DD")
            continue
        if ord(ch) < 128:
            out.append(ch)
            continue
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], decomposed[1:]
        if ord(base) >= 128 or not marks:
            out.append(ch)
            continue
        upper = base.isupper()
        keys = base
        tone = ""
        for mark in marks:
            action = _MARKS.get(mark)
            if action == "double":
                keys += base
            elif action == "w":
                keys += "W" if upper else "w"
            elif action:
                tone = action.upper() if upper else action
        out.append(keys + tone)
    return "".join(out)


def fold(text: str) -> str:
    """Marks simply dropped (đ → d by hand)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def candidates(raw: str) -> list[str]:
    """The readings of a scan to try, most likely first, without duplicates."""
    text = clean(raw)
    found: list[str] = []
    for reading in (text, undo_telex(text), fold(text)):
        if reading and reading not in found:
            found.append(reading)
    return found
