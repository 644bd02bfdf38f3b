"""Small helpers for the UI tests."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QTableWidget, QWidget


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


def press(qtbot, widget: QWidget, hold_ms: int = 60, *, at: QPoint | None = None) -> None:  # type: ignore[no-untyped-def]
    """Click ``widget`` as a hand does: press in its middle (or ``at``), hold with the event loop
    running (timers fire, the focus may move), then release."""
    assert widget.isVisible() and widget.isEnabled(), widget
    place = widget.rect().center() if at is None else at
    QTest.mousePress(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, place)
    qtbot.wait(hold_ms)
    QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, place)


def click_row(qtbot, table: QTableWidget, row: int, column: int = 0) -> None:  # type: ignore[no-untyped-def]
    """A hand's click on a table's cell."""
    press(qtbot, table.viewport(), at=table.visualItemRect(table.item(row, column)).center())


def rows(table: QTableWidget) -> list[tuple[str, ...]]:
    """The texts of a table, row by row."""
    return [tuple(table.item(r, c).text() for c in range(table.columnCount())) for r in range(table.rowCount())]


def open_loaded(qtbot, dialog: QWidget, *, active_timeout: int = 5000) -> QWidget:  # type: ignore[no-untyped-def]
    """Show a dialog that says «Đang tải…» until it has what it shows (its ``loaded`` signal),
    and wait until it has the keyboard."""
    qtbot.addWidget(dialog)
    assert dialog.status.text() == "Đang tải…"
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=active_timeout)
    return dialog


def opened(qtbot, dialog):  # type: ignore[no-untyped-def]
    """Show a dialog and wait until it has loaded what it shows (its ``is_loaded``)."""
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.is_loaded, timeout=10000)
    return dialog


def answer_next_question(key: Qt.Key) -> list[str]:
    """Answer the next confirmation with Alt+``key``, as a hand does; what it asked is returned."""
    asked: list[str] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        QTest.keyClick(box, key, Qt.KeyboardModifier.AltModifier)

    QTimer.singleShot(150, answer)
    return asked


def events(app, kind: str):  # type: ignore[no-untyped-def]
    """The events of ``kind`` recorded here, in order."""
    from sqlalchemy import select

    from oneStop.persistence.models import EventRow

    with app.uow() as uow:
        return list(uow.session.scalars(select(EventRow).where(EventRow.kind == kind).order_by(EventRow.seq)))


def on_screen(*widgets: QWidget) -> None:
    """Every widget is shown and lies inside its screen."""
    for widget in widgets:
        assert widget.isVisible(), widget.objectName()
        screen = widget.screen().geometry()
        rect = QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())
        assert screen.adjusted(-4, -4, 4, 4).contains(rect), (widget.objectName() or type(widget).__name__, rect)


def keys(widget: QWidget, text: str) -> None:
    """Type ASCII ``text`` as key clicks (QTest: the key's code too, as a keyboard sends it)."""
    for ch in text:
        QTest.keyClick(widget, ch)


def open_window(qtbot, app, tasks, user):  # type: ignore[no-untyped-def]
    """The main window of ``user`` on the 1366×768 screen, loaded; its status bar on screen."""
    from ui.main_window import MainWindow

    main = MainWindow(app, tasks, user)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.activateWindow()
    main.start()
    qtbot.waitUntil(lambda: main.is_ready, timeout=5000)
    assert main.screen().geometry().size() == QSize(1366, 768)
    on_screen(main.statusBar())
    return main


def answer_next_dialog(step) -> QTimer:  # type: ignore[no-untyped-def]
    """``step(dialog)`` on the next modal dialog, on its own turn of the event loop."""
    timer = QTimer()
    timer.setInterval(30)
    done: list[bool] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is not None and not done:
            done.append(True)
            timer.stop()
            on_screen(dialog)
            QTimer.singleShot(0, lambda: step(dialog))

    timer.timeout.connect(look)
    timer.start()
    return timer


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
