"""The scan field: where a keyboard-wedge barcode scanner "types".

A scan ends with Enter or Tab (scanners are set up either way); Tab must not move the focus
away. Text an input method commits (Unikey in Telex mode turns "EE" into "Ê") arrives like
typed text; the core's ``scanning.candidates`` undoes the composition. The field takes the
focus back whenever its view is showing and no dialog is open, so a scan never lands elsewhere.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

ENDS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab)


class ScanField(QLineEdit):
    scanned = Signal(str)  # the raw text of one scan

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.keep_focus = True
        font = QFont(self.font())
        font.setPointSize(font.pointSize() + 6)
        self.setFont(font)
        self.setPlaceholderText(self.tr("Quét mã vạch vào đây"))

    def event(self, event: QEvent) -> bool:
        # Tab would move the focus before keyPressEvent sees it: catch it here
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and event.key() in ENDS:
            self._finish()
            return True
        return super().event(event)

    def _finish(self) -> None:
        text = self.text()
        self.clear()
        if text.strip():
            self.scanned.emit(text)

    def focusOutEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 (Qt name)
        super().focusOutEvent(event)
        if self.keep_focus:
            QTimer.singleShot(0, self._take_focus_back)

    def _take_focus_back(self) -> None:
        if self.keep_focus and self.isVisible() and QApplication.activeModalWidget() is None:
            self.setFocus(Qt.FocusReason.OtherFocusReason)
