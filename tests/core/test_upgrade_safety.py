"""Upgrading a counter's database keeps its data: a copy first, a restore on failure, and a
database from a newer program left byte for byte as it was."""

from __future__ import annotations

import hashlib
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from alembic.operations import Operations

from oneStop.domain.models import Role
from oneStop.persistence import migrate, sqlite_files
from oneStop.persistence.db import DB_FILENAME, sqlite_url
from oneStop.services.app import App
from tests.conftest import PASSWORD, setup_request
from tests.core.helpers import add_procedure, draft


def _rows(path: Path, table: str) -> list[tuple]:
    with closing(sqlite3.connect(path)) as c:
        return sorted(c.execute(f"SELECT * FROM {table}").fetchall(), key=repr)


def _columns(connection: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in connection.execute(f"PRAGMA table_info({table})")]


@pytest.fixture
def data_at_0001(tmp_path, clock) -> tuple[Path, list[str]]:
    """A data folder whose database is at revision 0001, holding an agency, users, a catalog and
    three received dossiers with their events, written with plain SQL for that revision's
    tables (the rows are what this program received, cut to the 0001 columns)."""
    source = tmp_path / "source"
    with App(source, clock=clock) as core:
        admin = core.setup.set_up(setup_request())
        official = core.auth.add_user(admin, "hoa.nt", "Nguyễn Thị Hoa", Role.OFFICIAL, PASSWORD)
        add_procedure(core)
        codes = [core.reception.receive(official, draft()).code for _ in range(3)]
    data = tmp_path / "old"
    data.mkdir()
    db = data / DB_FILENAME
    migrate.upgrade(sqlite_url(db), "0001")
    with closing(sqlite3.connect(source / DB_FILENAME)) as src, closing(sqlite3.connect(db)) as dst:
        for table in [r[0] for r in dst.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                                "AND name != 'alembic_version'")]:
            columns = _columns(dst, table)
            names = ", ".join(columns)
            marks = ", ".join("?" for _ in columns)
            rows = src.execute(f"SELECT {names} FROM {table}").fetchall()
            dst.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
        dst.commit()
        assert dst.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert dst.execute("SELECT count(*) FROM dossiers").fetchone() == (3,)
    return data, codes


def test_a_0001_database_with_dossiers_upgrades_to_head_with_a_copy_kept_aside(data_at_0001, clock):
    data, codes = data_at_0001
    before = _rows(data / DB_FILENAME, "events")
    with App(data, clock=clock) as core:
        official = core.auth.login("hoa.nt", PASSWORD)
        for code in codes:
            dossier = core.dossiers.get(official, code)
            assert dossier.applicant.name == "Nguyễn Thị Hường"
            assert dossier.status.value == "received"
        fourth = core.reception.receive(official, draft())
        assert fourth.code.endswith("-0004")
    assert sqlite_files.schema_revision(data / DB_FILENAME) == migrate.SCHEMA_HEAD
    with closing(sqlite3.connect(data / DB_FILENAME)) as c:  # 0002 filled the deadline of old dossiers
        assert c.execute("SELECT count(*) FROM dossiers WHERE deadline_at = due_at").fetchone() == (4,)
    copies = list((data / "backups").glob("pre-upgrade-0001-*.sqlite3"))
    assert len(copies) == 1
    assert sqlite_files.schema_revision(copies[0]) == "0001"
    assert sqlite_files.integrity_problems(copies[0]) == []
    assert _rows(copies[0], "events") == before
    assert not list((data / "backups").glob("*.partial"))


def test_an_up_to_date_database_is_not_copied(tmp_path, clock):
    with App(tmp_path / "d", clock=clock) as core:
        core.setup.set_up(setup_request())
    with App(tmp_path / "d", clock=clock):
        pass
    assert not (tmp_path / "d" / "backups").exists()


def test_a_failing_migration_restores_the_database_and_says_so(data_at_0001, clock, monkeypatch):
    data, codes = data_at_0001
    db = data / DB_FILENAME
    before = {t: _rows(db, t) for t in ("dossiers", "events", "users", "procedures")}
    real_create_table = Operations.create_table

    def failing_create_table(self, table_name, *columns, **kw):  # type: ignore[no-untyped-def]
        if table_name == "sync_state":  # 0005, after 0002–0004 have changed the tables
            self.get_bind().exec_driver_sql("DELETE FROM dossiers")
            raise RuntimeError("ổ đĩa lỗi giữa chừng")
        return real_create_table(self, table_name, *columns, **kw)

    monkeypatch.setattr(Operations, "create_table", failing_create_table)
    with pytest.raises(migrate.UpgradeFailed) as caught:
        App(data, clock=clock)
    message = str(caught.value)
    assert "không thành công" in message and "khôi phục nguyên trạng" in message
    assert "0001" in message and migrate.SCHEMA_HEAD in message
    assert caught.value.copy is not None and caught.value.copy.is_file()
    assert sqlite_files.schema_revision(db) == "0001"
    assert sqlite_files.integrity_problems(db) == []
    assert {t: _rows(db, t) for t in before} == before
    with closing(sqlite3.connect(db)) as c:
        assert "returned_by_post" not in _columns(c, "dossiers")  # 0004 is not half applied

    monkeypatch.setattr(Operations, "create_table", real_create_table)
    with App(data, clock=clock) as core:  # the next start, with the fault gone, upgrades
        official = core.auth.login("hoa.nt", PASSWORD)
        assert [core.dossiers.get(official, c).code for c in codes] == codes


def test_restoring_the_copy_undoes_changes_that_reached_the_file(tmp_path):
    """The restore itself, when the failure left the file changed (not only rolled back)."""
    db = tmp_path / "db.sqlite3"
    with closing(sqlite3.connect(db)) as c:
        c.execute("PRAGMA journal_mode=WAL")
        c.execute("CREATE TABLE t (x)")
        c.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(100)])
        c.commit()
    copy = sqlite_files.copy_database(db, tmp_path / "copy.sqlite3")
    with closing(sqlite3.connect(db)) as c:
        c.execute("DELETE FROM t WHERE x > 10")
        c.execute("CREATE TABLE half (y)")
        c.commit()
    sqlite_files.restore_into(copy, db)
    with closing(sqlite3.connect(db)) as c:
        assert c.execute("SELECT count(*) FROM t").fetchone() == (100,)
        assert c.execute("SELECT name FROM sqlite_master WHERE name = 'half'").fetchone() is None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("journal", ["wal", "delete"])
def test_a_database_from_a_newer_version_is_refused_and_never_modified(tmp_path, clock, journal):
    data = tmp_path / "data"
    with App(data, clock=clock) as core:
        core.setup.set_up(setup_request())
    db = data / DB_FILENAME
    with closing(sqlite3.connect(db)) as c:
        c.execute("UPDATE alembic_version SET version_num = '0099'")
        c.commit()
        c.execute(f"PRAGMA journal_mode={journal}")
    listing = sorted(p.name for p in data.iterdir())
    digest = _sha256(db)
    with pytest.raises(migrate.SchemaTooNew) as caught:
        App(data, clock=clock)
    assert "mới hơn" in str(caught.value) and "0099" in str(caught.value)
    assert _sha256(db) == digest
    after = sorted(p.name for p in data.iterdir())
    # no copy, no backups folder; at most SQLite's own empty side files from the read-only look
    assert [n for n in after if not n.endswith(("-wal", "-shm"))] == listing
    wal = data / (DB_FILENAME + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_only_the_newest_pre_upgrade_copies_are_kept(data_at_0001, clock):
    """Each upgrade leaves a copy; after one goes through, the older copies beyond
    ``KEEP_UPGRADE_COPIES`` are deleted (with their side files), and nothing else in the folder."""
    data, _ = data_at_0001
    backups = data / "backups"
    backups.mkdir()
    older = [backups / f"pre-upgrade-0001-2025010{d}-080000-000000.sqlite3" for d in range(1, 5)]
    for path in older:
        path.write_bytes(b"old copy")
    Path(str(older[0]) + "-wal").write_bytes(b"wal")
    daily = backups / "onestop-20250101-080000.sqlite3"
    daily.write_bytes(b"a daily backup")
    with App(data, clock=clock):
        pass
    kept = sorted(p.name for p in backups.glob("pre-upgrade-*.sqlite3"))
    assert len(kept) == migrate.KEEP_UPGRADE_COPIES == 3
    assert kept[:2] == [older[2].name, older[3].name] and kept[2] not in {p.name for p in older}
    assert not Path(str(older[0]) + "-wal").exists() and daily.exists()
