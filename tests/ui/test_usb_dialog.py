"""Carrying a counter's waiting events on a USB stick from the window: written on a counter with
no network, delivered to a real central PostgreSQL from another counter of the agency, pressed
and typed as a hand does on a 1366×768 screen."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from sqlalchemy import select

from oneStop.persistence import sealed
from oneStop.services.app import App
from oneStop.sync import central
from tests.conftest import AGENCY_CODE, BACKUP_PASSPHRASE, setup_request
from tests.core.helpers import add_procedure, draft
from tests.ui.helpers import on_screen, opened, press, type_text
from tests.ui.test_backup_dialog import WRONG
from ui.dialogs.usb import UsbExportDialog, UsbImportDialog


@pytest.fixture
def offline(tmp_path, clock):  # type: ignore[no-untyped-def]
    """Counter 2 of the agency, its own PC with no network, with a dossier received."""
    other = App(tmp_path / "counter-2", clock=clock)
    other_admin = other.setup.set_up(setup_request(counter=2))
    add_procedure(other)
    official = other.auth.add_user(other_admin, "cb2", "Cán Bộ Hai", "official", "mat-khau-an-toan")
    other.reception.receive(official, draft())
    yield other, other_admin
    other.close()


def export_through_the_window(qtbot, app, tasks, user, target, monkeypatch):  # type: ignore[no-untyped-def]
    suggested: list[str] = []
    monkeypatch.setattr(UsbExportDialog, "ask_save_file",
                        staticmethod(lambda parent, name: suggested.append(name) or str(target)))
    dialog = opened(qtbot, UsbExportDialog(app, tasks, user))
    waiting = app.sync.status().waiting
    assert dialog.intro.text() == f"Có {waiting} sự kiện của quầy này chưa gửi lên máy chủ trung tâm."
    assert dialog.focusWidget() is dialog.file
    on_screen(dialog, dialog.file, dialog.choose_button, dialog.passphrase.first, dialog.passphrase.again,
              dialog.submit_button)
    press(qtbot, dialog.choose_button)
    assert suggested[0].endswith(".sealed") and "onestop-su-kien-20261123-0915" in suggested[0]
    assert dialog.file.text() == str(target) and dialog.focusWidget() is dialog.passphrase.first
    return dialog, waiting


def test_the_waiting_events_go_on_a_stick_and_another_counter_delivers_them_to_the_centre(
        qtbot, app, tasks, admin, offline, central_url, tmp_path, monkeypatch):
    other, other_admin = offline
    stick = tmp_path / "usb" / "su-kien.sealed"
    stick.parent.mkdir()
    export, waiting = export_through_the_window(qtbot, other, tasks, other_admin, stick, monkeypatch)
    # a mismatch is said in place and nothing is written
    type_text(export.passphrase.first, BACKUP_PASSPHRASE + "\n")
    type_text(export.passphrase.again, BACKUP_PASSPHRASE + "!\n")
    assert export.passphrase.again_error.text() == "hai lần nhập không khớp" and not stick.exists()
    with qtbot.waitSignal(export.exported, timeout=15000) as written:
        type_text(export.passphrase.again, BACKUP_PASSPHRASE + "\n")  # the mismatch was selected: typed over
    assert written.args == [waiting] and waiting > 0
    assert sealed.is_sealed(stick) and "Hường".encode() not in stick.read_bytes()
    assert f"Đã ghi {waiting} sự kiện vào {stick}" in export.result.text()
    assert "Nhập tệp sự kiện từ USB" in export.result.text()  # what to do next
    assert export.passphrase.first.text() == ""

    # the province registers counter 2's key; counter 1 is connected to the centre
    central.add_counter(central_url, AGENCY_CODE, 2, public_key=other.sync.public_key())
    url = central.add_counter(central_url, AGENCY_CODE, 1)
    monkeypatch.setenv("ONESTOP_CENTRAL_PASSWORD", urlsplit(url).password or "")  # this PC has no key store
    app.sync.configure(admin, url)
    monkeypatch.setattr(UsbImportDialog, "ask_open_file", staticmethod(lambda parent: str(stick)))
    dialog = opened(qtbot, UsbImportDialog(app, tasks, admin))
    assert "onestop_c_000_17_22_h56_1@" in dialog.intro.text()
    on_screen(dialog, dialog.file, dialog.choose_button, dialog.passphrase, dialog.submit_button)
    QTest.keyClick(dialog, Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)  # «Chọn &tệp…»
    qtbot.waitUntil(lambda: dialog.file.text() == str(stick), timeout=2000)
    assert dialog.focusWidget() is dialog.passphrase

    type_text(dialog.passphrase, WRONG + "\n")
    qtbot.waitUntil(dialog.passphrase_error.isVisible, timeout=15000)
    assert "không đúng" in dialog.passphrase_error.text() and dialog.isVisible()
    assert dialog.passphrase.text() == WRONG and dialog.result.text() == ""

    with qtbot.waitSignal(dialog.imported, timeout=30000) as delivered:
        type_text(dialog.passphrase, BACKUP_PASSPHRASE + "\n")
    assert delivered.args[0].new == waiting
    assert dialog.result.text() == f"Đã gửi lên máy chủ trung tâm: {waiting} sự kiện mới, 0 sự kiện đã có từ trước."
    engine = central.connect(central_url)
    with engine.connect() as c:  # at the centre, delivered by counter 1's role
        rows = c.execute(select(central.cm.events.c.counter_id, central.cm.events.c.relayed_by)).all()
    engine.dispose()
    assert rows.count((f"{AGENCY_CODE}#2", "onestop_c_000_17_22_h56_1")) == waiting

    type_text(dialog.passphrase, BACKUP_PASSPHRASE)  # the same file again: nothing doubled
    with qtbot.waitSignal(dialog.imported, timeout=30000):
        press(qtbot, dialog.submit_button)
    assert dialog.result.text() == f"Đã gửi lên máy chủ trung tâm: 0 sự kiện mới, {waiting} sự kiện đã có từ trước."


def test_without_a_central_address_the_import_says_where_to_set_it(qtbot, app, tasks, admin, official, tmp_path,
                                                                   monkeypatch):
    add_procedure(app)
    app.reception.receive(official, draft())
    stick = tmp_path / "su-kien.sealed"
    app.sync.export_waiting(admin, stick, BACKUP_PASSPHRASE)
    plain = tmp_path / "khong-khoa.jsonl"
    plain.write_text("{}\n", encoding="utf-8")
    dialog = opened(qtbot, UsbImportDialog(app, tasks, admin))
    assert "Quản trị → Địa chỉ máy chủ trung tâm…" in dialog.intro.text()

    type_text(dialog.file, str(plain) + "\n")  # typed by hand; Enter goes on to the passphrase
    assert dialog.focusWidget() is dialog.passphrase
    type_text(dialog.passphrase, BACKUP_PASSPHRASE + "\n")
    qtbot.waitUntil(dialog.file_error.isVisible, timeout=10000)
    assert "không phải tệp sự kiện đã khóa" in dialog.file_error.text()  # the core's words, under the file

    dialog.file.selectAll()
    type_text(dialog.file, str(stick))
    assert not dialog.file_error.isVisible() and dialog.passphrase.text() == BACKUP_PASSPHRASE  # kept
    press(qtbot, dialog.submit_button)
    qtbot.waitUntil(dialog.error.isVisible, timeout=15000)
    assert dialog.error.text() == UsbImportDialog.no_central_text()
    assert "Quản trị → Địa chỉ máy chủ trung tâm…" in dialog.error.text() and dialog.isVisible()


def test_only_an_administrator_carries_events_off_or_in(qtbot, app, tasks, admin, official, tmp_path, monkeypatch):
    add_procedure(app)
    app.reception.receive(official, draft())
    stick = tmp_path / "su-kien.sealed"
    export, _ = export_through_the_window(qtbot, app, tasks, official, stick, monkeypatch)
    type_text(export.passphrase.first, BACKUP_PASSPHRASE + "\n")
    type_text(export.passphrase.again, BACKUP_PASSPHRASE + "\n")
    qtbot.waitUntil(export.error.isVisible, timeout=10000)
    assert export.error.text() == "Người dùng hoa.nt không có quyền sao lưu, khôi phục dữ liệu"
    assert not stick.exists() and export.result.text() == ""

    app.sync.export_waiting(admin, stick, BACKUP_PASSPHRASE)
    dialog = opened(qtbot, UsbImportDialog(app, tasks, official))
    type_text(dialog.file, str(stick) + "\n")
    type_text(dialog.passphrase, BACKUP_PASSPHRASE + "\n")
    qtbot.waitUntil(dialog.error.isVisible, timeout=10000)
    assert dialog.error.text() == "Người dùng hoa.nt không có quyền sao lưu, khôi phục dữ liệu"


def test_a_short_passphrase_is_refused_in_place_and_nothing_is_written(qtbot, app, tasks, admin, tmp_path,
                                                                        monkeypatch):
    stick = tmp_path / "su-kien.sealed"
    export, _ = export_through_the_window(qtbot, app, tasks, admin, stick, monkeypatch)
    type_text(export.passphrase.first, "ngắn\n")
    type_text(export.passphrase.again, "ngắn\n")
    qtbot.waitUntil(export.passphrase.first_error.isVisible, timeout=10000)
    assert export.passphrase.first_error.text() == "phải có ít nhất 12 ký tự"
    assert export.passphrase.first.text() == "ngắn" and export.focusWidget() is export.passphrase.first
    assert not stick.exists() and export.isVisible()
