"""Barcodes drawn as vector shapes: Code128 from python-barcode's module pattern, and QR codes
from reportlab's encoder. Vector bars stay sharp on any printer resolution."""

from __future__ import annotations

from functools import lru_cache

from barcode.codex import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.pdfgen.canvas import Canvas

QUIET_ZONE_MODULES = 10


@lru_cache(maxsize=256)
def code128_modules(text: str) -> str:
    """The Code128 module pattern of ``text`` as a string of ``1`` (bar) and ``0`` (space),
    start, check and stop symbols included.

    >>> code128_modules("1234")[:11]  # start code C: digits are packed in pairs
    '11010011100'
    >>> set(code128_modules("000.17.22.H56-261123-0001")) == {"0", "1"}
    True
    """
    return "".join(Code128(text, writer=None).build())


def bar_runs(modules: str) -> list[tuple[int, int]]:
    """Runs of consecutive bars as (first module, width in modules).

    >>> bar_runs("1101000111")
    [(0, 2), (3, 1), (7, 3)]
    """
    runs: list[tuple[int, int]] = []
    start = -1
    for i, m in enumerate(modules):
        if m == "1" and start < 0:
            start = i
        elif m == "0" and start >= 0:
            runs.append((start, i - start))
            start = -1
    if start >= 0:
        runs.append((start, len(modules) - start))
    return runs


def code128_width(text: str, module: float) -> float:
    """Printed width of the symbol with its quiet zones, in points."""
    return (len(code128_modules(text)) + 2 * QUIET_ZONE_MODULES) * module


def draw_code128(canvas: Canvas, text: str, x: float, y: float, *, module: float, height: float) -> float:
    """Draw the symbol with its left quiet zone starting at ``x``; returns the width used.
    The white background under the symbol is painted too, so it scans on tinted paper."""
    modules = code128_modules(text)
    width = code128_width(text, module)
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, width, height, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    left = x + QUIET_ZONE_MODULES * module
    path = canvas.beginPath()
    for first, count in bar_runs(modules):
        path.rect(left + first * module, y, count * module, height)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
    return width


@lru_cache(maxsize=256)
def qr_matrix(text: str) -> tuple[tuple[bool, ...], ...]:
    """The QR module matrix for ``text`` (error correction M)."""
    widget = QrCodeWidget(text, barLevel="M")
    qr = widget.qr
    qr.make()
    count = qr.getModuleCount()
    return tuple(tuple(bool(qr.isDark(r, c)) for c in range(count)) for r in range(count))


def draw_qr(canvas: Canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw a QR code of ``text`` as a ``size`` × ``size`` square (quiet zone of 4 modules
    included) with its lower-left corner at (x, y)."""
    matrix = qr_matrix(text)
    count = len(matrix)
    module = size / (count + 8)
    canvas.saveState()
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    top = y + size - 4 * module
    for r, row in enumerate(matrix):
        c = 0
        while c < count:
            if row[c]:
                start = c
                while c < count and row[c]:
                    c += 1
                path.rect(x + (4 + start) * module, top - (r + 1) * module, (c - start) * module, module)
            else:
                c += 1
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
