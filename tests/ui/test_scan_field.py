"""The scan field as a keyboard-wedge scanner and an input method drive it: fast key events into
the real widget, Enter- or Tab-terminated, compositions committed by an input method."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialog, QLineEdit, QPushButton, QVBoxLayout, QWidget

from tests.ui.helpers import type_text
from ui.widgets.scan_field import ScanField

CODE = "000.17.22.H56-261123-0001"


@pytest.fixture
def screen(qtbot):  # type: ignore[no-untyped-def]
    """A window with the scan field, a button and another field, as a view has."""
    window = QWidget()
    field = ScanField()
    button = QPushButton("Đóng lô")
    other = QLineEdit()
    layout = QVBoxLayout(window)
    for widget in (field, button, other):
        layout.addWidget(widget)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    return window, field, button, other


def scans(qtbot, field):  # type: ignore[no-untyped-def]
    got: list[str] = []
    field.scanned.connect(got.append)
    return got


def commit(widget: QWidget, text: str, preedit: str = "") -> None:
    event = QInputMethodEvent(preedit, [])
    event.setCommitString(text)
    QCoreApplication.sendEvent(widget, event)


def test_a_wedge_scan_ends_with_enter_and_clears_the_field(qtbot, screen):
    _window, field, _button, _other = screen
    got = scans(qtbot, field)
    type_text(field, CODE + "\n")  # one key event per character, as the scanner types
    assert got == [CODE] and field.text() == "" and field.hasFocus()


@pytest.mark.parametrize("end, modifier", [
    (Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier),
    (Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier),
])
def test_tab_or_keypad_enter_ends_a_scan_and_the_focus_stays(qtbot, screen, end, modifier):
    _window, field, _button, other = screen
    got = scans(qtbot, field)
    QTest.keyClicks(field, "RR123456785VN")
    QTest.keyClick(field, end, modifier)
    assert got == ["RR123456785VN"] and field.hasFocus() and not other.hasFocus()


def test_two_scans_back_to_back_come_out_separately_and_an_empty_enter_is_nothing(qtbot, screen):
    _window, field, _button, _other = screen
    got = scans(qtbot, field)
    type_text(field, "\n" + CODE + "\nRR123456785VN\n\n")
    assert got == [CODE, "RR123456785VN"]


def test_text_an_input_method_commits_is_part_of_the_scan(qtbot, screen):
    _window, field, _button, _other = screen
    got = scans(qtbot, field)
    QCoreApplication.sendEvent(field, QInputMethodEvent("E", []))  # Telex composing the first "E"
    commit(field, "Ê")  # … the second "E" makes it "Ê", committed
    QTest.keyClicks(field, "471108151FR")
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert got == ["Ê471108151FR"] and field.hasFocus()


def test_a_composition_still_pending_at_enter_goes_with_the_scan_and_is_not_committed_twice(qtbot, screen):
    _window, field, _button, _other = screen
    got = scans(qtbot, field)
    QTest.keyClicks(field, "RR1234567")
    QCoreApplication.sendEvent(field, QInputMethodEvent("8", []))
    assert field.pending_text == "RR12345678"
    QTest.keyClick(field, Qt.Key.Key_Return)
    commit(field, "8")  # the input method commits its composition late: it already went out
    QTest.keyClicks(field, "EB000717618HK")
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert got == ["RR12345678", "EB000717618HK"]


def test_the_field_takes_the_focus_back_from_the_rest_of_its_window(qtbot, screen):
    _window, field, button, other = screen
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    other.setFocus()
    qtbot.waitUntil(field.hasFocus, timeout=2000)
    got = scans(qtbot, field)
    type_text(field, CODE + "\n")
    assert got == [CODE]


def test_the_field_never_takes_the_focus_from_a_modal_dialog(qtbot, screen):
    window, field, _button, _other = screen
    dialog = QDialog(window)
    dialog.setModal(True)
    entry = QLineEdit(dialog)
    QVBoxLayout(dialog).addWidget(entry)
    dialog.open()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    entry.setFocus()
    qtbot.waitUntil(entry.hasFocus, timeout=2000)
    qtbot.wait(50)
    type_text(entry, "Bùi Thị Tâm")  # what the official types in the dialog stays there
    assert entry.hasFocus() and not field.hasFocus() and entry.text() == "Bùi Thị Tâm"
    dialog.reject()
    window.activateWindow()
    qtbot.waitUntil(field.hasFocus, timeout=2000)


def test_a_hidden_field_does_not_take_the_focus(qtbot, screen):
    _window, field, _button, other = screen
    field.hide()
    other.setFocus()
    qtbot.wait(20)
    assert other.hasFocus()
    field.keep_focus = False
    field.show()
    qtbot.wait(20)
    assert other.hasFocus()


def test_ctrl_enter_is_not_a_scan(qtbot, screen):
    _window, field, _button, _other = screen
    got = scans(qtbot, field)
    QTest.keyClicks(field, "abc")
    QCoreApplication.sendEvent(field, QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Return,
                                                Qt.KeyboardModifier.ControlModifier, "\r"))
    assert got == [] and field.text() == "abc"


@pytest.mark.parametrize("hold_ms", [30, 100])
def test_a_button_that_takes_the_focus_still_clicks_when_pressed_and_held(qtbot, screen, hold_ms):
    """The button takes the focus on the press; the field waits for the release before taking it
    back, or the button would lose its press and never click."""
    from tests.ui.helpers import press

    _window, field, button, _other = screen
    assert button.focusPolicy() == Qt.FocusPolicy.StrongFocus  # a click gives it the focus
    clicks: list[bool] = []
    button.clicked.connect(lambda: clicks.append(True))
    press(qtbot, button, hold_ms)
    assert clicks == [True]
    qtbot.waitUntil(field.hasFocus, timeout=2000)  # and the scanner's field has it again
