"""Small helpers for the UI tests."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget


def type_text(widget: QWidget, text: str) -> None:
    """Type ``text`` one key event per character, as a person or a scanner does (safe for
    Vietnamese, unlike ``qtbot.keyClicks``); "\\n" is the Enter key."""
    for ch in text:
        if ch == "\n":
            key, chars = Qt.Key.Key_Return, "\r"
        else:
            key, chars = Qt.Key.Key_unknown, ch
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QCoreApplication.sendEvent(widget, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, chars))


def press(qtbot, widget: QWidget, hold_ms: int = 60) -> None:  # type: ignore[no-untyped-def]
    """Click ``widget`` as a hand does: press in its middle, hold with the event loop running
    (timers fire, the focus may move), then release."""
    from PySide6.QtTest import QTest

    assert widget.isVisible() and widget.isEnabled(), widget
    centre = widget.rect().center()
    QTest.mousePress(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)
    qtbot.wait(hold_ms)
    QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre)


def decode_barcodes(pdf: bytes, dpi: int = 300) -> list[str]:
    """Render every page at ``dpi`` on white and return the texts of the barcodes found."""
    import pypdfium2 as pdfium
    import zxingcpp

    texts: list[str] = []
    document = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(document)):
            image = document[index].render(scale=dpi / 72, fill_color=(255, 255, 255, 255)).to_pil()
            texts.extend(result.text for result in zxingcpp.read_barcodes(image))
    finally:
        document.close()
    return texts


def read_pdf(path: Path) -> bytes:
    data = path.read_bytes()
    assert data.startswith(b"%PDF"), path
    return data
