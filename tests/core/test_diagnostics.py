"""The diagnostics bundle: what helps support, nothing secret, nothing about a citizen; and the
backup, restore and diagnostics commands."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from contextlib import closing

import pytest

from oneStop import settings as S
from oneStop.persistence import migrate, sealed
from oneStop.persistence.models import SyncStateRow
from oneStop.services import diagnostics
from tests.conftest import BACKUP_PASSPHRASE, PASSWORD
from tests.core.helpers import add_procedure, draft

SECRET = "Mk-Bi-Mat-9x"


def _bundle_text(path) -> dict[str, str]:  # type: ignore[no-untyped-def]
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name).decode("utf-8") for name in z.namelist()}


def test_the_bundle_holds_versions_settings_logs_and_no_secret_or_citizen(app, admin, official, tmp_path,
                                                                           monkeypatch):
    add_procedure(app)
    dossier = app.reception.receive(official, draft())
    app.settings.set(admin, S.PRINTER, "Máy in quầy 1")
    app.backup.backup(admin)
    with app.uow(write=True) as uow:  # a sync failure remembered with the address it used
        uow.session.add(SyncStateRow(key="last_error", value=f"không kết nối được postgresql://c1:{SECRET}@db/x",
                                     updated_at=uow.now()))
        uow.commit()
    user_logs = tmp_path / "user-logs"
    monkeypatch.setattr(diagnostics.platformdirs, "user_log_dir", lambda *a, **k: str(user_logs))
    app.paths.logs.mkdir(parents=True)
    (app.paths.logs / "onestop.log").write_text(
        f"2026-11-23 09:15:00 INFO oneStop: saved {dossier.code}\n"
        f"2026-11-23 09:16:00 WARNING sync: postgresql://c1:{SECRET}@db/x refused; id {dossier.applicant.citizen_id}\n",
        encoding="utf-8")
    user_logs.mkdir()
    (user_logs / "onestop.log.1").write_text("2026-11-22 17:00:00 INFO ui: closed\n", encoding="utf-8")

    out = diagnostics.write_bundle(app, tmp_path / "out" / "chan-doan.zip")

    files = _bundle_text(out)
    assert {"about.json", "settings.json", "database.json", "logs/0/onestop.log", "logs/1/onestop.log.1"} <= set(files)
    about = json.loads(files["about.json"])
    assert about["schema"] == migrate.SCHEMA_HEAD
    assert about["printer"] == "Máy in quầy 1"
    assert about["data_folder"] == str(app.paths.root)
    assert about["database_size"] > 0 and about["last_backup"].startswith("2026-11-23T09:15")
    settings = json.loads(files["settings.json"])
    assert settings[S.PRINTER.key] == "Máy in quầy 1" and S.BACKUP_KEEP_DAYS.key in settings
    database = json.loads(files["database.json"])
    assert database["quick_check"] == ["ok"] and database["row_counts"]["dossiers"] == 1
    assert "saved " + dossier.code in files["logs/0/onestop.log"]
    everything = "\n".join(files.values())
    for forbidden in (SECRET, dossier.applicant.citizen_id, dossier.applicant.name, dossier.applicant.phone,
                      "Nguyễn Thị Hường", PASSWORD):
        assert forbidden not in everything
    assert not list(out.parent.glob("*.partial"))


def test_the_about_facts_before_set_up(app):
    facts = diagnostics.about(app)
    assert facts.last_backup is None and facts.last_sync is None
    assert facts.schema == migrate.SCHEMA_HEAD


@pytest.fixture
def run(run):  # type: ignore[no-untyped-def]
    """The command line (tests/conftest.py) on a data folder set up."""
    code, _, err = run("setup", "--agency-code", "000.17.22.H56", "--agency-name", "Bộ phận Một cửa",
                       "--counter", "1", "--admin", "admin")
    assert code == 0, err
    return run


def _dossier_count(path) -> int:  # type: ignore[no-untyped-def]
    with closing(sqlite3.connect(path)) as c:
        return c.execute("SELECT count(*) FROM dossiers").fetchone()[0]


def test_backup_and_restore_from_the_command_line(run, tmp_path, monkeypatch):
    code, out, err = run("users", "add", "hoa", "--role", "official", "--full-name", "Nguyễn Thị Hoa")
    assert code == 0, err
    code, out, _ = run("catalog", "list", "--search", "dang ky khai sinh", "--json")
    procedure = json.loads(out)[0]["code"]
    receive = ("receive", "--user", "hoa", "--procedure", procedure, "--name", "Phạm Văn Nam",
               "--citizen-id", "038095001234", "--address", "Thôn Đông, xã Quảng Phú")
    assert run(*receive)[0] == 0
    code, out, err = run("backup", "--to", str(tmp_path / "usb"), "--json")  # no passphrase anywhere
    assert code == 1 and "Cụm mật khẩu sao lưu: cần cho bản sao ra ngoài thư mục dữ liệu" in err
    assert not (tmp_path / "usb").exists()
    # never on the command line (shell history, process list)
    code, out, err = run("backup", "--to", str(tmp_path / "usb"), "--passphrase", BACKUP_PASSPHRASE)
    assert code == 2 and "tham số không nhận ra: --passphrase" in err and not (tmp_path / "usb").exists()
    secret = tmp_path / "cum-mat-khau.txt"
    secret.write_text(BACKUP_PASSPHRASE + "\n", encoding="utf-8")
    code, out, err = run("backup", "--to", str(tmp_path / "usb"), "--passphrase-file", str(secret), "--json")
    assert code == 0, err
    made = json.loads(out)
    copy = made["file"]
    assert copy.startswith(str(tmp_path / "usb")) and made["sealed"] and sealed.is_sealed(copy)
    opened = sealed.unseal(copy, tmp_path / "mo.sqlite3", BACKUP_PASSPHRASE)
    assert _dossier_count(opened) == 1
    assert run(*receive)[0] == 0

    code, out, err = run("restore", copy)
    assert code == 1 and "đã được khóa bằng cụm mật khẩu" in err
    monkeypatch.setenv("ONESTOP_BACKUP_PASSPHRASE", "không phải cụm mật khẩu này")
    code, out, err = run("restore", copy)
    assert code == 1 and "Cụm mật khẩu sao lưu không đúng" in err and "Traceback" not in err
    monkeypatch.setenv("ONESTOP_BACKUP_PASSPHRASE", BACKUP_PASSPHRASE)
    code, out, err = run("restore", copy)
    assert code == 0, err
    assert "Đã khôi phục" in out and "pre-restore-" in out
    code, out, _ = run("dossier", "list", "--json")
    assert len(json.loads(out)) == 1

    code, out, err = run("backup", "--by", "hoa")
    assert code == 1 and "không có quyền sao lưu" in err

    broken = tmp_path / "hong.sqlite3"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    code, out, err = run("restore", str(broken))
    assert code == 1 and "onestop:" in err


def test_settings_and_diagnostics_from_the_command_line(run, tmp_path):
    code, out, err = run("settings", "set", "backup.keep_days", "14")
    assert code == 0, err
    code, out, err = run("settings", "set", "backup.keep_days", "0")
    assert code == 1 and "Số ngày giữ" in err
    code, out, err = run("diagnostics", "--out", str(tmp_path / "d.zip"))
    assert code == 0, err
    assert json.loads(_bundle_text(tmp_path / "d.zip")["settings.json"])["backup.keep_days"] == 14


def test_only_an_administrator_chooses_the_backup_folder(app, official, tmp_path):
    from oneStop.domain.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        app.settings.set(official, S.BACKUP_FOLDER, str(tmp_path))
    app.settings.set(official, S.PRINTER, "Máy in")  # a device setting an official may change


def test_restore_over_a_database_too_damaged_to_open(run, tmp_path, monkeypatch):
    monkeypatch.setenv("ONESTOP_BACKUP_PASSPHRASE", BACKUP_PASSPHRASE)
    code, out, err = run("backup", "--to", str(tmp_path / "usb"), "--json")
    assert code == 0, err
    copy = json.loads(out)["file"]
    db = run.data / "onestop.sqlite3"  # type: ignore[attr-defined]
    for side in ("-wal", "-shm"):
        (run.data / f"onestop.sqlite3{side}").unlink(missing_ok=True)  # type: ignore[attr-defined]
    damaged = b"\x00garbage" * 5000
    db.write_bytes(damaged)

    code, out, err = run("dossier", "list", "--json")
    assert code == 1 and "bị hỏng" in err and "onestop restore" in err
    assert db.read_bytes() == damaged  # refusing to open it changed nothing

    code, out, err = run("restore", copy)
    assert code == 0, err
    assert "bị hỏng" in out and "pre-restore-" in out
    kept = next((run.data / "backups").glob("pre-restore-*-damaged.sqlite3"))  # type: ignore[attr-defined]
    assert kept.read_bytes() == damaged
    code, out, err = run("dossier", "list", "--json")
    assert code == 0 and json.loads(out) == []
    with closing(sqlite3.connect(db)) as c:
        assert c.execute("SELECT actor FROM events WHERE kind = 'data.restored'").fetchall() == [("system",)]
