"""The scan field: where a keyboard-wedge barcode scanner "types".

A scan ends with Enter or Tab (scanners are set up either way); Tab must not move the focus
away, so both are taken in :meth:`ScanField.event`, before Qt's focus chain sees them. Text an
input method commits (Unikey in Telex mode turns "EE" into "Ê") arrives as a
``QInputMethodEvent`` and lands in the field like typed text; a composition still pending
(preedit) when Enter comes is part of the scan too. The core's ``scanning.candidates`` undoes
the composition.

The field takes the focus back whenever something else in its own window takes it while the
field is showing (a click on a button or a table of the view), so a scan never lands in the
wrong place; it never takes it from a modal dialog or an open popup, which are other windows,
nor while a mouse button is held down (a button that loses the focus while pressed never
clicks): it waits for the release.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QGuiApplication, QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QWidget

#: Keys that end a scan.
ENDS = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
#: How soon the field takes the focus back after something else of its window took it.
RETAKE_MS = 0
#: While a mouse button is held down (a click on a button is not over until it is released),
#: the field waits and looks again this often.
WHILE_PRESSED_MS = 50
_CHORD = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier


class ScanField(QLineEdit):
    """One line for the scanner; :attr:`scanned` carries the raw text of each scan."""

    scanned = Signal(str)  # the raw text of one scan (the field is empty again)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.keep_focus = True
        self._preedit = ""  # what the input method is composing, not yet committed
        self._consumed_preedit = ""  # a composition sent with the last scan (the IM may commit it late)
        self.setObjectName("scan_field")
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, True)
        font = QFont(self.font())
        font.setPointSize(font.pointSize() + 8)
        self.setFont(font)
        self.setPlaceholderText(self.tr("Quét mã vạch vào đây"))
        self._retake = QTimer(self)
        self._retake.setSingleShot(True)
        self._retake.setInterval(RETAKE_MS)
        self._retake.timeout.connect(self.take_focus)
        application = QApplication.instance()
        if isinstance(application, QApplication):
            application.focusChanged.connect(self._on_focus_changed)

    # --- a scan ----------------------------------------------------------------------------------

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride) and isinstance(event, QKeyEvent) \
                and event.key() in ENDS and not event.modifiers() & _CHORD:
            if kind == QEvent.Type.ShortcutOverride:  # no window shortcut may take Enter or Tab from us
                event.accept()
                return True
            self._finish()  # Tab would move the focus before keyPressEvent could see it
            return True
        return super().event(event)

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:  # noqa: N802 (Qt name)
        commit = event.commitString()
        if self._consumed_preedit and commit == self._consumed_preedit and not self.text():
            # the input method commits a composition that already went out with the last scan
            self._consumed_preedit = ""
            event = QInputMethodEvent(event.preeditString(), event.attributes())
        elif commit or event.preeditString():
            self._consumed_preedit = ""
        self._preedit = event.preeditString()
        super().inputMethodEvent(event)

    @property
    def pending_text(self) -> str:
        """The text as the official sees it: typed and committed text with the composition."""
        text, cursor = self.text(), self.cursorPosition()
        return text[:cursor] + self._preedit + text[cursor:]

    def _finish(self) -> None:
        text = self.pending_text
        if self._preedit:
            self._consumed_preedit = self._preedit
            self._preedit = ""
            super().inputMethodEvent(QInputMethodEvent())  # drop the composition shown in the field
            QGuiApplication.inputMethod().reset()
        self.clear()
        if text.strip():
            self.scanned.emit(text)

    # --- keeping the focus -------------------------------------------------------------------------

    def take_focus(self) -> None:
        """Take the focus if the field is showing and no dialog or popup is open."""
        if not (self.keep_focus and self.isVisible() and self.isEnabled()) or self.hasFocus():
            return
        if QApplication.activeModalWidget() is not None or QApplication.activePopupWidget() is not None:
            return
        if QApplication.mouseButtons() != Qt.MouseButton.NoButton:
            # a button held down loses its press with the focus: the click would never happen
            self._retake.start(WHILE_PRESSED_MS)
            return
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None or new is self or not self.keep_focus or not self.isVisible():
            return
        if new.window() is self.window():  # a dialog or a popup is another window: leave it be
            self._retake.start(RETAKE_MS)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 (Qt name)
        super().showEvent(event)
        self._retake.start(RETAKE_MS)
