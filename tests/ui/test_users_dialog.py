"""Users and passwords from the window (ui/dialogs/users.py, ui/dialogs/password.py): typed and
pressed as a hand does, checked in the core (who can sign in, what the record says)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from oneStop.domain.errors import AuthenticationFailed, UserDisabled
from oneStop.domain.events import Kind
from oneStop.domain.models import Role
from tests.conftest import PASSWORD
from tests.ui.helpers import events, open_loaded, press, type_text
from ui.dialogs.password import ChangePasswordDialog
from ui.dialogs.users import AddUserDialog, ResetPasswordDialog, UsersDialog
from ui.widgets.common import ok_button

NEW = "mat-khau-moi-2026"


def on_screen(*widgets: QWidget) -> None:
    """Each widget shows inside the 1366×768 screen of a counter's PC."""
    for widget in widgets:
        assert widget.isVisible(), widget.objectName()
        screen = widget.screen().geometry()
        assert (screen.width(), screen.height()) == (1366, 768)
        rect = QRect(widget.mapToGlobal(QPoint(0, 0)), widget.size())
        assert screen.contains(rect), (widget.objectName() or type(widget).__name__, rect)


def keys(text: str) -> None:
    """Type ``text`` where the keyboard is, key after key ("\\n": Enter, which may move it)."""
    for ch in text:
        focus = QApplication.focusWidget()
        assert focus is not None
        type_text(focus, ch)


def focused() -> QWidget | None:
    return QApplication.focusWidget()


def open_users(qtbot, app, tasks, user) -> UsersDialog:  # type: ignore[no-untyped-def]
    dialog = open_loaded(qtbot, UsersDialog(app, tasks, user), active_timeout=2000)
    on_screen(dialog, dialog.table, dialog.add_button, dialog.lock_button, dialog.reset_button, dialog.close_button)
    return dialog


def rows(dialog: UsersDialog) -> dict[str, tuple[str, str, str]]:
    table = dialog.table
    return {table.item(r, 0).text(): tuple(table.item(r, c).text() for c in (1, 2, 3))  # type: ignore[misc]
            for r in range(table.rowCount())}


def opened_form(qtbot, dialog: UsersDialog, kind: type):  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: isinstance(dialog.form, kind) and dialog.form.isVisible(), timeout=5000)
    form = dialog.form
    qtbot.waitUntil(lambda: QApplication.activeWindow() is form, timeout=2000)
    on_screen(form, ok_button(form.buttons), *(w for w, _ in form.form.fields.values()))
    return form


def answer_next_box(key) -> QTimer:  # type: ignore[no-untyped-def]
    """Answer the next message box with Alt+``key`` once it has the keyboard, as a hand would;
    the timer's ``seen`` keeps the box's text."""
    seen: list[str] = []
    timer = QTimer()
    timer.setInterval(30)

    def look() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible():
            if not seen:
                seen.append(box.text())
                on_screen(*box.buttons())
            if box.isActiveWindow():
                QTest.keyClick(box, key, Qt.KeyboardModifier.AltModifier)
        elif seen:
            timer.stop()

    timer.timeout.connect(look)
    timer.start()
    timer.seen = seen  # type: ignore[attr-defined]
    return timer


def select_row(qtbot, dialog: UsersDialog, username: str) -> None:  # type: ignore[no-untyped-def]
    """Down the table with the arrow keys to ``username``."""
    dialog.table.setFocus()
    for _ in range(dialog.table.rowCount()):
        chosen = dialog.selected()
        if chosen is not None and chosen.username == username:
            return
        QTest.keyClick(dialog.table, Qt.Key.Key_Down)
    raise AssertionError(f"{username} not in the table")


# --- adding ----------------------------------------------------------------------------------------


def test_an_administrator_adds_a_user_by_keys_who_then_signs_in(qtbot, app, tasks, admin):
    dialog = open_users(qtbot, app, tasks, admin)
    assert rows(dialog) == {"admin": ("Lê Văn Quản", "Quản trị viên", "đang dùng")}
    assert dialog.status.text() == "1 người dùng."
    press(qtbot, dialog.add_button)
    form = opened_form(qtbot, dialog, AddUserDialog)
    assert focused() is form.username
    keys("lan.pt\n")
    keys("Phạm Thị Lan\n")
    assert focused() is form.role
    QTest.keyClick(form.role, Qt.Key.Key_Down)  # Cán bộ tiếp nhận → Lãnh đạo, giám sát
    keys("\n")
    assert focused() is form.password
    keys("mat-khau-cua-lan\n")
    keys("mat-khau-cua-lan\n")  # Enter in the last field adds
    qtbot.waitUntil(lambda: "lan.pt" in rows(dialog), timeout=10000)
    assert rows(dialog)["lan.pt"] == ("Phạm Thị Lan", "Lãnh đạo, giám sát", "đang dùng")
    assert dialog.selected().username == "lan.pt" and dialog.form is None
    assert dialog.status.text() == "Đã thêm người dùng lan.pt. 2 người dùng."
    assert app.auth.login("lan.pt", "mat-khau-cua-lan").role is Role.SUPERVISOR
    (created,) = [e for e in events(app, Kind.USER_CREATED) if e.payload["username"] == "lan.pt"]
    assert created.actor == "admin"


def test_adding_names_each_refusal_under_its_field_and_keeps_what_was_typed(qtbot, app, tasks, admin, official):
    dialog = open_users(qtbot, app, tasks, admin)
    press(qtbot, dialog.add_button)
    form = opened_form(qtbot, dialog, AddUserDialog)
    keys("hoa.nt\n")  # taken already
    keys("\n")  # no full name
    keys("\n")
    keys("ngan\n")
    keys("khac\n")  # not the same twice: said before anything goes to the core
    assert form.form.error("password_again") == "hai lần nhập không khớp"
    assert focused() is form.password_again and form.password_again.selectedText() == "khac"
    assert form.username.text() == "hoa.nt" and form.password.text() == "ngan" and form.isVisible()
    keys("ngan\n")  # the core: a full name is needed, the password is too short
    qtbot.waitUntil(lambda: form.form.error("password") != "", timeout=10000)
    assert form.form.error("full_name") == "không được để trống"
    assert form.form.error("password") == "phải có ít nhất 8 ký tự"
    assert form.form.error("password_again") == "" and form.username.text() == "hoa.nt"
    assert focused() is form.full_name
    keys("Phạm Thị Lan\n\n")
    keys("mat-khau-cua-lan\n")  # Tab and Enter into a field select its text: typing replaces it
    keys("mat-khau-cua-lan\n")
    qtbot.waitUntil(lambda: form.form.error("username") != "", timeout=10000)
    assert form.form.error("username") == "hoa.nt đã có người dùng"
    assert (form.full_name.text(), form.password.text()) == ("Phạm Thị Lan", "mat-khau-cua-lan")
    assert form.form.error("full_name") == form.form.error("password") == ""
    assert focused() is form.username and form.username.selectedText() == "hoa.nt"
    keys("lan.pt")
    press(qtbot, ok_button(form.buttons))
    qtbot.waitUntil(lambda: "lan.pt" in rows(dialog), timeout=10000)
    assert app.auth.login("lan.pt", "mat-khau-cua-lan").full_name == "Phạm Thị Lan"
    assert app.auth.login("hoa.nt", PASSWORD).full_name == "Nguyễn Thị Hoa"  # the other one untouched


# --- locking ---------------------------------------------------------------------------------------


def test_locking_asks_first_and_a_locked_user_cannot_sign_in_until_unlocked(qtbot, app, tasks, admin, official):
    dialog = open_users(qtbot, app, tasks, admin)
    select_row(qtbot, dialog, "hoa.nt")
    assert dialog.lock_button.text() == "&Khóa"
    asked = answer_next_box(Qt.Key.Key_H)  # Hủy: thought better of it
    press(qtbot, dialog.lock_button)
    assert asked.seen and "hoa.nt (Nguyễn Thị Hoa)" in asked.seen[0]
    assert tasks.is_idle() and rows(dialog)["hoa.nt"][2] == "đang dùng"  # nothing was sent to the core
    assert app.auth.login("hoa.nt", PASSWORD).username == "hoa.nt"

    asked = answer_next_box(Qt.Key.Key_K)  # Khóa
    press(qtbot, dialog.lock_button)
    qtbot.waitUntil(lambda: rows(dialog)["hoa.nt"][2] == "đã khóa", timeout=10000)
    assert asked.seen and dialog.selected().username == "hoa.nt"
    assert dialog.lock_button.text() == "Mở &khóa"  # the same Alt key, the other way
    assert dialog.status.text().startswith("Đã khóa tài khoản hoa.nt.")
    with pytest.raises(UserDisabled):
        app.auth.login("hoa.nt", PASSWORD)
    locked = [e for e in events(app, Kind.USER_UPDATED) if "active" in e.payload]
    assert [(e.actor, e.payload) for e in locked] == [("admin", {"username": "hoa.nt", "active": False})]

    dialog.activateWindow()  # a window manager gives the window back its keyboard; offscreen does not
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    QTest.keyClick(dialog, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)  # unlocking asks nothing
    qtbot.waitUntil(lambda: rows(dialog)["hoa.nt"][2] == "đang dùng", timeout=10000)
    assert app.auth.login("hoa.nt", PASSWORD).username == "hoa.nt"


def test_the_last_administrator_locking_themselves_is_refused_in_the_dialog(qtbot, app, tasks, admin, official,
                                                                           error_boxes):
    dialog = open_users(qtbot, app, tasks, admin)
    select_row(qtbot, dialog, "admin")
    asked = answer_next_box(Qt.Key.Key_K)
    press(qtbot, dialog.lock_button)
    assert asked.seen
    qtbot.waitUntil(dialog.error.isVisible, timeout=10000)
    assert "quản trị viên cuối cùng" in dialog.error.text()
    assert rows(dialog)["admin"][2] == "đang dùng" and dialog.lock_button.isEnabled()
    assert app.auth.login("admin", PASSWORD).role is Role.ADMIN
    assert error_boxes == []


# --- passwords -------------------------------------------------------------------------------------


def test_an_administrator_resets_a_users_password(qtbot, app, tasks, admin, official):
    dialog = open_users(qtbot, app, tasks, admin)
    select_row(qtbot, dialog, "hoa.nt")
    QTest.keyClick(dialog, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # Đặt lại &mật khẩu…
    form = opened_form(qtbot, dialog, ResetPasswordDialog)
    assert focused() is form.password and "hoa.nt (Nguyễn Thị Hoa)" in form.intro.text()
    keys("ngan\nngan\n")
    qtbot.waitUntil(lambda: form.form.error("password") != "", timeout=10000)
    assert form.form.error("password") == "phải có ít nhất 8 ký tự" and form.isVisible()
    keys(f"{NEW}\n{NEW}\n")
    qtbot.waitUntil(lambda: dialog.form is None, timeout=10000)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Đã đặt lại mật khẩu của hoa.nt."), timeout=10000)
    assert app.auth.login("hoa.nt", NEW).username == "hoa.nt"
    with pytest.raises(AuthenticationFailed):
        app.auth.login("hoa.nt", PASSWORD)
    assert events(app, Kind.USER_UPDATED)[-1].actor == "admin"


def test_on_their_own_row_an_administrator_is_asked_the_current_password(qtbot, app, tasks, admin):
    dialog = open_users(qtbot, app, tasks, admin)
    select_row(qtbot, dialog, "admin")
    press(qtbot, dialog.reset_button)
    own = opened_form(qtbot, dialog, ChangePasswordDialog)
    assert focused() is own.current
    keys(f"{PASSWORD}\n{NEW}\n{NEW}\n")
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Đã đổi mật khẩu."), timeout=10000)
    assert app.auth.login("admin", NEW).role is Role.ADMIN


def test_changing_ones_own_password_with_a_wrong_current_one_first(qtbot, app, tasks, official):
    dialog = ChangePasswordDialog(app, tasks, official)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=2000)
    on_screen(dialog, dialog.current, dialog.password, dialog.password_again, ok_button(dialog.buttons))
    assert focused() is dialog.current
    for field in (dialog.current, dialog.password, dialog.password_again):
        assert field.echoMode() == field.EchoMode.Password
    keys(f"sai-mat-khau\n{NEW}\n{NEW}\n")
    qtbot.waitUntil(lambda: dialog.form.error("current_password") != "", timeout=10000)
    assert dialog.form.error("current_password") == "Mật khẩu hiện tại không đúng"
    assert dialog.current.property("error") is True and dialog.isVisible()
    assert dialog.password.text() == NEW and dialog.password_again.text() == NEW  # the new one is kept
    assert focused() is dialog.current and dialog.current.selectedText() == "sai-mat-khau"
    assert app.auth.login("hoa.nt", PASSWORD).username == "hoa.nt"
    keys(PASSWORD)
    assert dialog.form.error("current_password") == ""  # the mark goes once the field is typed in
    keys("\n\n\n")  # Enter through the kept new passwords changes it
    qtbot.waitUntil(lambda: dialog.result() == dialog.DialogCode.Accepted, timeout=10000)
    assert dialog.note == "Đã đổi mật khẩu."
    assert app.auth.login("hoa.nt", NEW).username == "hoa.nt"
    changed = [e for e in events(app, Kind.USER_UPDATED) if e.payload["username"] == "hoa.nt"]
    assert [(e.actor, e.payload["password"]) for e in changed] == [("hoa.nt", "changed")]
    (failed,) = events(app, Kind.USER_LOGIN_FAILED)  # the wrong one counted as a failed sign-in
    assert failed.payload == {"username": "hoa.nt", "attempts": 1}


# --- refusals by role ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["official", "supervisor"])
def test_someone_not_an_administrator_sees_the_cores_refusal(qtbot, app, tasks, admin, who, request, error_boxes):
    user = request.getfixturevalue(who)
    dialog = UsersDialog(app, tasks, user)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(dialog.error.isVisible, timeout=10000)
    assert dialog.error.text() == f"Người dùng {user.username} không có quyền quản lý người dùng"
    assert dialog.table.rowCount() == 0 and dialog.status.text() == ""
    assert not any(b.isEnabled() for b in (dialog.add_button, dialog.lock_button, dialog.reset_button))
    assert dialog.close_button.isEnabled() and error_boxes == []
