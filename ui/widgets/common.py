"""Helpers shared by forms: Vietnamese dialog buttons, inline error labels, Enter-to-next-field."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QDoubleSpinBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTextEdit,
    QWidget,
)

#: Application-wide style: fields in error get a red frame (property ``error`` set to true).
STYLE_SHEET = """
*[error="true"] { border: 1px solid #c62828; background-color: #fff3f3; }
QLabel[role="field-error"] { color: #c62828; }
QLabel[role="banner"] { font-size: 15pt; font-weight: bold; color: #1b5e20; padding: 6px; }
QLabel[role="appointment"] { font-size: 12pt; font-weight: bold; color: #0d47a1; }
"""


def dialog_buttons(ok_text: str | None = None, cancel_text: str | None = None, *,
                   cancel: bool = True) -> QDialogButtonBox:
    """OK/Cancel with Vietnamese labels (Qt ships no Vietnamese translation of its own)."""
    box = QDialogButtonBox()
    ok_text = ok_text or QCoreApplication.translate("common", "Đồng ý")
    # no setDefault here: the box makes its first accepting button the dialog's default when it
    # is shown inside the dialog; marked before, the dialog never learned it (Enter then pressed
    # nothing once that button had been pressed and the cursor sent back to a field)
    box.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    if cancel:
        cancel_text = cancel_text or QCoreApplication.translate("common", "Hủy")
        box.addButton(cancel_text, QDialogButtonBox.ButtonRole.RejectRole)
    return box


def ok_button(box: QDialogButtonBox) -> QPushButton:
    """The accepting button of a box made by :func:`dialog_buttons`."""
    accepting = (b for b in box.buttons() if box.buttonRole(b) == QDialogButtonBox.ButtonRole.AcceptRole)
    return next(accepting)  # type: ignore[return-value]


def confirm(parent: QWidget | None, title: str, question: str, yes: str, no: str) -> bool:
    """Ask ``question`` with two buttons (their labels may carry Alt keys); True for ``yes``."""
    box = QMessageBox(QMessageBox.Icon.Question, title, question, parent=parent)
    accept = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is accept


def error_label() -> QLabel:
    """A red label under a field, hidden while empty."""
    label = QLabel()
    label.setProperty("role", "field-error")
    label.setWordWrap(True)
    label.setVisible(False)
    return label


def set_error(widget: QWidget, message: str | None, label: QLabel | None = None,
              on_cleared: Callable[[QWidget], None] | None = None) -> None:
    """Mark ``widget`` in error (red frame) with ``message`` under it, or clear the mark.

    A mark goes by itself as soon as the field is edited (an error that stays after it was put
    right tells something false); ``on_cleared(widget)`` then runs, for a summary to follow."""
    widget.setProperty("error", bool(message))
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    if label is not None:
        label.setText(message or "")
        label.setVisible(bool(message))
    if message:
        widget._onestop_error_label = label  # type: ignore[attr-defined]
        widget._onestop_on_cleared = on_cleared  # type: ignore[attr-defined]
        if not getattr(widget, "_onestop_error_hooked", False):
            signal = _edit_signal(widget)
            if signal is not None:
                signal.connect(lambda *_: _edited(widget))
                widget._onestop_error_hooked = True  # type: ignore[attr-defined]


def _edit_signal(widget: QWidget):  # type: ignore[no-untyped-def]
    """The signal a person's edit of ``widget`` emits, if it has one."""
    if hasattr(widget, "procedure_chosen"):  # the procedure picker
        return widget.procedure_chosen
    if isinstance(widget, QLineEdit):
        return widget.textEdited
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        return widget.textChanged
    if isinstance(widget, (QSpinBox, QDoubleSpinBox)):
        return widget.valueChanged
    if isinstance(widget, QComboBox):
        return widget.currentIndexChanged
    if isinstance(widget, QAbstractButton):
        return widget.toggled
    return None


def _edited(widget: QWidget) -> None:
    if not widget.property("error"):
        return
    set_error(widget, None, getattr(widget, "_onestop_error_label", None))
    widget.setToolTip("")
    on_cleared = getattr(widget, "_onestop_on_cleared", None)
    if on_cleared is not None:
        on_cleared(widget)


class EnterMovesFocus(QObject):
    """Event filter: Enter in a one-line field moves to the next field, as Tab does.

    Counter officials type with one hand on the numeric keypad; Enter is nearer than Tab.
    Check boxes too; push buttons keep Enter (it presses them), multi-line fields and tables
    keep it as well.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if event.type() == QEvent.Type.KeyPress:
            key_event: QKeyEvent = event  # type: ignore[assignment]
            if (
                key_event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and not key_event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
                and isinstance(watched, (QLineEdit, QAbstractSpinBox, QComboBox, QCheckBox))
            ):
                if isinstance(watched, QComboBox) and watched.view().isVisible():
                    return False
                watched.focusNextChild()
                return True
        return False

    def watch(self, *widgets: QWidget) -> None:
        for widget in widgets:
            widget.installEventFilter(self)
