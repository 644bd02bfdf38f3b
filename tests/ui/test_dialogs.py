"""First start and sign-in."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog

from oneStop.domain.models import Role
from tests.conftest import AGENCY_CODE, PASSWORD
from ui.dialogs.first_run import FirstRunDialog
from ui.dialogs.login import LoginDialog


def fill_first_run(dialog: FirstRunDialog, **overrides: object) -> None:
    values: dict[str, object] = dict(
        agency_name="Bộ phận tiếp nhận và trả kết quả UBND xã Quảng Phú", managing_agency="UBND xã Quảng Phú",
        agency_code=AGENCY_CODE, province="Thanh Hóa", place="Quảng Phú", counter=2,
        admin_username="quantri", admin_full_name="Lê Văn Quản", admin_password=PASSWORD,
        admin_password_again=PASSWORD)
    values.update(overrides)
    for name, value in values.items():
        widget = getattr(dialog, name)
        widget.setValue(value) if name == "counter" else widget.setText(value)


@pytest.fixture
def first_run(qtbot, app, tasks) -> FirstRunDialog:  # type: ignore[no-untyped-def]
    dialog = FirstRunDialog(app, tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_first_run_dialog_sets_up_an_empty_data_folder(qtbot, app, first_run):
    assert not app.setup.is_set_up()
    fill_first_run(first_run)
    with qtbot.waitSignal(first_run.accepted, timeout=10000):
        first_run.buttons.accepted.emit()
    assert first_run.admin.username == "quantri" and first_run.admin.role is Role.ADMIN
    assert app.setup.is_set_up()
    assert app.setup.counter().number == 2
    assert app.setup.agency().managing_agency == "UBND xã Quảng Phú"  # as typed (the papers capitalise their header)
    assert app.catalog.search("dang ky khai sinh")  # the sample catalog was loaded
    assert app.auth.login("quantri", PASSWORD).username == "quantri"


def test_the_first_run_dialog_shows_each_refused_field_under_it(qtbot, app, first_run):
    fill_first_run(first_run, agency_code="khong-hop-le", admin_username="Quản Trị", province="")
    first_run.buttons.accepted.emit()
    widget, label = first_run._fields["agency_code"]
    qtbot.waitUntil(label.isVisible, timeout=10000)
    assert widget.property("error") is True
    assert label.text()  # the core's Vietnamese reason
    assert first_run._fields["username"][1].isVisible()
    assert "không được để trống" in first_run._fields["province"][1].text()
    assert not first_run._fields["agency_name"][1].isVisible()
    assert not app.setup.is_set_up()
    assert first_run.result() != QDialog.DialogCode.Accepted


def test_the_two_passwords_must_match(qtbot, app, first_run):
    fill_first_run(first_run, admin_password_again="khac-mat-khau")
    first_run.buttons.accepted.emit()
    assert first_run._fields["password"][1].text() == "hai lần nhập không khớp"
    qtbot.wait(50)
    assert not app.setup.is_set_up()


def test_login_with_a_wrong_password_says_so_and_a_right_one_signs_in(qtbot, app, tasks, official):
    dialog = LoginDialog(app, tasks, agency_name="UBND XÃ QUẢNG PHÚ")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username.setText("hoa.nt")
    dialog.password.setText("sai-mat-khau")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=10000)
    assert dialog.error.text() == "Tên đăng nhập hoặc mật khẩu không đúng"
    dialog.password.setText(PASSWORD)
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        dialog.buttons.accepted.emit()
    assert dialog.user == official


def test_a_refused_fields_label_goes_once_the_field_is_typed_in(qtbot, app, first_run):
    from PySide6.QtTest import QTest

    fill_first_run(first_run, province="")
    first_run.buttons.accepted.emit()
    widget, label = first_run._fields["province"]
    qtbot.waitUntil(label.isVisible, timeout=10000)
    widget.setFocus()
    for ch in "Thanh Hoa":
        QTest.keyClick(widget, ch)
    assert not label.isVisible() and widget.property("error") is False


def test_after_a_wrong_password_the_sign_in_keeps_its_layout_and_enter_signs_in(qtbot, app, tasks, official):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    dialog = LoginDialog(app, tasks, agency_name="UBND XÃ QUẢNG PHÚ")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    size = dialog.size()
    places = {name: getattr(dialog, name).geometry() for name in ("username", "password", "buttons")}
    dialog.username.setFocus()
    for ch in "hoa.nt":
        QTest.keyClick(dialog.username, ch)
    QTest.keyClick(dialog.username, Qt.Key.Key_Return)  # Enter goes on to the password
    for ch in "sai-mat-khau":
        QTest.keyClick(dialog.password, ch)
    QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error.text() != "", timeout=10000)
    assert dialog.error.text() == "Tên đăng nhập hoặc mật khẩu không đúng"
    qtbot.wait(50)
    assert dialog.size() == size  # nothing jumps under the official's eyes
    assert {name: getattr(dialog, name).geometry() for name in places} == places
    for ch in PASSWORD:  # the wrong one is selected: typing replaces it
        QTest.keyClick(dialog.password, ch)
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)
    assert dialog.user == official


def test_enter_in_a_field_presses_the_default_button_after_it_was_pressed_by_hand(qtbot):
    """``dialog_buttons`` marked its button default before the box was in a dialog: the dialog
    never learned it, and after a press by hand and the cursor back in a field Enter did nothing."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout

    from tests.ui.helpers import press
    from ui.widgets.common import dialog_buttons, ok_button

    dialog, field, box = QDialog(), QLineEdit(), dialog_buttons("Lưu")
    layout = QVBoxLayout(dialog)
    layout.addWidget(field)
    layout.addWidget(box)
    pressed: list[int] = []
    box.accepted.connect(lambda: pressed.append(1))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    press(qtbot, ok_button(box))
    field.setFocus()
    QTest.keyClick(field, Qt.Key.Key_Return)
    assert pressed == [1, 1]
