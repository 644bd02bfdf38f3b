"""Backups of the counter's local database, and restoring one.

A backup is a consistent copy made with SQLite's online backup API while the program keeps
working and writing (:func:`oneStop.persistence.sqlite_files.copy_database`), named with the
local date and time (``onestop-20261123-091500.sqlite3``), in the folder the administrator
chose (device setting ``backup.folder``; default ``<data folder>/backups``). Copies older than
``backup.keep_days`` are deleted from that folder after each backup made there (the newest is
always kept). The desktop program makes one a day on its own (:meth:`BackupService.daily`, as
the system); the administrator makes one whenever they like and restores one.

A backup written outside the data folder (a USB drive, a network share: the chosen folder or
``to``) carries citizens' personal data off the PC (Law 91/2025/QH15), so it is **sealed** with
a passphrase the administrator gives (:mod:`oneStop.persistence.sealed`):
``onestop-<time>.sqlite3.sealed``, and the scans beside it ``attachments/xx/<sha256>.sealed``.
No plain copy is left outside the data folder. Backups inside the data folder (the automatic
daily one by default) stay plain SQLite files. A restore of a sealed backup needs the passphrase.

Every backup and restore is an event (``data.backed_up``, ``data.restored``), so the last
backup time is read from the database (:meth:`BackupService.last_backup`).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sqlite3
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import func, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from oneStop import settings as S
from oneStop.domain.clock import local_date, to_local
from oneStop.domain.errors import NotSetUp, OneStopError, PermissionDenied
from oneStop.domain.events import Kind
from oneStop.domain.models import User
from oneStop.domain.permissions import Permission
from oneStop.persistence import migrate, sealed, sqlite_files
from oneStop.persistence.db import Database
from oneStop.persistence.files import make_private_dir
from oneStop.persistence.models import AgencyRow, CounterRow, DailySequenceRow, EventRow, RegisterSequenceRow
from oneStop.services.base import UowFactory, authorize
from oneStop.services.settings_store import SettingsService
from oneStop.services.setup import SYSTEM_ACTOR

log = logging.getLogger(__name__)


class RestoreRefused(OneStopError):
    """The file offered for a restore cannot replace the database; nothing was changed."""


class BackupFailed(OneStopError):
    """The copy could not be written (folder missing, disk full, no permission)."""


@dataclass(frozen=True)
class CounterOf:
    """Whose data a database holds: the agency and the counter (PC) it was set up as."""

    agency_code: str
    agency_name: str
    counter: int

    @property
    def key(self) -> tuple[str, int]:
        """What identifies the counter (the agency's name may have been edited since)."""
        return self.agency_code, self.counter

    def __str__(self) -> str:
        return f"quầy số {self.counter} của {self.agency_name or 'cơ quan'} (mã {self.agency_code})"


class BackupOfAnotherCounter(RestoreRefused):
    """The backup was made on another counter or for another agency: restoring it would make
    this PC that counter, issuing the same dossier codes and event numbers as the real one.
    (Moving a counter to a new PC is a separate, explicit step for an administrator.)"""

    def __init__(self, backup: CounterOf, here: CounterOf) -> None:
        self.backup, self.here = backup, here
        super().__init__(
            f"Bản sao lưu này là dữ liệu của {backup}; máy này là {here}. Không khôi phục: nếu khôi phục, máy "
            "này sẽ trở thành quầy kia và cấp trùng mã hồ sơ, số sự kiện với quầy thật. Dữ liệu hiện tại "
            "không bị thay đổi. Hãy chọn bản sao lưu của chính quầy này.")


class PassphraseRequired(OneStopError):
    """A backup leaving the data folder, or a sealed backup being restored, needs the passphrase."""

    def __init__(self, *, restoring: bool = False, shown: str = "") -> None:
        if restoring:
            text = (f"Bản sao lưu {shown} đã được khóa bằng cụm mật khẩu sao lưu: hãy nhập cụm mật khẩu "
                    "(hoặc --passphrase-file, biến môi trường ONESTOP_BACKUP_PASSPHRASE) để khôi phục.")
        else:
            text = ("Cụm mật khẩu sao lưu: bản sao lưu ra ngoài thư mục dữ liệu chứa dữ liệu cá nhân nên phải "
                    "được khóa bằng cụm mật khẩu (ít nhất 12 ký tự). Chưa có gì được ghi.")
        super().__init__(text)


class ProgramRunning(OneStopError):
    def __init__(self) -> None:
        super().__init__("Chương trình oneStop đang mở trên thư mục dữ liệu này: hãy đóng chương trình rồi "
                         "khôi phục lại. Dữ liệu chưa bị thay đổi.")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    made_at: datetime  # UTC
    size: int


@dataclass(frozen=True)
class RestoreResult:
    restored: Path  # the file that was restored
    kept: Path  # where the replaced database was put aside
    revision: str  # the schema of the restored file (before it was upgraded to this program's)
    sealed: bool = False  # the file was sealed with a passphrase
    scans: int = 0  # scans brought back from beside the copy
    scans_refused: int = 0  # sealed scans beside the copy that the passphrase did not open (not written)
    #: the counter this PC took over (a PC not set up, or ``move_counter``), and its new public
    #: key, which the province's administrator registers to confirm the move
    took_over: "CounterOf | None" = None
    public_key: str = ""

    def summary(self) -> list[str]:
        """What was done, in the lines the command line prints and the window shows."""
        lines = [f"Đã khôi phục dữ liệu từ {self.restored}.",
                 f"Dữ liệu trước khi khôi phục được giữ tại {self.kept}"]
        if self.scans_refused:
            lines.append(f"{self.scans_refused} tệp đính kèm cạnh bản sao không mở được bằng cụm mật khẩu này "
                         "(hoặc đã bị sửa đổi) nên không được khôi phục.")
        if self.took_over is not None:
            counter = self.took_over
            lines += [f"Máy này nhận {counter}, với khóa ký mới. Chưa cấp mã hồ sơ cho tới khi máy chủ trung tâm "
                      "xác nhận: quản trị tỉnh chạy",
                      f"  onestop central add-counter --url … --agency-code {counter.agency_code} "
                      f"--counter {counter.counter} --public-key {self.public_key}",
                      "rồi đồng bộ máy này bằng địa chỉ kết nối mới (máy cũ không đồng bộ được nữa)."]
        return lines


class BackupService:
    def __init__(self, uow: UowFactory, db: Database, settings: SettingsService, *, database: Path,
                 default_folder: Path, lock_file: Path, clock: Callable[[], datetime],
                 attachments: Path | None = None, on_restored: Callable[[], None] = lambda: None) -> None:
        self._uow = uow
        self._attachments = attachments
        self._db = db
        self._settings = settings
        self._database = database
        self._default_folder = default_folder
        self._lock_file = lock_file
        self._clock = clock
        self._on_restored = on_restored

    # --- where ----------------------------------------------------------------------------------

    def folder(self) -> Path:
        """The chosen backup folder, or ``<data folder>/backups``."""
        chosen = str(self._settings.get(S.BACKUP_FOLDER) or "").strip()
        return Path(chosen).expanduser() if chosen else self._default_folder

    def choose_folder(self, actor: User, folder: Path | str) -> Path:
        """Make ``folder`` (a USB drive, a network share …) where backups go, after checking it
        can be written (administrator only; ``""`` goes back to the default)."""
        from oneStop.domain.errors import ValidationError
        from oneStop.persistence.storage import DiskFull, FolderReadOnly, probe

        with self._uow() as uow:  # before anything is created on a disk
            authorize(uow, actor, Permission.MANAGE_SETTINGS)
        text = str(folder).strip()
        if text:
            path = Path(text).expanduser()
            if not path.is_absolute():
                raise ValidationError(S.BACKUP_FOLDER.key, "cần đường dẫn đầy đủ tới thư mục sao lưu")
            try:
                path.mkdir(parents=True, exist_ok=True)
                probe(path)
            except FolderReadOnly as exc:
                raise ValidationError(S.BACKUP_FOLDER.key, f"không ghi được vào {path} ({exc.reason})") from exc
            except DiskFull as exc:
                raise ValidationError(S.BACKUP_FOLDER.key, f"ổ đĩa của {path} đã đầy") from exc
            except OSError as exc:
                raise ValidationError(S.BACKUP_FOLDER.key,
                                      f"không tạo được thư mục {path} ({exc.strerror or exc})") from exc
        self._settings.set(actor, S.BACKUP_FOLDER, text)
        return self.folder()

    def backups(self, folder: Path | None = None) -> list[BackupInfo]:
        """The backups in ``folder`` (default: the chosen one), newest first."""
        found = []
        folder = folder or self.folder()
        if not folder.is_dir():
            return []
        for path in folder.iterdir():
            made_at = _made_at(path.name)
            if made_at is not None and path.is_file():
                found.append(BackupInfo(path, made_at, path.stat().st_size))
        return sorted(found, key=lambda b: b.made_at, reverse=True)

    def last_backup(self) -> datetime | None:
        """When the last backup of this database was made (UTC), or None."""
        with self._uow() as uow:
            return uow.session.scalar(
                select(EventRow.device_time).where(EventRow.kind == Kind.DATA_BACKED_UP)
                .order_by(EventRow.device_time.desc()).limit(1)
            )

    # --- backing up -----------------------------------------------------------------------------

    def needs_passphrase(self, to: Path | None = None) -> bool:
        """Whether a backup into ``to`` (default: the chosen folder) leaves the data folder and
        so must be sealed with a passphrase."""
        return not _inside(Path(to) if to else self.folder(), self._database.parent)

    def backup(self, actor: User, to: Path | None = None, *, passphrase: str | None = None) -> BackupInfo:
        """An administrator's backup, into ``to`` or the chosen folder (which is then pruned);
        sealed with ``passphrase`` outside the data folder (:class:`PassphraseRequired` without
        one, before anything is written)."""
        with self._uow() as uow:
            authorize(uow, actor, Permission.BACKUP)
        return self._backup(actor.username, Path(to) if to else None, automatic=False, passphrase=passphrase)

    def daily(self) -> BackupInfo | None:
        """The automatic backup: one a day, made by the system, if none was made today. No one
        is there to give a passphrase, so when the chosen folder is outside the data folder the
        automatic copy goes to ``<data folder>/backups`` instead (the administrator's own backups
        still go to the chosen folder, sealed)."""
        last = self.last_backup()
        if last is not None and local_date(last) >= local_date(self._clock()):
            return None
        folder = None
        if self.needs_passphrase():
            log.warning("The chosen backup folder %s is outside the data folder: the automatic backup, which "
                        "cannot be sealed, goes to %s", self.folder(), self._default_folder)
            folder = self._default_folder
        return self._backup(SYSTEM_ACTOR, folder, automatic=True, passphrase=None, prune=True)

    def _backup(self, actor: str, to: Path | None, *, automatic: bool, passphrase: str | None,
                prune: bool | None = None) -> BackupInfo:
        folder = to or self.folder()
        outside = not _inside(folder, self._database.parent)
        sealer = None
        if outside:  # refused before anything is written
            if passphrase is None:
                raise PassphraseRequired()
            sealer = sealed.Sealer(passphrase)
        now = self._clock()
        suffix = ".sqlite3.sealed" if outside else ".sqlite3"
        target = folder / f"onestop-{to_local(now):%Y%m%d-%H%M%S}{suffix}"
        n = 1
        while target.exists():  # two backups in the same second
            target = folder / f"onestop-{to_local(now):%Y%m%d-%H%M%S}-{n}{suffix}"
            n += 1
        try:
            if sealer is None:
                if folder == self._default_folder:
                    make_private_dir(folder)
                sqlite_files.copy_database(self._database, target)
            else:  # the plain copy never leaves the data folder
                with _scratch(self._default_folder) as plain:
                    sqlite_files.copy_database(self._database, plain)
                    folder.mkdir(parents=True, exist_ok=True)
                    sealer.seal(plain, target)
        except (OSError, sqlite3.Error) as exc:
            raise BackupFailed(f"Không sao lưu được dữ liệu vào {folder}: {_reason(exc)}") from exc
        info = BackupInfo(target, now, target.stat().st_size)
        scans = 0
        if self._attachments is not None and sealer is not None:
            try:  # the scans too, beside the copies (once each: they never change), sealed
                scans = seal_attachments(self._attachments, folder / "attachments", sealer)
            except OSError as exc:
                raise BackupFailed(f"Đã sao lưu cơ sở dữ liệu nhưng không chép được tệp đính kèm vào {folder}: "
                                   f"{_reason(exc)}") from exc
        payload: dict[str, object] = {"file": str(target), "size": info.size, "automatic": automatic}
        if sealer is not None:
            payload.update(sealed=True, scans=scans)
        with self._uow(write=True) as uow:
            uow.append(Kind.DATA_BACKED_UP, actor, payload=payload)
            uow.commit()
        log.info("Backed up %s to %s (%d bytes%s)", self._database, target, info.size, ", sealed" if sealer else "")
        if prune if prune is not None else to is None:
            self.prune(folder)
        return info

    def prune(self, folder: Path | None = None) -> list[Path]:
        """Delete this program's backups older than ``backup.keep_days`` from ``folder``
        (default: the chosen one), always keeping the newest; return what was deleted."""
        keep_days = int(self._settings.get(S.BACKUP_KEEP_DAYS))
        cutoff = self._clock() - timedelta(days=keep_days)
        deleted = []
        for info in self.backups(folder)[1:]:
            if info.made_at < cutoff:
                try:
                    info.path.unlink()
                    deleted.append(info.path)
                except OSError as exc:
                    log.warning("Could not delete old backup %s: %s", info.path, exc)
        return deleted

    # --- restoring ------------------------------------------------------------------------------

    def check(self, path: Path, *, passphrase: str | None = None, move_counter: bool = False) -> str:
        """See :func:`check_restorable` (a sealed file is opened with ``passphrase`` first); and,
        as :meth:`restore` would, another counter's backup is refused unless ``move_counter``."""
        here = self._here()
        with opened_copy(Path(path), passphrase, self._default_folder) as plain:
            revision = check_restorable(plain, shown=Path(path).name)
            owner = counter_of(plain)
        if here is not None and owner is not None and owner.key != here.key and not move_counter:
            raise BackupOfAnotherCounter(owner, here)
        return revision

    def restore(self, actor: User | None, path: Path, *, passphrase: str | None = None,
                move_counter: bool = False) -> RestoreResult:
        """Replace the database with the copy ``path`` (checked first), keeping the current
        database aside in ``<data folder>/backups/pre-restore-<time>.sqlite3``; then bring the
        restored data to this program's schema.

        Numbers never go back: the counter's event numbers, its dossier numbers of each day and
        its tracking-book numbers continue from the replaced database where they were higher,
        so no code printed on a receipt and no event sent to the central database is issued a
        second time.

        Only this counter's own backup is restored (:class:`BackupOfAnotherCounter` otherwise).
        A PC not yet set up restores any backup, with no ``actor``: that is how a counter is
        recovered on a new PC. ``move_counter``: an administrator of this PC makes it the
        backup's counter instead.

        Either way the PC takes over the backup's counter: it makes a new signing key and issues
        no dossier code until the central database confirms the move (the province's
        administrator registers the new key, ``central add-counter … --public-key``, which also
        stops the old PC) and a sync has taken back the counter's events sent after the backup
        (``oneStop.sync.client.MOVE_PENDING``)."""
        path = Path(path).resolve()
        here = self._here()
        if actor is not None or here is not None:  # a PC set up answers to its administrator
            if actor is None:
                raise PermissionDenied("(chưa đăng nhập)", Permission.BACKUP.label)
            with self._uow() as uow:
                authorize(uow, actor, Permission.BACKUP)
        if instance_running(self._lock_file):
            raise ProgramRunning()
        is_sealed = sealed.is_sealed(path)
        with opened_copy(path, passphrase, self._default_folder) as plain:
            revision = check_restorable(plain, shown=path.name)
            owner = counter_of(plain)
            if here is not None and owner is None:
                raise RestoreRefused(f"Bản sao lưu {path.name} chưa được thiết lập cho quầy nào; máy này là {here}. "
                                     "Không khôi phục. Dữ liệu hiện tại không bị thay đổi.")
            moving = here is not None and owner is not None and owner.key != here.key
            if moving and not move_counter:
                raise BackupOfAnotherCounter(owner, here)
            taking_over = owner if owner is not None and (here is None or moving) else None
            # another counter's numbers are not this one's to continue from
            numbers = _Numbers(None, [], []) if moving else self._numbers()
            self._db.dispose()  # no pooled connection of ours stays on the old content
            stamp = f"{to_local(self._clock()):%Y%m%d-%H%M%S}"
            kept = self._keep_current(self._default_folder / f"pre-restore-{stamp}.sqlite3")
            try:
                sqlite_files.restore_into(plain, self._database)
            except sqlite3.DatabaseError:  # the live file is too damaged to be written through SQLite
                for suffix in sqlite_files.SIDE_SUFFIXES:
                    Path(str(self._database) + suffix).unlink(missing_ok=True)
                sqlite_files.copy_database(plain, self._database)
        migrate.upgrade(self._db.url, backup_dir=self._default_folder)
        scans = refused = 0
        if self._attachments is not None:  # scans missing here come back from beside the copy
            beside = path.parent / "attachments"
            if is_sealed:
                scans, refused = unseal_attachments(beside, self._attachments, sealed.Opener(passphrase or ""))
            else:
                scans = mirror_attachments(beside, self._attachments)
        self._on_restored()
        payload: dict[str, object] = {"file": str(path), "kept": str(kept)}
        if is_sealed:
            payload["sealed"] = True
        public_key = ""
        try:
            with self._uow(write=True) as uow:
                _carry_forward(uow, numbers)
                if taking_over is not None:
                    public_key = _take_over(uow)
                    payload["moved_from"] = str(here) if here is not None else ""
                uow.append(Kind.DATA_RESTORED, actor.username if actor else SYSTEM_ACTOR, payload=payload)
                _recover_own_events_at_next_sync(uow)
                uow.commit()
        except NotSetUp:
            log.warning("Restored %s, a database that is not set up: no event recorded", path)
        log.info("Restored %s over %s; the replaced database is kept as %s%s", path, self._database, kept,
                 f"; this PC takes over {taking_over.key} pending the centre's confirmation" if taking_over else "")
        return RestoreResult(path, kept, revision, is_sealed, scans, refused, taking_over, public_key)

    def record_restore(self, path: Path, *, kept: Path | None = None) -> None:
        """Record a restore made before the program could open the data (over a damaged
        database), as the system."""
        with self._uow(write=True) as uow:
            uow.append(Kind.DATA_RESTORED, SYSTEM_ACTOR,
                       payload={"file": str(Path(path).resolve()), "kept": str(kept or ""), "damaged": True})
            _recover_own_events_at_next_sync(uow)
            uow.commit()

    def _here(self) -> CounterOf | None:
        """This PC's counter, or None if it is not set up."""
        with self._uow() as uow:
            row = uow.session.execute(
                select(CounterRow.agency_code, CounterRow.number, AgencyRow.name)
                .join(AgencyRow, AgencyRow.code == CounterRow.agency_code, isouter=True)
                .where(CounterRow.is_local.is_(True))).first()
        return None if row is None else CounterOf(row[0], row[2] or "", row[1])

    def _numbers(self) -> _Numbers:
        try:
            with self._uow() as uow:
                return _Numbers(
                    uow.session.scalar(select(CounterRow.last_seq).where(CounterRow.is_local.is_(True))),
                    [(r.agency_code, r.day, r.counter, r.last_number)
                     for r in uow.session.scalars(select(DailySequenceRow))],
                    [(r.counter_id, r.volume, r.last_number) for r in uow.session.scalars(select(RegisterSequenceRow))],
                )
        except Exception:  # a damaged database: restore anyway
            log.warning("Could not read the numbers of the database being replaced", exc_info=True)
            return _Numbers(None, [], [])

    def _keep_current(self, target: Path) -> Path:
        """Put the current database aside: a consistent copy if SQLite can read it, else the
        raw files (database, WAL) as they are."""
        try:
            return sqlite_files.copy_database(self._database, target)
        except sqlite3.DatabaseError:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(self._database, target)
            wal = Path(str(self._database) + "-wal")
            if wal.exists():
                shutil.copy2(wal, Path(str(target) + "-wal"))
            return target
        except OSError as exc:
            raise BackupFailed(f"Không giữ lại được dữ liệu hiện tại trước khi khôi phục ({_reason(exc)}); "
                               "không khôi phục.") from exc


def _take_over(uow) -> str:  # type: ignore[no-untyped-def]
    """This PC becomes the restored counter: a new signing key of its own (the old PC keeps the
    old one), and no dossier code until the centre has confirmed the move. Returns the new
    public key."""
    from oneStop.domain import signing
    from oneStop.sync.client import MOVE_PENDING, put_state

    counter = uow.session.scalar(select(CounterRow).where(CounterRow.is_local.is_(True)))
    counter.signing_key, counter.public_key = signing.new_key()
    put_state(uow, MOVE_PENDING, counter.public_key, uow.now())
    return counter.public_key


def _recover_own_events_at_next_sync(uow) -> None:  # type: ignore[no-untyped-def]
    """What this counter did after the restored copy was made, and sent, is in the central
    database: the next sync takes it back (``oneStop.sync.client.RECOVER_OWN``)."""
    from oneStop.sync.client import RECOVER_OWN, put_state

    put_state(uow, RECOVER_OWN, True, uow.now())


@contextmanager
def _scratch(folder: Path) -> Iterator[Path]:
    """A plain file's name in ``folder`` (inside the data folder), removed with its side files
    afterwards."""
    make_private_dir(folder)
    path = folder / f".scratch-{uuid.uuid4().hex}.sqlite3"
    try:
        yield path
    finally:
        for suffix in ("", ".partial", *sqlite_files.SIDE_SUFFIXES):
            Path(str(path) + suffix).unlink(missing_ok=True)


@contextmanager
def opened_copy(path: Path, passphrase: str | None, work: Path) -> Iterator[Path]:
    """``path`` itself if it is a plain copy; a sealed one opened with ``passphrase`` into a
    scratch file in ``work`` (inside the data folder), removed afterwards. Raise
    :class:`PassphraseRequired` or :class:`~oneStop.persistence.sealed.SealedFileRefused`."""
    if not sealed.is_sealed(path):
        yield path
        return
    if not passphrase:
        raise PassphraseRequired(restoring=True, shown=path.name)
    with _scratch(work) as plain:
        sealed.unseal(path, plain, passphrase)
        yield plain


def seal_attachments(source: Path, target: Path, sealer: sealed.Sealer) -> int:
    """Seal the stored scans (``xx/<sha256>``) that ``target`` lacks into
    ``target/xx/<sha256>.sealed``; return how many. A scan never changes, so one already
    sealed there is skipped."""
    count = 0
    if not source.is_dir():
        return 0
    for path in source.glob("??/*"):
        if not path.is_file() or len(path.name) != 64:
            continue
        dest = target / path.parent.name / (path.name + ".sealed")
        if dest.exists():
            continue
        sealer.seal(path, dest)
        count += 1
    return count


def unseal_attachments(source: Path, target: Path, opener: sealed.Opener) -> tuple[int, int]:
    """Open the sealed scans beside a backup that ``target`` lacks; return (opened, refused).
    A scan the passphrase does not open, or whose content is not the one its name promises,
    is not written (and logged)."""
    import hashlib

    opened = refused = 0
    if not source.is_dir():
        return 0, 0
    for path in source.glob("??/*.sealed"):
        name = path.name.removesuffix(".sealed")
        if not path.is_file() or len(name) != 64:
            continue
        dest = target / path.parent.name / name
        if dest.exists():
            continue
        partial = dest.with_name(name + ".unsealed")
        try:
            opener.unseal(path, partial)
            digest = hashlib.sha256()
            with open(partial, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
            if digest.hexdigest() != name:
                raise sealed.SealedFileDamaged(path, "nội dung không khớp tên tệp")
            os.replace(partial, dest)
            opened += 1
        except sealed.SealedFileRefused as exc:
            partial.unlink(missing_ok=True)
            log.warning("Scan %s beside the backup not restored: %s", path, exc)
            refused += 1
    return opened, refused


def mirror_attachments(source: Path, target: Path) -> int:
    """Copy the stored scans (``xx/<sha256>``) that ``target`` lacks; return how many. They
    are named by their content and never change, so a file already there is skipped."""
    copied = 0
    if not source.is_dir():
        return 0
    for path in source.glob("??/*"):
        if not path.is_file() or len(path.name) != 64:
            continue
        dest = target / path.parent.name / path.name
        if dest.exists() and dest.stat().st_size == path.stat().st_size:
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        partial = dest.with_name(dest.name + ".partial")
        shutil.copyfile(path, partial)
        os.replace(partial, dest)
        copied += 1
    return copied


def _inside(folder: Path, root: Path) -> bool:
    try:
        Path(folder).resolve().relative_to(Path(root).resolve())
        return True
    except ValueError:
        return False


def check_restorable(path: Path, *, shown: str | None = None) -> str:
    """The schema revision of a file that may be restored; raise :class:`RestoreRefused` (or
    :class:`~oneStop.persistence.migrate.SchemaTooNew`) for one that may not. ``shown``: the
    name the messages give the file (a sealed backup's, not its opened scratch copy's)."""
    path = Path(path)
    name = shown or path.name
    if not path.is_file():
        raise RestoreRefused(f"Không tìm thấy tệp {path}.")
    problems = sqlite_files.integrity_problems(path)
    if problems:
        raise RestoreRefused(f"Tệp {name} bị hỏng (kiểm tra toàn vẹn: {problems[0]}); "
                             "không khôi phục. Dữ liệu hiện tại không bị thay đổi.")
    try:
        revision = sqlite_files.schema_revision(path)
        tables = _tables(path)
    except sqlite3.Error as exc:
        raise RestoreRefused(f"Không đọc được {name}: {exc}") from exc
    if revision is None or not {"events", "dossiers", "counters"} <= tables:
        raise RestoreRefused(f"Tệp {name} không phải bản sao dữ liệu của oneStop; không khôi phục.")
    if revision not in migrate.known_revisions():
        raise migrate.SchemaTooNew(revision)
    try:
        foreign = foreign_schema_objects(path, revision)
    except sqlite3.Error as exc:
        raise RestoreRefused(f"Không đọc được {name}: {exc}") from exc
    if foreign:
        listed = ", ".join(f"{_OBJECT_WORDS.get(kind, kind)} {obj}" for kind, obj in foreign[:5])
        more = f" và {len(foreign) - 5} đối tượng khác" if len(foreign) > 5 else ""
        raise RestoreRefused(f"Tệp {name} chứa đối tượng cơ sở dữ liệu mà oneStop không tạo ra ({listed}{more}): "
                             "tệp có thể đã bị sửa đổi để chiếm quyền khi được khôi phục. Không khôi phục. "
                             "Dữ liệu hiện tại không bị thay đổi.")
    return revision


_OBJECT_WORDS = {"table": "bảng", "index": "chỉ mục", "trigger": "trigger", "view": "view", "column": "cột"}
#: SQLite's own tables, which appear in a database as it is used (AUTOINCREMENT, ANALYZE)
_SQLITE_OWN = {"sqlite_sequence", "sqlite_stat1", "sqlite_stat4"}
_expected_schemas: dict[str, dict[tuple[str, str], frozenset[str]]] = {}


def _schema_of(path: Path) -> dict[tuple[str, str], frozenset[str]]:
    """``(type, name)`` of every object in ``path``'s ``sqlite_master``, with a table's columns
    (or a trigger's or view's whole text, squeezed)."""
    from contextlib import closing

    found: dict[tuple[str, str], frozenset[str]] = {}
    with closing(sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)) as c:
        for kind, name, table, sql in c.execute("SELECT type, name, tbl_name, sql FROM sqlite_master"):
            if kind == "table" and name in _SQLITE_OWN:
                continue
            if kind == "table":
                detail = frozenset(r[1] for r in c.execute("SELECT * FROM pragma_table_info(?)", (name,)))
            elif kind == "index":
                detail = frozenset({f"on {table}"})
            else:
                detail = frozenset({" ".join((sql or "").split())})
            found[(kind, name)] = detail
    return found


def _expected_schema(revision: str) -> dict[tuple[str, str], frozenset[str]]:
    """What the migrations create at ``revision``: built once in an empty database in a
    temporary folder."""
    import tempfile

    from oneStop.persistence.db import sqlite_url

    if revision not in _expected_schemas:
        with tempfile.TemporaryDirectory(prefix="onestop-schema-") as folder:
            fresh = Path(folder) / "schema.sqlite3"
            migrate.upgrade(sqlite_url(fresh), revision)
            _expected_schemas[revision] = _schema_of(fresh)
    return _expected_schemas[revision]


def foreign_schema_objects(path: Path, revision: str) -> list[tuple[str, str]]:
    """The schema objects (table, index, trigger, view, or a table's column) in the database
    ``path`` that the migrations do not create at ``revision``, or create differently: a
    restored file must not bring its own (a trigger that makes someone an administrator on the
    restore's own event …)."""
    expected = _expected_schema(revision)
    foreign = []
    for (kind, name), detail in sorted(_schema_of(path).items()):
        wanted = expected.get((kind, name))
        if wanted is None:
            foreign.append((kind, name))
        elif kind == "table":
            foreign.extend(("column", f"{name}.{col}") for col in sorted(detail - wanted))
        elif detail != wanted:
            foreign.append((kind, name))
    return foreign


def counter_of(path: Path) -> CounterOf | None:
    """Whose data the database file ``path`` holds (None: not set up)."""
    from contextlib import closing

    with closing(sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)) as c:
        row = c.execute("SELECT c.agency_code, c.number, a.name FROM counters c "
                        "LEFT JOIN agencies a ON a.code = c.agency_code WHERE c.is_local = 1").fetchone()
    return None if row is None else CounterOf(str(row[0]), str(row[2] or ""), int(row[1]))


def restore_over_damaged(database: Path, copy: Path, keep_folder: Path, lock_file: Path,
                         clock: Callable[[], datetime], *, passphrase: str | None = None) -> RestoreResult:
    """Restore when the current database cannot even be opened (the command line, trusted like
    every command: no user can be checked in a damaged database). The damaged files are kept
    as they are beside the other backups; the restored database records the restore as the
    system once the program opens it."""
    copy = Path(copy).resolve()
    if instance_running(lock_file):
        raise ProgramRunning()
    with opened_copy(copy, passphrase, keep_folder) as plain:
        revision = check_restorable(plain, shown=copy.name)
        stamp = f"{to_local(clock()):%Y%m%d-%H%M%S}"
        kept = keep_folder / f"pre-restore-{stamp}-damaged.sqlite3"
        keep_folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(database, kept)
        for suffix in sqlite_files.SIDE_SUFFIXES:
            side = Path(str(database) + suffix)
            if side.exists():
                shutil.copy2(side, Path(str(kept) + suffix))
                side.unlink()
        sqlite_files.copy_database(plain, database)
    log.info("Restored %s over the damaged %s, kept as %s", copy, database, kept)
    return RestoreResult(copy, kept, revision, sealed.is_sealed(copy))


@dataclass(frozen=True)
class _Numbers:
    last_seq: int | None
    daily: list[tuple[str, date, int, int]]
    register: list[tuple[str, str, int]]


def _carry_forward(uow, numbers: _Numbers) -> None:  # type: ignore[no-untyped-def]
    """Raise the restored database's counters to the replaced one's where those were higher."""
    if numbers.last_seq is not None:
        uow.session.execute(update(CounterRow).where(CounterRow.is_local.is_(True), CounterRow.last_seq < numbers.last_seq)
                            .values(last_seq=numbers.last_seq))
    for agency_code, day, counter, last in numbers.daily:
        stmt = sqlite_insert(DailySequenceRow).values(agency_code=agency_code, day=day, counter=counter,
                                                      last_number=last)
        uow.session.execute(stmt.on_conflict_do_update(
            index_elements=["agency_code", "day", "counter"],
            set_={"last_number": func.max(DailySequenceRow.last_number, stmt.excluded.last_number)}))
    for counter_id, volume, last in numbers.register:
        stmt = sqlite_insert(RegisterSequenceRow).values(counter_id=counter_id, volume=volume, last_number=last)
        uow.session.execute(stmt.on_conflict_do_update(
            index_elements=["counter_id", "volume"],
            set_={"last_number": func.max(RegisterSequenceRow.last_number, stmt.excluded.last_number)}))


def _made_at(name: str) -> datetime | None:
    """The time in a backup's name (local time) as UTC.

    >>> _made_at("onestop-20261123-091500.sqlite3").isoformat()
    '2026-11-23T02:15:00+00:00'
    >>> _made_at("onestop-20261123-091500-1.sqlite3").isoformat()
    '2026-11-23T02:15:00+00:00'
    >>> _made_at("onestop-20261123-091500.sqlite3.sealed").isoformat()
    '2026-11-23T02:15:00+00:00'
    >>> _made_at("notes.txt") is None
    True
    """
    m = re.fullmatch(r"onestop-(\d{8}-\d{6})(?:-\d+)?\.sqlite3(?:\.sealed)?", name)
    if not m:
        return None
    from datetime import UTC
    from zoneinfo import ZoneInfo

    local = datetime.strptime(m[1], "%Y%m%d-%H%M%S").replace(tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    return local.astimezone(UTC)


def _tables(path: Path) -> set[str]:
    from contextlib import closing

    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as c:
        return {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)


def instance_running(lock_file: Path) -> bool:
    """Whether the desktop program holds the data folder's lock (``QLockFile`` writes its
    process id on the first line); a lock left by a crashed program does not count."""
    try:
        pid = int(Path(lock_file).read_text(encoding="utf-8", errors="replace").splitlines()[0])
    except (OSError, ValueError, IndexError):
        return False
    if pid == os.getpid():
        return True
    return _process_alive(pid)


def _process_alive(pid: int) -> bool:
    if os.name == "nt":  # pragma: no cover - Windows
        import ctypes

        synchronize, wait_timeout = 0x00100000, 0x00000102
        handle = ctypes.windll.kernel32.OpenProcess(synchronize, False, pid)
        if not handle:
            return False
        try:
            return ctypes.windll.kernel32.WaitForSingleObject(handle, 0) == wait_timeout
        finally:
            ctypes.windll.kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

