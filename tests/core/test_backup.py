"""Backups of the live database and restoring one, on a real data folder."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import select

from oneStop import settings as S
from oneStop.domain.errors import PermissionDenied
from oneStop.domain.events import Kind
from oneStop.persistence import migrate, sqlite_files
from oneStop.persistence.models import EventRow
from oneStop.services.app import App
from oneStop.domain.errors import InvalidLength
from oneStop.persistence import sealed
from oneStop.persistence.sealed import SealedFileDamaged, WrongPassphrase
from oneStop.services.backup import PassphraseRequired, ProgramRunning, RestoreRefused
from tests.conftest import BACKUP_PASSPHRASE
from tests.core.helpers import add_procedure, draft


def _count(path: Path, sql: str) -> int:
    with closing(sqlite3.connect(path)) as c:
        return c.execute(sql).fetchone()[0]


def _dossiers(path: Path) -> int:
    return _count(path, "SELECT count(*) FROM dossiers")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


@pytest.fixture
def receiving(app, official):  # type: ignore[no-untyped-def]
    add_procedure(app)
    return official


def test_a_backup_taken_while_another_connection_writes_is_whole_and_consistent(app, admin, receiving, clock,
                                                                                 tmp_path):
    other = App(app.paths.root, clock=clock)  # a second engine on the same file, writing all along
    stop = threading.Event()
    saved: list[str] = []

    def keep_receiving() -> None:
        while not stop.is_set():
            saved.append(other.reception.receive(receiving, draft()).code)

    writer = threading.Thread(target=keep_receiving)
    writer.start()
    try:
        copies = []
        while len(copies) < 5:
            if len(saved) >= 3 * (len(copies) + 1):
                copies.append(app.backup.backup(admin, to=app.paths.root / "copies").path)  # plain: inside
    finally:
        stop.set()
        writer.join()
        other.close()
    assert len(set(copies)) == 5
    sizes = []
    for copy in copies:
        assert sqlite_files.integrity_problems(copy) == []
        dossiers = _dossiers(copy)
        received = _count(copy, "SELECT count(*) FROM events WHERE kind = 'dossier.received'")
        issued = _count(copy, "SELECT coalesce(sum(last_number), 0) FROM daily_sequences")
        assert dossiers == received == issued  # each dossier whole with its event and its number
        assert dossiers >= 3
        sizes.append(dossiers)
        assert _count(copy, "PRAGMA journal_mode") is not None
        assert not Path(str(copy) + "-wal").exists()  # one self-contained file
    assert sizes == sorted(sizes) and sizes[-1] > sizes[0]
    assert _dossiers(app.paths.database) == len(saved)
    with app.uow() as uow:
        events = uow.session.scalars(select(EventRow).where(EventRow.kind == Kind.DATA_BACKED_UP)).all()
    assert [e.actor for e in events] == ["admin"] * 5
    assert app.backup.last_backup() == clock.now


def test_only_an_administrator_backs_up(app, receiving, tmp_path):
    with pytest.raises(PermissionDenied):
        app.backup.backup(receiving, to=tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_backups_older_than_the_setting_are_pruned_from_the_chosen_folder(app, admin, clock, tmp_path):
    folder = tmp_path / "usb"
    app.settings.set(admin, S.BACKUP_FOLDER, str(folder))
    app.settings.set(admin, S.BACKUP_KEEP_DAYS, 7)
    sealer = dict(passphrase=BACKUP_PASSPHRASE)
    first = app.backup.backup(admin, **sealer)
    assert first.path.parent == folder and first.path.name == "onestop-20261123-091500.sqlite3.sealed"
    for days in (1, 6, 8, 30):
        clock.advance(days=1)
        app.backup.backup(admin, **sealer)
    other = folder / "ghi-chu.txt"
    other.write_text("không phải bản sao")
    # now 27 Nov; copies from 23–27 Nov; keep 7 days: a copy made 30 days ago would go
    clock.advance(days=10)  # 7 Dec: 23 Nov–29 Nov are older than 7 days
    newest = app.backup.backup(admin, **sealer)
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["ghi-chu.txt", newest.path.name]
    assert [b.path for b in app.backup.backups()] == [newest.path]


def test_pruning_always_keeps_the_newest_copy(app, admin, clock):
    app.settings.set(admin, S.BACKUP_KEEP_DAYS, 1)
    only = app.backup.backup(admin)
    clock.advance(days=40)
    assert app.backup.prune() == []
    assert only.path.exists()


def test_the_daily_backup_is_made_once_a_day_by_the_system(app, admin, clock):
    assert app.backup.last_backup() is None
    made = app.backup.daily()
    assert made is not None and made.path.parent == app.paths.backups
    clock.advance(hours=5)
    assert app.backup.daily() is None  # same day in Hà Nội
    clock.advance(hours=20)
    assert app.backup.daily() is not None
    with app.uow() as uow:
        actors = uow.session.scalars(select(EventRow.actor).where(EventRow.kind == Kind.DATA_BACKED_UP)).all()
    assert actors == ["system", "system"]
    assert app.backup.last_backup() == clock.now


def _corrupt_the_middle(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = 4096
    pages = len(data) // page
    assert pages >= 12, "big enough that the middle pages are the tables' pages"
    for n in range(pages // 3, 2 * pages // 3):
        data[n * page:(n + 1) * page] = bytes([0xA5]) * page
    path.write_bytes(bytes(data))


def test_a_corrupted_copy_is_refused_and_the_database_is_untouched(app, admin, receiving, tmp_path):
    for _ in range(40):
        app.reception.receive(receiving, draft())
    copy = app.backup.backup(admin, to=app.paths.root / "copies").path  # a plain copy, inside the data folder
    _corrupt_the_middle(copy)
    db, wal = app.paths.database, Path(str(app.paths.database) + "-wal")
    before = (_digest(db), _digest(wal))
    with pytest.raises(RestoreRefused) as caught:
        app.backup.restore(admin, copy)
    assert "bị hỏng" in str(caught.value) and "không bị thay đổi" in str(caught.value)
    assert (_digest(db), _digest(wal)) == before
    assert not list(app.paths.backups.glob("pre-restore-*"))
    assert _dossiers(db) == 40


def test_a_file_that_is_not_a_onestop_database_is_refused(app, admin, tmp_path):
    other = tmp_path / "khac.sqlite3"
    with closing(sqlite3.connect(other)) as c:
        c.execute("CREATE TABLE notes (x)")
        c.commit()
    text = tmp_path / "van-ban.sqlite3"
    text.write_text("Đây không phải cơ sở dữ liệu " * 400)
    for path in (other, text):
        with pytest.raises(RestoreRefused):
            app.backup.restore(admin, path)


def test_a_copy_from_a_newer_version_is_refused(app, admin, tmp_path):
    copy = app.backup.backup(admin, to=app.paths.root / "copies").path
    with closing(sqlite3.connect(copy)) as c:
        c.execute("UPDATE alembic_version SET version_num = '0099'")
        c.commit()
    with pytest.raises(migrate.SchemaTooNew):
        app.backup.restore(admin, copy)


def test_restore_refused_while_the_desktop_program_holds_the_folder(app, admin, tmp_path):
    import os

    copy = app.backup.backup(admin, to=tmp_path / "copies", passphrase=BACKUP_PASSPHRASE).path
    app.paths.lock.write_text(f"{os.getpid()}\noneStop\nhost\n")
    with pytest.raises(ProgramRunning):
        app.backup.restore(admin, copy, passphrase=BACKUP_PASSPHRASE)


def test_restoring_a_good_copy_replaces_the_data_and_keeps_the_old_database_aside(app, admin, receiving, clock,
                                                                                   tmp_path):
    for _ in range(3):
        app.reception.receive(receiving, draft())
    copy = app.backup.backup(admin, to=tmp_path / "copies", passphrase=BACKUP_PASSPHRASE).path
    later = [app.reception.receive(receiving, draft()).code for _ in range(2)]
    assert _dossiers(app.paths.database) == 5
    assert Path(str(app.paths.database) + "-wal").exists()  # the last saves are in the WAL still

    clock.advance(minutes=10)
    result = app.backup.restore(admin, copy, passphrase=BACKUP_PASSPHRASE)

    assert result.revision == migrate.SCHEMA_HEAD
    assert result.kept.parent == app.paths.backups and result.kept.name.startswith("pre-restore-")
    assert _dossiers(result.kept) == 5  # the replaced database, WAL content included
    assert sqlite_files.integrity_problems(app.paths.database) == []
    assert _dossiers(app.paths.database) == 3
    from oneStop.domain.errors import DossierNotFound

    with pytest.raises(DossierNotFound):
        app.dossiers.get(admin, later[0])
    # numbers continue after the replaced database's: no receipt code is issued twice
    again = app.reception.receive(receiving, draft())
    assert again.code.endswith("-0006")
    with app.uow() as uow:
        restored = uow.session.scalars(select(EventRow).where(EventRow.kind == Kind.DATA_RESTORED)).one()
        seqs = uow.session.scalars(select(EventRow.seq).order_by(EventRow.seq)).all()
    assert restored.actor == "admin"
    assert len(seqs) == len(set(seqs))
    app.close()
    with App(app.paths.root, clock=clock) as reopened:  # what is on disk, WAL and all
        assert len(reopened.dossiers.find(admin, "")) == 4


def test_scans_are_sealed_beside_an_outside_backup_and_come_back_with_a_restore(app, admin, receiving, tmp_path):
    import shutil

    from oneStop.domain.models import AttachmentDraft

    scan = AttachmentDraft("to-khai.pdf", b"%PDF-1.4 to khai Nguyen Van An 038095001234 " * 100, "application/pdf")
    dossier = app.reception.receive(receiving, draft(attachments=(scan,)))
    sha = dossier.attachments[0].sha256
    copy = app.backup.backup(admin, to=tmp_path / "usb", passphrase=BACKUP_PASSPHRASE).path
    beside = tmp_path / "usb" / "attachments" / sha[:2]
    assert [p.name for p in beside.iterdir()] == [sha + ".sealed"]  # no plain scan outside the data folder
    assert sealed.is_sealed(beside / (sha + ".sealed"))
    assert b"038095001234" not in (beside / (sha + ".sealed")).read_bytes()
    inside = app.backup.backup(admin).path  # the default folder is inside the data folder: no second set
    assert not (inside.parent / "attachments").exists() and not sealed.is_sealed(inside)

    shutil.rmtree(app.paths.attachments)  # the scans are lost
    result = app.backup.restore(admin, copy, passphrase=BACKUP_PASSPHRASE)
    assert result.sealed and (result.scans, result.scans_refused) == (1, 0)
    assert app.dossiers.attachment(admin, sha) == scan.content


def _plain_files_outside(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and not sealed.is_sealed(p)]


def test_a_backup_outside_the_data_folder_is_sealed_and_holds_no_personal_data_in_clear(
        app, admin, receiving, tmp_path):
    for _ in range(3):
        app.reception.receive(receiving, draft())
    usb = tmp_path / "usb"
    with pytest.raises(PassphraseRequired, match="Cụm mật khẩu sao lưu"):
        app.backup.backup(admin, to=usb)
    with pytest.raises(InvalidLength, match="ít nhất 12 ký tự"):
        app.backup.backup(admin, to=usb, passphrase="ngắn")
    assert not usb.exists()  # refused before anything was written
    info = app.backup.backup(admin, to=usb, passphrase=BACKUP_PASSPHRASE)
    assert info.path.name == "onestop-20261123-091500.sqlite3.sealed" and sealed.is_sealed(info.path)
    assert _plain_files_outside(usb) == []
    raw = info.path.read_bytes()
    assert b"SQLite format 3" not in raw and "Nguyễn".encode() not in raw
    assert not list(app.paths.backups.glob(".scratch-*"))  # the plain copy made for sealing is gone
    assert [b.path for b in app.backup.backups(usb)] == [info.path]
    with app.uow() as uow:
        event = uow.session.scalars(select(EventRow).where(EventRow.kind == Kind.DATA_BACKED_UP)).one()
    assert event.payload["sealed"] is True

    with pytest.raises(PassphraseRequired, match="đã được khóa"):
        app.backup.restore(admin, info.path)
    db_before = _dossiers(app.paths.database)
    with pytest.raises(WrongPassphrase, match="không đúng"):
        app.backup.restore(admin, info.path, passphrase="một cụm mật khẩu khác hẳn")
    tampered = usb / "doi.sqlite3.sealed"
    data = bytearray(raw)
    data[len(data) // 2] ^= 0x40
    tampered.write_bytes(bytes(data))
    with pytest.raises(SealedFileDamaged, match="bị sửa đổi"):
        app.backup.restore(admin, tampered, passphrase=BACKUP_PASSPHRASE)
    assert not list(app.paths.backups.glob("pre-restore-*")) and not list(app.paths.backups.glob(".scratch-*"))
    assert _dossiers(app.paths.database) == db_before == 3


def test_the_chosen_folder_outside_the_data_folder_gets_sealed_backups_and_the_daily_one_stays_inside(
        app, admin, clock, tmp_path):
    usb = tmp_path / "usb"
    app.backup.choose_folder(admin, usb)
    assert app.backup.needs_passphrase() and not app.backup.needs_passphrase(app.paths.root / "x")
    with pytest.raises(PassphraseRequired):
        app.backup.backup(admin)
    made = app.backup.backup(admin, passphrase=BACKUP_PASSPHRASE)
    assert made.path.parent == usb and sealed.is_sealed(made.path)
    clock.advance(days=1)
    daily = app.backup.daily()  # no one to give a passphrase: into the data folder, plain
    assert daily is not None and daily.path.parent == app.paths.backups and not sealed.is_sealed(daily.path)
    assert _plain_files_outside(usb) == []


def test_an_administrator_chooses_the_backup_folder_and_a_folder_that_cannot_be_used_is_refused(
        app, admin, receiving, tmp_path):
    from oneStop.domain.errors import PermissionDenied, ValidationError

    usb = tmp_path / "usb" / "onestop-saoluu"
    with pytest.raises(PermissionDenied):
        app.backup.choose_folder(receiving, usb)
    assert not usb.exists()  # refused before anything was made on the disk
    assert app.backup.choose_folder(admin, usb) == usb and usb.is_dir()
    assert app.backup.backup(admin, passphrase=BACKUP_PASSPHRASE).path.parent == usb
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    for bad, words in ((blocker / "x", "không tạo được thư mục"), ("saoluu", "đường dẫn đầy đủ")):
        with pytest.raises(ValidationError, match=words) as refused:
            app.backup.choose_folder(admin, bad)
        assert refused.value.field == "backup.folder" and str(refused.value).startswith("Thư mục sao lưu:")
    assert app.backup.folder() == usb  # unchanged by the refusals
    assert app.backup.choose_folder(admin, "") == app.paths.backups  # back to the default
