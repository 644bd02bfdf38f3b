"""The postal units from the window: added, changed, stopped and used again by hand through the
same core calls as ``onestop postal-units``; the core's refusals in place; the role checked by the core."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTableWidget, QWidget

from oneStop.domain.errors import PermissionDenied, ValidationError
from oneStop.domain.models import Role, User
from oneStop.domain.vocabulary import Kind
from oneStop.services.handover import PostalUnit
from tests.ui import helpers
from tests.ui.helpers import answer_next_question, open_loaded, press, rows, type_text
from ui.dialogs.postal_units import PostalUnitForm, PostalUnitsDialog

SCREEN = QRect(0, 0, 1366, 768)
QP = PostalUnit("BC-QP", "Bưu cục Quảng Phú", "Thôn 1, xã Quảng Phú", "02373000000")


@pytest.fixture
def quang_phu(app, admin) -> PostalUnit:  # type: ignore[no-untyped-def]
    return app.handover.save_postal_unit(admin, QP.code, QP.name, QP.address, QP.phone)


def open_dialog(qtbot, app, tasks, user) -> PostalUnitsDialog:  # type: ignore[no-untyped-def]
    return open_loaded(qtbot, PostalUnitsDialog(app, tasks, user))


def wait_for_form(qtbot, dialog: PostalUnitsDialog) -> PostalUnitForm:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: dialog.form is not None and dialog.form.isVisible(), timeout=5000)
    form = dialog.form
    assert form is not None
    qtbot.waitExposed(form)
    qtbot.waitUntil(form.isActiveWindow, timeout=5000)
    return form


def on_screen(widget: QWidget) -> bool:
    return SCREEN.contains(QRect(widget.mapToGlobal(widget.rect().topLeft()), widget.size()))


def row_place(table: QTableWidget, row: int):  # type: ignore[no-untyped-def]
    return table.visualItemRect(table.item(row, 1)).center()


def click_row(qtbot, table: QTableWidget, row: int) -> None:  # type: ignore[no-untyped-def]
    helpers.click_row(qtbot, table, row, column=1)


def double_click_row(qtbot, table: QTableWidget, row: int) -> None:  # type: ignore[no-untyped-def]
    """What a mouse sends for a double click: a click, then the second press as a double click."""
    place = row_place(table, row)
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, place)
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, place)


def saved_events(app) -> list[tuple[str, dict]]:  # type: ignore[no-untyped-def]
    return [(e.actor, e.payload) for e in helpers.events(app, Kind.POSTAL_UNIT_SAVED)]


def replace_text(widget: QWidget, text: str) -> None:
    QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClick(widget, Qt.Key.Key_Backspace)
    type_text(widget, text)


def test_a_unit_added_by_keys_is_kept_by_the_core_and_offered_for_a_batch(qtbot, app, tasks, admin):
    dialog = open_dialog(qtbot, app, tasks, admin)
    assert dialog.table.rowCount() == 0 and "Chưa có đơn vị" in dialog.status.text()
    assert all(on_screen(w) for w in (dialog, dialog.table, dialog.add_button, dialog.edit_button,
                                      dialog.toggle_button, dialog.close_button))
    QTest.keyClick(dialog, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)  # "&Thêm…"
    form = wait_for_form(qtbot, dialog)
    assert form.code.hasFocus() and not form.code.isReadOnly()
    type_text(form.code, "bc-tx")
    QTest.keyClick(form.code, Qt.Key.Key_Tab)
    type_text(form.name, "Bưu cục Tân Xuân")
    QTest.keyClick(form.name, Qt.Key.Key_Tab)
    type_text(form.address, "Xã Tân Xuân")
    QTest.keyClick(form.address, Qt.Key.Key_Tab)
    assert all(on_screen(w) for w in (form, form.code, form.name, form.address, form.phone, form.buttons))
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        type_text(form.phone, "0237 3111 222\n")  # Enter saves
    assert dialog.form is None
    unit = PostalUnit("BC-TX", "Bưu cục Tân Xuân", "Xã Tân Xuân", "0237 3111 222", True)
    assert app.handover.postal_units() == [unit]  # what the handover screen offers when a batch is opened
    assert saved_events(app) == [("admin", {"code": "BC-TX", "name": "Bưu cục Tân Xuân", "address": "Xã Tân Xuân",
                                            "phone": "0237 3111 222", "active": True})]
    assert rows(dialog.table) == [("BC-TX", "Bưu cục Tân Xuân", "Xã Tân Xuân", "0237 3111 222", "Đang dùng")]
    assert dialog.table.currentRow() == 0 and "Đã lưu BC-TX" in dialog.status.text()


def test_a_unit_is_changed_from_its_row_by_enter_and_by_a_double_click(qtbot, app, tasks, admin, quang_phu):
    dialog = open_dialog(qtbot, app, tasks, admin)
    assert dialog.table.hasFocus() and dialog.table.currentRow() == 0
    QTest.keyClick(dialog.table, Qt.Key.Key_Return)  # Enter on the row
    form = wait_for_form(qtbot, dialog)
    assert form.code.text() == "BC-QP" and form.code.isReadOnly() and form.name.hasFocus()
    replace_text(form.name, "Bưu điện văn hóa xã Quảng Phú")
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        QTest.keyClick(form.name, Qt.Key.Key_Return)
    assert app.handover.postal_units() == [PostalUnit("BC-QP", "Bưu điện văn hóa xã Quảng Phú", QP.address, QP.phone)]
    assert rows(dialog.table)[0][1] == "Bưu điện văn hóa xã Quảng Phú"

    double_click_row(qtbot, dialog.table, 0)
    form = wait_for_form(qtbot, dialog)
    assert form.name.text() == "Bưu điện văn hóa xã Quảng Phú"
    form.phone.setFocus(Qt.FocusReason.TabFocusReason)
    replace_text(form.phone, "02373999999")
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        press(qtbot, next(b for b in form.buttons.buttons() if b.text() == "&Lưu"))
    assert app.handover.postal_units()[0].phone == "02373999999"
    assert [actor for actor, _ in saved_events(app)] == ["admin"] * 3


def test_an_empty_name_is_refused_under_the_name_and_the_typed_text_stays(qtbot, app, tasks, admin, quang_phu):
    dialog = open_dialog(qtbot, app, tasks, admin)
    press(qtbot, dialog.add_button)
    form = wait_for_form(qtbot, dialog)
    type_text(form.code, "BC-HL")
    form.address.setFocus(Qt.FocusReason.TabFocusReason)
    type_text(form.address, "Thôn Hòa Lộc")
    QTest.keyClick(form.address, Qt.Key.Key_Return)
    qtbot.waitUntil(form.name_error.isVisible, timeout=10000)
    assert form.name_error.text() == "không được để trống"  # the core's words, under the name
    assert form.name.property("error") is True and form.name.hasFocus()
    assert not form.code_error.isVisible() and form.code.property("error") is not True
    assert form.isVisible() and dialog.form is form
    assert (form.code.text(), form.address.text()) == ("BC-HL", "Thôn Hòa Lộc")
    assert on_screen(form.name_error)
    assert [u.code for u in app.handover.postal_units(include_inactive=True)] == ["BC-QP"]
    type_text(form.name, "B")  # an edit takes the mark away …
    assert not form.name_error.isVisible()
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        type_text(form.name, "ưu cục Hòa Lộc\n")  # … and the unit is saved as typed
    assert app.handover.postal_units()[0] == PostalUnit("BC-HL", "Bưu cục Hòa Lộc", "Thôn Hòa Lộc", "", True)


def test_the_cores_refusal_of_an_empty_name_names_the_name_and_keeps_its_sentence(app, admin):
    with pytest.raises(ValidationError) as refused:
        app.handover.save_postal_unit(admin, "BC-HL", "  ")
    assert refused.value.field == "postal_unit_name"  # a form puts it under the name, not the code
    assert str(refused.value) == "Đơn vị bưu chính: không được để trống"  # what the command line printed
    with pytest.raises(ValidationError) as refused:
        app.handover.save_postal_unit(admin, "", "Bưu cục Hòa Lộc")
    assert refused.value.field == "postal_unit"


def test_stopping_asks_first_then_the_unit_is_no_longer_offered_and_can_be_used_again(qtbot, app, tasks, admin,
                                                                                     quang_phu):
    app.handover.save_postal_unit(admin, "BC-TX", "Bưu cục Tân Xuân")
    dialog = open_dialog(qtbot, app, tasks, admin)
    click_row(qtbot, dialog.table, 0)
    assert dialog.toggle_button.text() == "&Ngừng dùng"

    asked = answer_next_question(Qt.Key.Key_K)  # "&Không"
    press(qtbot, dialog.toggle_button)
    qtbot.waitUntil(lambda: bool(asked), timeout=5000)
    assert "BC-QP" in asked[0]
    qtbot.wait(100)
    assert [u.code for u in app.handover.postal_units()] == ["BC-QP", "BC-TX"]

    asked = answer_next_question(Qt.Key.Key_N)  # "&Ngừng dùng"
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        press(qtbot, dialog.toggle_button)
    assert asked
    assert [u.code for u in app.handover.postal_units()] == ["BC-TX"]  # the batch dialog no longer offers it
    assert app.handover.postal_units(include_inactive=True)[0] == PostalUnit(QP.code, QP.name, QP.address, QP.phone,
                                                                             active=False)
    assert rows(dialog.table)[0][4] == "Ngừng dùng" and dialog.table.currentRow() == 0
    assert dialog.toggle_button.text() == "&Dùng lại" and "Đã ngừng dùng BC-QP" in dialog.status.text()
    assert saved_events(app)[-1] == ("admin", {"code": "BC-QP", "name": QP.name, "address": QP.address,
                                               "phone": QP.phone, "active": False})

    with qtbot.waitSignal(dialog.loaded, timeout=10000):  # using it again asks nothing
        QTest.keyClick(dialog, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # "&Dùng lại"
    assert [u.code for u in app.handover.postal_units()] == ["BC-QP", "BC-TX"]
    assert rows(dialog.table)[0][4] == "Đang dùng"


@pytest.mark.parametrize("role_fixture", ["official", "postal"])
def test_other_roles_see_the_list_read_only_and_the_core_refuses_them(qtbot, app, tasks, quang_phu, role_fixture,
                                                                      request):
    user = request.getfixturevalue(role_fixture)
    dialog = open_dialog(qtbot, app, tasks, user)
    assert rows(dialog.table) == [("BC-QP", QP.name, QP.address, QP.phone, "Đang dùng")]
    click_row(qtbot, dialog.table, 0)
    assert not any(b.isEnabled() for b in (dialog.add_button, dialog.edit_button, dialog.toggle_button))
    QTest.keyClick(dialog.table, Qt.Key.Key_Return)
    qtbot.wait(100)
    assert dialog.form is None
    with pytest.raises(PermissionDenied):
        app.handover.save_postal_unit(user, "BC-QP", QP.name, active=False)
    assert app.handover.postal_units() == [QP]


def test_a_window_that_still_believes_its_user_an_administrator_shows_the_cores_refusal(qtbot, app, tasks, official,
                                                                                        quang_phu):
    stale = User(official.username, official.full_name, Role.ADMIN, True)  # the database says: an official
    dialog = open_dialog(qtbot, app, tasks, stale)
    QTest.keyClick(dialog.table, Qt.Key.Key_Return)
    form = wait_for_form(qtbot, dialog)
    replace_text(form.name, "Tên khác")
    QTest.keyClick(form.name, Qt.Key.Key_Return)
    qtbot.waitUntil(form.error.isVisible, timeout=10000)
    assert form.error.text() == "Người dùng hoa.nt không có quyền thay đổi thiết lập"
    assert form.isVisible() and form.name.text() == "Tên khác" and app.handover.postal_units() == [QP]
