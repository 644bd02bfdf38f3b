"""Backing up from the window, pressed and typed as a hand does on a 1366×768 screen, against
the real core and a real data folder."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import select

from oneStop.domain.events import Kind
from oneStop.persistence import sealed
from oneStop.persistence.models import EventRow
from tests.conftest import BACKUP_PASSPHRASE
from tests.ui.helpers import press, type_text
from tests.ui.test_journeys import on_screen
from ui.dialogs.backup import BackupDialog


def events(app, kind: str) -> list[EventRow]:  # type: ignore[no-untyped-def]
    with app.uow() as uow:
        return list(uow.session.scalars(select(EventRow).where(EventRow.kind == kind).order_by(EventRow.seq)))


def opened(qtbot, dialog):  # type: ignore[no-untyped-def]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.is_loaded, timeout=10000)
    return dialog


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
