"""The About and diagnostics window, offscreen, on a real data folder."""

from __future__ import annotations

import zipfile

from oneStop.persistence import migrate
from tests.core.helpers import draft
from tests.ui.conftest import PRINTER
from ui.dialogs.about import AboutDialog, size_text


def _dialog(qtbot, app, tasks, user) -> AboutDialog:  # type: ignore[no-untyped-def]
    dialog = AboutDialog(app, tasks, user)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=5000):
        dialog.load()
    return dialog


def test_the_window_shows_version_folder_size_schema_backup_sync_and_printer(qtbot, app, tasks, admin, official,
                                                                             counter_printer):
    from oneStop import __version__

    app.backup.backup(admin)
    dialog = _dialog(qtbot, app, tasks, official)
    text = {key: label.text() for key, label in dialog.fields.items()}
    assert text["version"] == __version__
    assert text["data_folder"] == str(app.paths.root)
    assert text["schema"] == migrate.SCHEMA_HEAD
    assert text["database_size"].endswith(("KB", "MB")) and not text["database_size"].startswith("0 ")
    assert text["last_backup"] == "09:15 23/11/2026"
    assert text["backup_folder"] == str(app.paths.backups)
    assert text["last_sync"] == "chưa có"
    assert text["printer"] == PRINTER
    assert not dialog.backup_button.isVisibleTo(dialog)  # an official does not back up


def test_the_diagnostics_button_writes_the_bundle_off_the_gui_thread(qtbot, app, tasks, admin, official, procedure,
                                                                      monkeypatch, tmp_path):
    dossier = app.reception.receive(official, draft())
    target = tmp_path / "chan-doan.zip"
    monkeypatch.setattr(AboutDialog, "ask_bundle_path", classmethod(lambda cls, parent, suggested: str(target)))
    dialog = _dialog(qtbot, app, tasks, admin)
    with qtbot.waitSignal(dialog.bundle_written, timeout=10000) as written:
        dialog.diagnostics_button.click()
    assert written.args == [str(target)]
    assert str(target) in dialog.status.text()
    with zipfile.ZipFile(target) as z:
        content = "\n".join(z.read(n).decode("utf-8") for n in z.namelist())
    assert migrate.SCHEMA_HEAD in content
    assert dossier.applicant.name not in content and dossier.applicant.citizen_id not in content


def test_an_administrator_backs_up_now_and_the_last_backup_updates(qtbot, app, tasks, admin, clock):
    dialog = _dialog(qtbot, app, tasks, admin)
    assert dialog.fields["last_backup"].text() == "chưa có"
    assert dialog.backup_button.isVisibleTo(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        dialog.backup_button.click()
    assert dialog.fields["last_backup"].text() == "09:15 23/11/2026"
    assert "Đã sao lưu" in dialog.status.text()
    assert len(app.backup.backups()) == 1


def test_a_backup_to_a_folder_outside_the_data_folder_asks_for_the_passphrase_and_is_sealed(
        qtbot, app, tasks, admin, monkeypatch, tmp_path):
    from oneStop.persistence import sealed

    usb = tmp_path / "usb"
    app.backup.choose_folder(admin, usb)
    typed = iter(["cụm mật khẩu của xã", "cụm mật khẩu của xã gõ nhầm", "cụm mật khẩu của xã",
                  "cụm mật khẩu của xã"])
    asked = []
    monkeypatch.setattr(AboutDialog, "ask_passphrase",
                        classmethod(lambda cls, parent, again: asked.append(again) or next(typed)))
    dialog = _dialog(qtbot, app, tasks, admin)
    dialog.backup_button.click()
    qtbot.waitUntil(lambda: "không khớp" in dialog.status.text(), timeout=10000)
    assert asked == [False, True]
    assert list(usb.iterdir()) == []  # nothing written
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        dialog.backup_button.click()
    assert asked == [False, True, False, True]
    assert "Đã sao lưu" in dialog.status.text()
    (made,) = app.backup.backups(usb)
    assert sealed.is_sealed(made.path)
    assert sealed.unseal(made.path, tmp_path / "mo.sqlite3", "cụm mật khẩu của xã").stat().st_size > 0


def test_the_main_window_menu_opens_it(qtbot, window, monkeypatch):
    opened = []
    monkeypatch.setattr(AboutDialog, "open", classmethod(lambda cls, *args: opened.append(args)))
    window.about_action.trigger()
    assert opened and opened[0][3] is window.user


def test_sizes_are_written_for_people():
    assert size_text(10 * 1024) == "10 KB"
    assert size_text(int(12.34 * 1024 * 1024)) == "12,3 MB"


def test_an_administrator_chooses_where_backups_go(qtbot, app, tasks, admin, official, monkeypatch, tmp_path):
    usb = tmp_path / "usb"
    monkeypatch.setattr(AboutDialog, "ask_folder", classmethod(lambda cls, parent, current: str(usb)))
    plain = _dialog(qtbot, app, tasks, official)
    assert not plain.folder_button.isVisibleTo(plain)  # an official does not choose (the core checks too)
    dialog = _dialog(qtbot, app, tasks, admin)
    assert dialog.folder_button.isVisibleTo(dialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10000):
        dialog.folder_button.click()
    assert dialog.fields["backup_folder"].text() == str(usb) and str(usb) in dialog.status.text()
    assert app.backup.folder() == usb
