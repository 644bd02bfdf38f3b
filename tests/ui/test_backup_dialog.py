"""Backing up from the window, and choosing the backup the start-up sequence restores, pressed
and typed as a hand does on a 1366×768 screen, against the real core and a real data folder."""

from __future__ import annotations


import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from oneStop.domain.errors import PermissionDenied
from oneStop.domain.events import Kind
from oneStop.persistence import sealed
from oneStop.services.backup import BackupOfAnotherCounter
from tests.conftest import BACKUP_PASSPHRASE, setup_request
from tests.core.helpers import add_procedure, draft
from tests.ui.helpers import events, on_screen, opened, press, type_text
from ui.dialogs.backup import BackupDialog, RestoreDialog, RestoreRequest, run_restore

WRONG = "không phải cụm mật khẩu này"


def dossiers(app, user) -> int:  # type: ignore[no-untyped-def]
    return len(app.dossiers.find(user, ""))


def answer_confirmation(key: Qt.Key, seen: list[str]) -> None:
    """Alt+``key`` on the confirmation box once it is up (its text kept in ``seen``)."""
    def look() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isActiveWindow():  # up, and with the keyboard
            QTimer.singleShot(30, look)
            return
        on_screen(box)
        seen.append(box.text())
        QTest.keyClick(box, key, Qt.KeyboardModifier.AltModifier)
    QTimer.singleShot(30, look)


@pytest.fixture
def with_dossiers(app, official):  # type: ignore[no-untyped-def]
    add_procedure(app)
    for _ in range(2):
        app.reception.receive(official, draft())
    return official


# --- backing up ---------------------------------------------------------------------------------------


def test_backup_now_makes_a_copy_that_the_list_names_and_the_record_keeps(qtbot, app, tasks, admin, clock):
    dialog = BackupDialog(app, tasks, admin)
    assert dialog.folder.text() == "Đang tải…"  # until the worker has read the folder
    opened(qtbot, dialog)
    assert dialog.folder.text() == str(app.paths.backups)
    assert dialog.last_backup.text() == "chưa có" and dialog.table.rowCount() == 0
    assert not dialog.seal_note.isVisible() and not dialog.passphrase.first.isVisible()  # inside the data folder
    assert dialog.focusWidget() is dialog.backup_button
    on_screen(dialog, dialog.table, dialog.backup_button, dialog.folder_button)

    with qtbot.waitSignal(dialog.backed_up, timeout=10000) as made:
        press(qtbot, dialog.backup_button)
    info = made.args[0]
    assert [b.path for b in app.backup.backups()] == [info.path]
    assert info.path.name == "onestop-20261123-091500.sqlite3" and not sealed.is_sealed(info.path)
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 0).text() == info.path.name
    assert dialog.table.item(0, 1).text() == "23/11/2026 09:15"
    assert info.path.name in dialog.status.text()
    assert dialog.last_backup.text() == "23/11/2026 09:15"  # Vietnam time, read back from the record
    (event,) = events(app, Kind.DATA_BACKED_UP)
    assert event.actor == "admin" and event.payload["automatic"] is False

    clock.advance(minutes=5)  # Enter presses «Sao lưu ngay» again
    with qtbot.waitSignal(dialog.backed_up, timeout=10000):
        QTest.keyClick(dialog.backup_button, Qt.Key.Key_Return)
    assert [dialog.table.item(r, 0).text() for r in range(2)] == ["onestop-20261123-092000.sqlite3",
                                                                  "onestop-20261123-091500.sqlite3"]
    assert dialog.table.selectedItems()[0].text() == "onestop-20261123-092000.sqlite3"  # the new one


def test_a_folder_outside_the_data_folder_seals_the_copy_with_a_passphrase_typed_twice(
        qtbot, app, tasks, admin, tmp_path, monkeypatch):
    usb = tmp_path / "usb"
    asked: list[str] = []
    monkeypatch.setattr(BackupDialog, "ask_folder",
                        staticmethod(lambda parent, current: asked.append(current) or str(usb)))
    dialog = opened(qtbot, BackupDialog(app, tasks, admin))
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        QTest.keyClick(dialog, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)  # «Chọn &thư mục…»
    assert asked == [str(app.paths.backups)]
    assert app.backup.folder() == usb  # the core kept it
    assert dialog.folder.text() == str(usb) and str(usb) in dialog.status.text()
    assert dialog.seal_note.isVisible() and "không khôi phục được" in dialog.seal_note.text()
    first, again = dialog.passphrase.first, dialog.passphrase.again
    assert dialog.focusWidget() is first
    on_screen(dialog, first, again, dialog.backup_button, dialog.seal_note)

    # too short: the core's rule, under the field; nothing written
    type_text(first, "ngắn quá\n")  # Enter goes on to the second line
    assert dialog.focusWidget() is again
    type_text(again, "ngắn quá\n")  # Enter there backs up
    qtbot.waitUntil(dialog.passphrase.first_error.isVisible, timeout=10000)
    assert dialog.passphrase.first_error.text() == "phải có ít nhất 12 ký tự"
    assert first.property("error") is True and first.text() == "ngắn quá"  # kept, selected to be typed over
    assert not usb.exists() or not list(usb.iterdir())
    assert dialog.isVisible()

    # the two lines differ: said under the second, nothing submitted
    type_text(first, BACKUP_PASSPHRASE)
    assert not dialog.passphrase.first_error.isVisible()  # the mark goes once the field is typed in
    again.selectAll()
    type_text(again, BACKUP_PASSPHRASE + "x")
    press(qtbot, dialog.backup_button)
    assert dialog.passphrase.again_error.text() == "hai lần nhập không khớp"
    assert tasks.is_idle() and events(app, Kind.DATA_BACKED_UP) == []

    assert dialog.focusWidget() is again and again.selectedText() == BACKUP_PASSPHRASE + "x"  # to be typed over
    with qtbot.waitSignal(dialog.backed_up, timeout=15000) as made:
        type_text(again, BACKUP_PASSPHRASE + "\n")
    info = made.args[0]
    assert info.path.parent == usb and info.path.name.endswith(".sqlite3.sealed") and sealed.is_sealed(info.path)
    assert dialog.table.item(0, 0).text() == info.path.name
    assert info.path.name in dialog.status.text() and "không có nó thì không khôi phục được" in dialog.status.text()
    assert first.text() == "" and again.text() == ""  # not kept once used
    assert app.backup.check(info.path, passphrase=BACKUP_PASSPHRASE)  # it opens with what was typed


def test_an_official_cannot_back_up_or_move_the_backups(qtbot, app, tasks, official, tmp_path, monkeypatch):
    monkeypatch.setattr(BackupDialog, "ask_folder", staticmethod(lambda parent, current: str(tmp_path / "usb")))
    dialog = opened(qtbot, BackupDialog(app, tasks, official))
    press(qtbot, dialog.backup_button)
    qtbot.waitUntil(dialog.error.isVisible, timeout=10000)
    assert dialog.error.text() == "Người dùng hoa.nt không có quyền sao lưu, khôi phục dữ liệu"
    press(qtbot, dialog.folder_button)
    qtbot.waitUntil(lambda: "thay đổi thiết lập" in dialog.error.text(), timeout=10000)
    assert app.backup.backups() == [] and events(app, Kind.DATA_BACKED_UP) == []
    assert app.backup.folder() == app.paths.backups and not (tmp_path / "usb").exists()
    assert dialog.isVisible()


# --- choosing what to restore, and restoring at start-up ---------------------------------------------


def test_a_sealed_backup_is_chosen_checked_and_confirmed_in_the_window_then_restored(
        qtbot, app, tasks, admin, with_dossiers, tmp_path, clock):
    app.backup.choose_folder(admin, tmp_path / "usb")
    older = app.backup.backup(admin, passphrase=BACKUP_PASSPHRASE).path
    clock.advance(minutes=1)
    app.reception.receive(with_dossiers, draft())
    copy = app.backup.backup(admin, passphrase=BACKUP_PASSPHRASE).path  # 3 dossiers in it
    clock.advance(minutes=1)
    app.reception.receive(with_dossiers, draft())
    assert dossiers(app, admin) == 4

    dialog = opened(qtbot, RestoreDialog(app, tasks, admin))
    assert [dialog.table.item(r, 0).text() for r in range(2)] == [copy.name, older.name]
    assert dialog.path() == copy and dialog.focusWidget() is dialog.table  # the newest, ready to take
    assert dialog.passphrase.isVisible()  # a sealed copy: its passphrase is asked
    on_screen(dialog, dialog.table, dialog.other_button, dialog.passphrase, dialog.restore_button)

    type_text(dialog.passphrase, WRONG + "\n")
    qtbot.waitUntil(dialog.passphrase_error.isVisible, timeout=15000)
    assert "không đúng" in dialog.passphrase_error.text()  # the core's words, in place
    assert dialog.isVisible() and dialog.request is None and dialog.passphrase.text() == WRONG

    seen: list[str] = []
    type_text(dialog.passphrase, BACKUP_PASSPHRASE)  # the wrong one was selected: typed over
    answer_confirmation(Qt.Key.Key_Q, seen)  # «Quay lại»: thought better of it
    QTest.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(seen), timeout=15000)
    assert dialog.isVisible() and dialog.request is None
    assert copy.name in seen[0] and str(app.paths.backups) in seen[0] and "đăng nhập lại" in seen[0]

    answer_confirmation(Qt.Key.Key_K, seen)  # «Khôi phục»
    with qtbot.waitSignal(dialog.accepted, timeout=15000):
        QTest.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.request == RestoreRequest(copy, BACKUP_PASSPHRASE)
    assert dossiers(app, admin) == 4  # choosing changed nothing

    summary = run_restore(app, admin, dialog.request)  # what the start-up sequence does
    assert summary.startswith(f"Đã khôi phục dữ liệu từ {copy}.")
    kept = next(app.paths.backups.glob("pre-restore-*.sqlite3"))
    assert f"Dữ liệu trước khi khôi phục được giữ tại {kept}" in summary
    assert dossiers(app, admin) == 3
    (event,) = events(app, Kind.DATA_RESTORED)
    assert event.actor == "admin" and event.payload["file"] == str(copy)


def test_run_restore_refuses_a_wrong_passphrase_an_official_and_another_counters_backup(
        app, admin, with_dossiers, tmp_path, clock):
    copy = app.backup.backup(admin, to=tmp_path / "usb", passphrase=BACKUP_PASSPHRASE).path
    app.reception.receive(with_dossiers, draft())
    for user, request, words in (
            (admin, RestoreRequest(copy, WRONG), "không đúng"),
            (with_dossiers, RestoreRequest(copy, BACKUP_PASSPHRASE), "không có quyền sao lưu, khôi phục dữ liệu")):
        with pytest.raises(Exception, match=words) as refused:
            run_restore(app, user, request)
        assert user is admin or isinstance(refused.value, PermissionDenied)
    from oneStop.services.app import App

    with App(tmp_path / "counter-2", clock=clock) as other:
        other_admin = other.setup.set_up(setup_request(counter=2))
        foreign = other.backup.backup(other_admin, to=tmp_path / "other", passphrase=BACKUP_PASSPHRASE).path
    with pytest.raises(BackupOfAnotherCounter, match="quầy số 2"):
        run_restore(app, admin, RestoreRequest(foreign, BACKUP_PASSPHRASE))
    assert dossiers(app, admin) == 3 and events(app, Kind.DATA_RESTORED) == []  # nothing changed
    assert not list(app.paths.backups.glob("pre-restore-*"))

    summary = run_restore(app, admin, RestoreRequest(copy, BACKUP_PASSPHRASE))
    assert summary.startswith(f"Đã khôi phục dữ liệu từ {copy}.") and dossiers(app, admin) == 2


def test_another_file_is_checked_in_place_a_sealed_one_asks_its_passphrase(
        qtbot, app, tasks, admin, tmp_path, monkeypatch):
    notes = tmp_path / "ghi-chu.sqlite3"
    notes.write_text("không phải cơ sở dữ liệu", encoding="utf-8")
    disguised = tmp_path / "ban-sao.bin"  # sealed, under a name that does not say so
    app.backup.backup(admin, to=tmp_path / "usb", passphrase=BACKUP_PASSPHRASE).path.rename(disguised)
    chosen, opened_in = [str(notes)], []
    monkeypatch.setattr(RestoreDialog, "ask_file",
                        staticmethod(lambda parent, folder: opened_in.append(folder) or chosen.pop(0)))
    dialog = opened(qtbot, RestoreDialog(app, tasks, admin))
    assert dialog.table.rowCount() == 0 and dialog.focusWidget() is dialog.other_button

    QTest.keyClick(dialog, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)  # «Chọn &tệp khác…»
    qtbot.waitUntil(lambda: dialog.chosen.text() == str(notes), timeout=2000)  # the button's animated press
    assert opened_in == [str(app.paths.backups)] and not dialog.passphrase.isVisible()
    press(qtbot, dialog.restore_button)
    qtbot.waitUntil(dialog.file_error.isVisible, timeout=10000)
    assert notes.name in dialog.file_error.text() and dialog.isVisible() and dialog.request is None

    chosen.append(str(disguised))
    press(qtbot, dialog.other_button)
    assert not dialog.file_error.isVisible()
    press(qtbot, dialog.restore_button)
    qtbot.waitUntil(dialog.passphrase.isVisible, timeout=10000)
    assert dialog.passphrase_error.text().startswith("bản sao lưu này đã được khóa")
    assert dialog.focusWidget() is dialog.passphrase
    seen: list[str] = []
    answer_confirmation(Qt.Key.Key_K, seen)
    with qtbot.waitSignal(dialog.accepted, timeout=15000):
        type_text(dialog.passphrase, BACKUP_PASSPHRASE + "\n")
    assert dialog.request == RestoreRequest(disguised, BACKUP_PASSPHRASE)


def test_an_official_is_told_only_an_administrator_restores(qtbot, app, tasks, admin, official):
    app.backup.backup(admin)
    dialog = opened(qtbot, RestoreDialog(app, tasks, official))
    assert dialog.table.rowCount() == 1
    assert dialog.error.text() == "Người dùng hoa.nt không có quyền sao lưu, khôi phục dữ liệu"
    assert not dialog.restore_button.isEnabled()
    with pytest.raises(PermissionDenied):  # and the core refuses it, whatever the window offers
        run_restore(app, official, RestoreRequest(app.backup.backups()[0].path, None))
