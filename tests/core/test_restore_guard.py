"""A restore takes back this counter's own data, and only data: another counter's or another
agency's backup is refused by name, and so is a file carrying schema objects the migrations did
not create (a trigger that would fire on the restore's own event)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from oneStop.persistence import migrate
from oneStop.persistence.db import sqlite_url
from oneStop.services.backup import (
    BackupOfAnotherCounter,
    RestoreRefused,
    foreign_schema_objects,
)
from tests.conftest import BACKUP_PASSPHRASE, PASSWORD

OTHER_AGENCY = "000.00.20.H26"


@pytest.fixture
def cli(capsys, monkeypatch):  # type: ignore[no-untyped-def]
    """The command line on any data folder: ``cli(folder, *args)`` gives (code, out, err)."""
    from oneStop.cli import main

    monkeypatch.setenv("ONESTOP_PASSWORD", PASSWORD)
    monkeypatch.setenv("ONESTOP_BACKUP_PASSPHRASE", BACKUP_PASSPHRASE)

    def _run(data: Path, *args: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(data), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def _set_up(cli, data: Path, counter: int, agency: str = "000.17.22.H56",  # type: ignore[no-untyped-def]
            name: str = "Bộ phận Một cửa xã Quảng Phú") -> None:
    code, _, err = cli(data, "setup", "--agency-code", agency, "--agency-name", name, "--counter", str(counter),
                       "--admin", "admin", "--no-sample-catalog")
    assert code == 0, err


def _digest(data: Path) -> str:
    files = [data / "onestop.sqlite3", data / "onestop.sqlite3-wal"]
    return hashlib.sha256(b"".join(f.read_bytes() for f in files if f.exists())).hexdigest()


def test_another_counters_or_agencys_backup_is_refused_by_name_and_nothing_changes(cli, tmp_path):
    first, second, elsewhere = tmp_path / "quay-1", tmp_path / "quay-2", tmp_path / "xa-khac"
    _set_up(cli, first, 1)
    _set_up(cli, second, 2)
    _set_up(cli, elsewhere, 1, OTHER_AGENCY, "Bộ phận Một cửa phường Ba Đình")
    code, out, err = cli(first, "backup", "--to", str(tmp_path / "usb"), "--json")
    assert code == 0, err
    copy = json.loads(out)["file"]

    before = _digest(second)
    code, out, err = cli(second, "restore", copy)
    assert code == 1 and "Traceback" not in err
    assert "quầy số 1 của Bộ phận Một cửa xã Quảng Phú (mã 000.17.22.H56)" in err
    assert "máy này là quầy số 2" in err and "cấp trùng mã hồ sơ" in err
    assert _digest(second) == before and not list((second / "backups").glob("pre-restore-*"))

    code, out, err = cli(elsewhere, "restore", copy)
    assert code == 1
    assert "(mã 000.17.22.H56)" in err and f"máy này là quầy số 1 của Bộ phận Một cửa phường Ba Đình (mã {OTHER_AGENCY})" in err

    code, out, err = cli(first, "restore", copy)  # its own backup: fine
    assert code == 0, err
    code, out, err = cli(second, "restore", copy, "--move-counter")  # explicit: this PC becomes counter 1
    assert code == 0, err
    assert "Máy này nhận quầy số 1" in out and "--counter 1 --public-key" in out


def test_a_pc_not_yet_set_up_recovers_a_counter_from_its_backup(cli, tmp_path):
    old_pc, new_pc = tmp_path / "may-cu", tmp_path / "may-moi"
    _set_up(cli, old_pc, 3)
    code, out, err = cli(old_pc, "backup", "--to", str(tmp_path / "usb"), "--json")
    assert code == 0, err
    copy = json.loads(out)["file"]
    code, out, err = cli(new_pc, "users", "list", "--json")
    assert code == 1 and "chưa được thiết lập" in err
    code, out, err = cli(new_pc, "restore", copy)
    assert code == 0, err
    assert "Chưa cấp mã hồ sơ cho tới khi máy chủ trung tâm xác nhận" in out  # it takes over counter 3
    code, out, err = cli(new_pc, "users", "list", "--json")
    assert code == 0 and [u["username"] for u in json.loads(out)] == ["admin"]
    with closing(sqlite3.connect(new_pc / "onestop.sqlite3")) as c:
        assert c.execute("SELECT number FROM counters WHERE is_local = 1").fetchone() == (3,)
        assert c.execute("SELECT actor FROM events WHERE kind = 'data.restored'").fetchall() == [("system",)]


def test_restoring_its_own_backup_is_no_move(app, admin, tmp_path):
    copy = app.backup.backup(admin, to=app.paths.root / "copies").path
    before = app.sync.public_key()
    result = app.backup.restore(admin, copy, move_counter=True)
    assert result.took_over is None and app.sync.public_key() == before
    assert issubclass(BackupOfAnotherCounter, RestoreRefused)


TAMPERING = {
    "trigger": "CREATE TRIGGER chiem_quyen AFTER INSERT ON events BEGIN "
               "UPDATE users SET role = 'admin' WHERE username = 'hoa.nt'; END",
    "view": "CREATE VIEW xem_mat_khau AS SELECT username, password_hash FROM users",
    "table": "CREATE TABLE ghi_chu (x TEXT)",
    "index": "CREATE INDEX ix_users_role_la ON users (role)",
    "column": "ALTER TABLE users ADD COLUMN ghi_chu TEXT",
}


@pytest.mark.parametrize("kind", list(TAMPERING))
def test_a_backup_carrying_schema_objects_the_migrations_did_not_make_is_refused(app, admin, official, kind):
    copy = app.backup.backup(admin, to=app.paths.root / "copies").path  # a plain copy someone could edit
    with closing(sqlite3.connect(copy)) as c:
        c.execute(TAMPERING[kind])
        c.commit()
    database = app.paths.database
    with pytest.raises(RestoreRefused) as refused:
        app.backup.restore(admin, copy)
    assert "đối tượng cơ sở dữ liệu mà oneStop không tạo ra" in str(refused.value)
    assert {"trigger": "trigger chiem_quyen", "view": "view xem_mat_khau", "table": "bảng ghi_chu",
            "index": "chỉ mục ix_users_role_la", "column": "cột users.ghi_chu"}[kind] in str(refused.value)
    assert not list(app.paths.backups.glob("pre-restore-*"))
    with closing(sqlite3.connect(database)) as c:
        assert c.execute("SELECT role FROM users WHERE username = 'hoa.nt'").fetchone() == ("official",)
        assert c.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'").fetchone() == (0,)


def test_a_database_upgraded_step_by_step_has_exactly_the_schema_of_a_fresh_one(tmp_path):
    upgraded = tmp_path / "cu.sqlite3"
    migrate.upgrade(sqlite_url(upgraded), "0001")
    assert foreign_schema_objects(upgraded, "0001") == []
    migrate.upgrade(sqlite_url(upgraded))
    assert foreign_schema_objects(upgraded, migrate.SCHEMA_HEAD) == []
    with closing(sqlite3.connect(upgraded)) as c:
        c.execute("ANALYZE")  # SQLite's own statistics are not foreign
        c.commit()
    assert foreign_schema_objects(upgraded, migrate.SCHEMA_HEAD) == []


def test_checking_a_backup_refuses_another_counters_as_the_restore_would(app, admin, tmp_path, clock):
    """The window checks a chosen backup before it closes for the restore: another counter's is
    named there, not only once the window has gone."""
    from oneStop.services.app import App
    from tests.conftest import setup_request

    own = app.backup.backup(admin, to=tmp_path / "own", passphrase=BACKUP_PASSPHRASE).path
    assert app.backup.check(own, passphrase=BACKUP_PASSPHRASE)
    with App(tmp_path / "counter-2", clock=clock) as other:
        other_admin = other.setup.set_up(setup_request(counter=2))
        foreign = other.backup.backup(other_admin, to=tmp_path / "other", passphrase=BACKUP_PASSPHRASE).path
    with pytest.raises(BackupOfAnotherCounter, match="quầy số 2"):
        app.backup.check(foreign, passphrase=BACKUP_PASSPHRASE)
    assert app.backup.check(foreign, passphrase=BACKUP_PASSPHRASE, move_counter=True)
