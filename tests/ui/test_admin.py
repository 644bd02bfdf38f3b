"""Administration from the window, as a hand does it: the Quản trị menu per role, the agency's
settings, the regulation profiles, signing out and in again."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from oneStop import settings as S
from oneStop.domain.clock import local_date
from oneStop.domain.events import Kind
from tests.conftest import PASSWORD
from tests.ui.helpers import answer_next_dialog, events, keys, on_screen, open_window, press
from ui.dialogs.agency_settings import AgencySettingsDialog
from ui.dialogs.login import LoginDialog
from ui.dialogs.profiles import ProfilesDialog


def menu_titles(main) -> list[str]:  # type: ignore[no-untyped-def]
    return [a.text() for a in main.menuBar().actions()]


# --- the menu ------------------------------------------------------------------------------------------


def test_only_a_role_that_administers_gets_the_administration_menu(qtbot, app, tasks, official, postal, supervisor,
                                                                   admin):
    for user in (official, postal, supervisor):
        main = open_window(qtbot, app, tasks, user)
        assert "&Quản trị" not in menu_titles(main), user.role
        main.close()
    main = open_window(qtbot, app, tasks, admin)
    assert "&Quản trị" in menu_titles(main)
    assert all(action.isEnabled() for action in main.admin_actions.values())
    assert set(main.admin_actions) == {"users", "agency_settings", "calendar", "postal_units", "profiles",
                                       "usb_export", "usb_import", "backup", "restore"}
    # everyone changes their own password and signs out
    assert main.password_action.isEnabled() and main.sign_out_action.isEnabled()


def test_every_administration_item_opens_its_dialog_by_keys(qtbot, app, tasks, admin):
    from ui.dialogs.backup import BackupDialog, RestoreDialog
    from ui.dialogs.calendar import CalendarDialog
    from ui.dialogs.postal_units import PostalUnitsDialog
    from ui.dialogs.usb import UsbExportDialog, UsbImportDialog
    from ui.dialogs.users import UsersDialog

    expected = {"users": UsersDialog, "agency_settings": AgencySettingsDialog, "calendar": CalendarDialog,
                "postal_units": PostalUnitsDialog, "profiles": ProfilesDialog, "usb_export": UsbExportDialog,
                "usb_import": UsbImportDialog, "backup": BackupDialog, "restore": RestoreDialog}
    main = open_window(qtbot, app, tasks, admin)
    letters = [a.text()[a.text().index("&") + 1].lower() for a in main.admin_menu.actions() if "&" in a.text()]
    assert len(letters) == len(set(letters))  # one Alt key each
    for name, action in main.admin_actions.items():
        opened: list[QWidget] = []

        def close(dialog: QWidget) -> None:
            opened.append(dialog)
            qtbot.waitUntil(tasks.is_idle, timeout=5000)  # what it loads, loaded
            QTest.keyClick(dialog, Qt.Key.Key_Escape)

        answer_next_dialog(close)
        main.activateWindow()
        qtbot.waitUntil(main.isActiveWindow, timeout=3000)
        QTest.keyClick(main, Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)  # Alt+Q: Quản trị
        qtbot.waitUntil(main.admin_menu.isVisible, timeout=3000)
        letter = action.text()[action.text().index("&") + 1]
        QTest.keyClick(main.admin_menu, getattr(Qt.Key, f"Key_{letter.upper()}"))
        qtbot.waitUntil(lambda: bool(opened), timeout=5000)
        assert isinstance(opened[0], expected[name]), name
        qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=3000)
    qtbot.waitUntil(tasks.is_idle, timeout=5000)


# --- the agency's settings -----------------------------------------------------------------------------


def settings_dialog(qtbot, app, tasks, user) -> AgencySettingsDialog:  # type: ignore[no-untyped-def]
    dialog = AgencySettingsDialog(app, tasks, user)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    qtbot.waitUntil(lambda: dialog.editors[S.WORK_START.key].hasFocus(), timeout=5000)
    on_screen(dialog)
    return dialog


def retype(widget: QWidget, text: str) -> None:
    """Select what the field holds and type over it."""
    widget.setFocus()
    QTest.keyClick(widget, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    keys(widget, text)


def test_an_administrator_changes_hours_cutoff_targets_and_the_block_by_keys(qtbot, app, tasks, admin):
    dialog = settings_dialog(qtbot, app, tasks, admin)
    editors = dialog.editors
    assert editors[S.WORK_END.key].time().toString("HH:mm") == "17:00"
    assert dialog._cutoff_on.isChecked() and editors[S.CUTOFF.key].time().toString("HH:mm") == "15:00"
    assert editors[S.WORK_START.key].hasFocus()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    keys(QApplication.focusWidget(), "1630")  # Tab selected the hour: 16, then the minutes: 30
    for _ in range(2):  # Tab leaves the time (not only its hours): past the cut-off's time to its tick
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert dialog._cutoff_on.hasFocus()
    QTest.keyClick(dialog._cutoff_on, Qt.Key.Key_Space)  # no cut-off
    retype(editors[S.TARGET_POSTAL_IN.key], "12")
    retype(editors[S.CODE_BLOCK_SIZE.key], "2000")
    on_screen(*editors.values())
    assert dialog.changes() == {S.WORK_END.key: "16:30", S.CUTOFF.key: "", S.TARGET_POSTAL_IN.key: 12,
                                S.CODE_BLOCK_SIZE.key: 2000}
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        press(qtbot, save_button(dialog))
    assert app.settings.get(S.WORK_END) == "16:30" and app.settings.get(S.CUTOFF) == ""
    assert app.settings.get(S.TARGET_POSTAL_IN) == 12
    tomorrow = local_date(app.clock()) + timedelta(days=1)
    assert app.settings.get(S.CODE_BLOCK_SIZE) == 1000  # the day's block stays; the new one from tomorrow
    assert app.settings.pending()[S.CODE_BLOCK_SIZE.key] == (2000, tomorrow)
    assert f"{tomorrow:%d/%m/%Y}" in dialog.note
    changed = events(app, Kind.SETTING_CHANGED)
    assert {e.payload["key"] for e in changed} == {S.WORK_END.key, S.CUTOFF.key, S.TARGET_POSTAL_IN.key,
                                                   S.CODE_BLOCK_SIZE.key}
    assert {e.actor for e in changed} == {admin.username}
    # opened again, it shows what is in force and what waits for tomorrow
    again = settings_dialog(qtbot, app, tasks, admin)
    assert not again._cutoff_on.isChecked() and not again.editors[S.CUTOFF.key].isEnabled()
    note = again.pending_notes[S.CODE_BLOCK_SIZE.key]
    assert note.isVisible() and "2000" in note.text() and f"{tomorrow:%d/%m/%Y}" in note.text()


def save_button(dialog):  # type: ignore[no-untyped-def]
    from ui.widgets.common import ok_button

    return ok_button(dialog.buttons)


def test_a_refused_value_is_shown_under_its_field_and_nothing_is_saved(qtbot, app, tasks, admin):
    dialog = settings_dialog(qtbot, app, tasks, admin)
    retype(dialog.editors[S.TARGET_POSTAL_OUT.key], "30")
    retype(dialog.editors[S.TRACKING_FORMATS.key], "AB{99999}")
    press(qtbot, save_button(dialog))
    error = dialog.errors[S.TRACKING_FORMATS.key]
    assert error.isVisible() and error.text()
    assert dialog.isVisible() and dialog.editors[S.TRACKING_FORMATS.key].text() == "AB{99999}"
    assert app.settings.get(S.TARGET_POSTAL_OUT) == 20 and events(app, Kind.SETTING_CHANGED) == []
    # fixed, the error goes and both are saved
    retype(dialog.editors[S.TRACKING_FORMATS.key], "EE\\d{9}VN")
    assert not error.isVisible()
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        press(qtbot, save_button(dialog))
    assert app.settings.get(S.TARGET_POSTAL_OUT) == 30 and app.settings.get(S.TRACKING_FORMATS) == "EE\\d{9}VN"


def test_the_core_refuses_a_block_the_counters_cannot_share_and_the_dialog_says_so(qtbot, tasks, tmp_path):
    from oneStop.services.app import App
    from tests.conftest import setup_request

    with App(tmp_path / "quay3") as app:
        admin = app.setup.set_up(setup_request(counter=3))
        dialog = settings_dialog(qtbot, app, tasks, admin)
        retype(dialog.editors[S.CODE_BLOCK_SIZE.key], "5000")  # 4 digits: room for 2 counters, not counter 3
        retype(dialog.editors[S.TARGET_POSTAL_IN.key], "9")
        press(qtbot, save_button(dialog))
        error = dialog.errors[S.CODE_BLOCK_SIZE.key]
        qtbot.waitUntil(error.isVisible, timeout=5000)
        assert "quầy số 3" in error.text() and dialog.isVisible()
        assert app.settings.get(S.TARGET_POSTAL_IN) == 5  # the block is tried first: nothing saved
        assert events(app, Kind.SETTING_CHANGED) == []
        qtbot.waitUntil(tasks.is_idle, timeout=5000)


def test_a_supervisor_sees_the_core_refuse_the_change(qtbot, app, tasks, supervisor):
    dialog = settings_dialog(qtbot, app, tasks, supervisor)
    retype(dialog.editors[S.TARGET_POSTAL_IN.key], "50")
    press(qtbot, save_button(dialog))
    qtbot.waitUntil(lambda: "thay đổi thiết lập" in dialog.status.text(), timeout=5000)
    assert dialog.isVisible() and app.settings.get(S.TARGET_POSTAL_IN) == 5


# --- the regulation profiles ---------------------------------------------------------------------------


def profiles_dialog(qtbot, app, tasks, user) -> ProfilesDialog:  # type: ignore[no-untyped-def]
    dialog = ProfilesDialog(app, tasks, user)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() > 0, timeout=5000)
    on_screen(dialog, dialog.publish_button)
    return dialog


def test_the_profile_in_force_today_is_marked_with_its_forms(qtbot, app, tasks, admin):
    dialog = profiles_dialog(qtbot, app, tasks, admin)
    today = app.profiles.for_day(local_date(app.clock()))
    assert dialog.in_force == today.id and today.id in dialog.status.text()
    row = dialog.table.currentRow()
    assert dialog.table.item(row, 0).text() == today.id and dialog.table.item(row, 0).font().bold()
    numbers = {dialog.forms.item(r, 1).text() for r in range(dialog.forms.rowCount())}
    assert numbers == {spec.number for spec in today.forms.values()}


def test_an_administrator_publishes_a_profile_from_a_file_and_a_bad_file_is_named(qtbot, app, tasks, admin,
                                                                                  tmp_path, monkeypatch):
    bundled = app.profiles.for_day(local_date(app.clock()))
    data = {"id": "thu-nghiem-2027", "name": "Bộ thử nghiệm 2027", "effective_from": "2027-01-01",
            "forms": {k: {"number": f.number, "title": f.title} for k, f in bundled.forms.items()}}
    good, bad = tmp_path / "bo-moi.json", tmp_path / "hong.json"
    good.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    bad.write_text("{khong phai json", encoding="utf-8")
    dialog = profiles_dialog(qtbot, app, tasks, admin)
    chosen = [str(bad), str(good)]
    monkeypatch.setattr(ProfilesDialog, "ask_profile_file", staticmethod(lambda parent: chosen.pop(0)))
    press(qtbot, dialog.publish_button)
    qtbot.waitUntil(dialog.error.isVisible, timeout=5000)
    assert "JSON" in dialog.error.text() and app.profiles.get("thu-nghiem-2027") is None
    press(qtbot, dialog.publish_button)
    qtbot.waitUntil(lambda: any(dialog.table.item(r, 0).text() == "thu-nghiem-2027"
                                for r in range(dialog.table.rowCount())), timeout=5000)
    assert not dialog.error.isVisible() and "thu-nghiem-2027" in dialog.status.text()
    published = events(app, Kind.PROFILE_PUBLISHED)
    assert [e.actor for e in published] == [admin.username]


def test_an_official_may_look_but_not_publish(qtbot, app, tasks, official):
    dialog = profiles_dialog(qtbot, app, tasks, official)
    assert not dialog.publish_button.isEnabled()


# --- signing out ---------------------------------------------------------------------------------------


def test_signing_out_closes_the_window_and_the_next_user_signs_in_by_keys(qtbot, qapp, tasks, app, official,
                                                                         postal):
    from ui.startup import Startup

    startup = Startup(qapp, tasks, app.paths.root, started_at=time.time())
    startup.app = app
    startup._open_window(official)
    first = startup.window
    qtbot.waitUntil(lambda: first.is_ready, timeout=5000)

    def sign_in(dialog: QWidget) -> None:
        assert isinstance(dialog, LoginDialog)
        keys(dialog.username, postal.username)
        QTest.keyClick(dialog.username, Qt.Key.Key_Return)  # Enter moves to the password
        keys(dialog.password, PASSWORD)
        QTest.keyClick(dialog.password, Qt.Key.Key_Return)

    answer_next_dialog(sign_in)
    first.activateWindow()
    QTest.keyClick(first, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)  # Alt+C: Chương trình
    menu = first.sign_out_action.associatedObjects()[-1]
    qtbot.waitUntil(menu.isVisible, timeout=3000)
    QTest.keyClick(menu, Qt.Key.Key_X)  # Đăng &xuất
    qtbot.waitUntil(lambda: startup.window is not None and startup.window is not first, timeout=10000)
    second = startup.window
    qtbot.addWidget(second)
    qtbot.waitUntil(lambda: second.is_ready, timeout=5000)
    assert second.user.username == postal.username and second.tabs.currentWidget() is second.handover
    assert not shiboken6.isValid(first) and QApplication.quitOnLastWindowClosed()  # gone, not hidden
    qtbot.waitUntil(tasks.is_idle, timeout=5000)
    outs = events(app, Kind.USER_LOGGED_OUT)
    assert [e.actor for e in outs] == [official.username]
    assert events(app, Kind.USER_LOGGED_IN)[-1].actor == postal.username


def test_signing_out_waits_for_the_work_under_way(qtbot, qapp, tasks, app, official, monkeypatch):
    from ui.startup import Startup

    startup = Startup(qapp, tasks, app.paths.root, started_at=time.time())
    startup.app = app
    order: list[str] = []
    monkeypatch.setattr(startup, "_quit", lambda code: order.append(f"quit:{code}"))  # not the test's event loop
    startup._open_window(official)
    first = startup.window
    qtbot.waitUntil(lambda: first.is_ready, timeout=5000)
    qtbot.waitUntil(tasks.is_idle, timeout=5000)
    tasks.submit(lambda: time.sleep(0.4), on_done=lambda _r: order.append("done:" + str(shiboken6.isValid(first))),
                 parent=first)

    def leave(dialog: QWidget) -> None:
        order.append("login")
        QTest.keyClick(dialog, Qt.Key.Key_Escape)  # nobody signs in: the program ends

    answer_next_dialog(leave)
    first.activateWindow()
    QTest.keyClick(first, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    menu = first.sign_out_action.associatedObjects()[-1]
    qtbot.waitUntil(menu.isVisible, timeout=3000)
    QTest.keyClick(menu, Qt.Key.Key_X)
    qtbot.waitUntil(lambda: order == ["done:True", "login", "quit:0"], timeout=5000)
    assert startup.window is None


# --- restoring a backup from the window ----------------------------------------------------------------


def test_a_restore_from_the_window_lets_go_of_the_lock_restores_and_asks_to_sign_in_again(
        qtbot, qapp, tasks, app, admin, official, procedure):
    """The whole hand-off: the menu, the choice, the confirmation; the window closes, the data
    folder's lock is let go (the core refuses to restore under a running program), the backup is
    restored, the lock is taken again, the summary is shown, and the next user signs in."""
    from PySide6.QtWidgets import QMessageBox

    from oneStop.services.backup import instance_running
    from tests.core.helpers import draft
    from ui.dialogs.backup import RestoreDialog
    from ui.single_instance import SingleInstance
    from ui.startup import Startup

    app.reception.receive(official, draft())
    copy = app.backup.backup(admin).path  # one dossier in it
    app.reception.receive(official, draft())
    instance = SingleInstance(app.paths.root)
    assert instance.acquire() and instance_running(instance.lock_path)
    startup = Startup(qapp, tasks, app.paths.root, started_at=time.time())
    startup.app, startup.instance = app, instance
    startup._open_window(admin)
    first = startup.window
    qtbot.waitUntil(lambda: first.is_ready, timeout=5000)
    seen: list[str] = []

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isActiveWindow() or dialog.property("answered"):
            return
        dialog.setProperty("answered", True)
        on_screen(dialog)
        if isinstance(dialog, RestoreDialog):
            qtbot.waitUntil(lambda: dialog.path() == copy, timeout=5000)
            seen.append("chosen")
            press(qtbot, dialog.restore_button)
        elif isinstance(dialog, QMessageBox) and not seen[-1] == "confirmed":
            seen.append("confirmed")
            QTest.keyClick(dialog, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)  # «Khôi phục»
        elif isinstance(dialog, QMessageBox):
            seen.append("summary:" + dialog.text())
            QTest.keyClick(dialog, Qt.Key.Key_Return)
        elif isinstance(dialog, LoginDialog):
            seen.append("login")
            keys(dialog.username, official.username)
            QTest.keyClick(dialog.username, Qt.Key.Key_Return)
            keys(dialog.password, PASSWORD)
            QTest.keyClick(dialog.password, Qt.Key.Key_Return)

    from PySide6.QtCore import QTimer

    timer = QTimer()
    timer.setInterval(40)
    timer.timeout.connect(answer)
    timer.start()
    first.activateWindow()
    QTest.keyClick(first, Qt.Key.Key_Q, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(first.admin_menu.isVisible, timeout=3000)
    QTest.keyClick(first.admin_menu, Qt.Key.Key_K)  # &Khôi phục dữ liệu từ bản sao…
    qtbot.waitUntil(lambda: startup.window is not None and startup.window is not first, timeout=30000)
    timer.stop()
    second = startup.window
    qtbot.addWidget(second)
    qtbot.waitUntil(lambda: second.is_ready, timeout=5000)
    assert seen[:2] == ["chosen", "confirmed"] and seen[-1] == "login"
    assert seen[2].startswith(f"summary:Đã khôi phục dữ liệu từ {copy}.")
    assert second.user.username == official.username
    assert len(app.dossiers.find(admin, "")) == 1  # the backup's data
    assert [e.actor for e in events(app, Kind.DATA_RESTORED)] == [admin.username]
    assert instance._lock.isLocked() and instance_running(instance.lock_path)  # ours again
    qtbot.waitUntil(tasks.is_idle, timeout=5000)
    instance.release()


def test_an_administrator_types_the_lookup_website_and_hotline_and_the_receipt_prints_them(
        qtbot, app, tasks, admin, official):
    import unicodedata

    from tests.core.helpers import add_procedure, draft
    from tests.core.pdf_tools import page_texts

    dialog = settings_dialog(qtbot, app, tasks, admin)
    lookup, hotline = dialog.contact["lookup_url"], dialog.contact["hotline"]
    assert lookup.text() == "" and hotline.text() == ""
    retype(lookup, "dichvucong.thanhhoa.gov.vn")  # no http(s): refused under the field
    retype(hotline, "1900 8198")
    press(qtbot, save_button(dialog))
    error = dialog.contact_errors["lookup_url"]
    assert error.isVisible() and "http://" in error.text() and lookup.hasFocus()
    assert dialog.isVisible() and events(app, Kind.AGENCY_CONTACT_SET) == []
    retype(lookup, "https://dichvucong.thanhhoa.gov.vn")
    assert not error.isVisible()
    on_screen(dialog)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        press(qtbot, save_button(dialog))
    assert "2" in dialog.note
    (event,) = events(app, Kind.AGENCY_CONTACT_SET)
    assert event.actor == admin.username
    assert event.payload["lookup_url"] == "https://dichvucong.thanhhoa.gov.vn" and event.payload["hotline"] == "1900 8198"
    assert events(app, Kind.SETTING_CHANGED) == []

    add_procedure(app)
    d = app.reception.receive(official, draft())
    text = " ".join(unicodedata.normalize("NFC", page_texts(app.printing.receipt(official, d.code).pdf)[0]).split())
    assert "Tra cứu hồ sơ tại: https://dichvucong.thanhhoa.gov.vn" in text and "Đường dây nóng: 1900 8198" in text
    # opened again, it shows them
    again = settings_dialog(qtbot, app, tasks, admin)
    assert again.contact["hotline"].text() == "1900 8198"
    qtbot.waitUntil(tasks.is_idle, timeout=5000)
