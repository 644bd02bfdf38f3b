"""The core opened on a data folder: the database (migrated), the attachment store and the
services the UI, the command line and the tests call."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

import platformdirs

from oneStop.domain.clock import utcnow
from oneStop.domain.profiles import load_profiles
from oneStop.persistence import migrate
from oneStop.persistence.attachments import AttachmentStore
from oneStop.persistence.files import make_private_dir, make_private_file
from oneStop.persistence.db import DB_FILENAME, Database
from oneStop.persistence.storage import StorageGuard
from oneStop.persistence.uow import UnitOfWork
from oneStop.resources import resources_path
from oneStop.services.auth import AuthService
from oneStop.services.backup import BackupService
from oneStop.services.calendar import CalendarService
from oneStop.services.catalog import CatalogService
from oneStop.services.dossiers import DossierService
from oneStop.services.changes import ChangesService
from oneStop.services.lifecycle import LifecycleService
from oneStop.services.profiles import ProfileService
from oneStop.services.printing import PrintService
from oneStop.services.reception import ReceptionService
from oneStop.services.settings_store import SettingsService
from oneStop.services.supervision import SupervisionService
from oneStop.services.reports import ReportService
from oneStop.services.handover import HandoverService
from oneStop.services.sync import SyncService
from oneStop.services.setup import SetupService

APP_NAME = "oneStop"


def default_data_dir() -> Path:
    """``ONESTOP_DATA_DIR`` if set, else the per-user data folder of the platform
    (``%LOCALAPPDATA%\\oneStop`` on Windows, ``~/.local/share/oneStop`` on Linux)."""
    env = os.environ.get("ONESTOP_DATA_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True)
class DataPaths:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / DB_FILENAME

    @property
    def attachments(self) -> Path:
        return self.root / "attachments"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def backups(self) -> Path:
        """Where backups go unless the administrator chose another folder, and where the copy
        made before a schema upgrade always goes."""
        return self.root / "backups"

    @property
    def lock(self) -> Path:
        """Held by the running desktop program (one copy per data folder)."""
        return self.root / "onestop.lock"


class App:
    """Everything the core offers, opened on one data folder."""

    def __init__(self, data_dir: Path | None = None, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.paths = DataPaths(Path(data_dir) if data_dir else default_data_dir())
        make_private_dir(self.paths.root)
        for own in (self.paths.database, *(self.paths.database.with_name(self.paths.database.name + x)
                                            for x in ("-wal", "-shm"))):
            if own.is_file():
                make_private_file(own)  # a database made by an older version, readable by all
        self.db = Database.open_file(self.paths.database)
        migrate.upgrade(self.db.url, backup_dir=self.paths.backups)
        self.clock = clock
        self.profiles = ProfileService(self.uow, load_profiles(resources_path("profiles")))
        store = AttachmentStore(self.paths.attachments)

        self.settings = SettingsService(self.uow, self.clock)
        self.calendar = CalendarService(self.uow, self.settings)
        self.catalog = CatalogService(self.uow)
        self.auth = AuthService(self.uow)
        self.setup = SetupService(self.uow, self.catalog)
        self.storage = StorageGuard(self.paths.root, self.paths.attachments)
        self.reception = ReceptionService(self.uow, self.calendar, self.settings, store, self.profiles,
                                          storage=self.storage)
        self.dossiers = DossierService(self.uow, store)
        self.printing = PrintService(self.uow, self.settings, self.profiles, self.calendar)
        self.lifecycle = LifecycleService(self.uow, self.settings)
        self.changes = ChangesService(self.uow)
        self.supervision = SupervisionService(self.uow, self.calendar, self.settings, self.profiles.for_day)
        self.reports = ReportService(self.uow, self.calendar, self.settings,
                                     lambda day: tuple(self.profiles.for_day(day).report_excluded_states))
        self.handover = HandoverService(self.uow, self.settings, self.reception, self.lifecycle)
        self.sync = SyncService(self.uow, self.clock, on_reference_changed=self._reference_changed)
        self.backup = BackupService(self.uow, self.db, self.settings, database=self.paths.database,
                                    default_folder=self.paths.backups, lock_file=self.paths.lock,
                                    clock=self.clock, attachments=self.paths.attachments,
                                    on_restored=self._reference_changed)

    def _reference_changed(self) -> None:
        self.settings.invalidate()
        self.calendar.invalidate()
        self.profiles.invalidate()

    def uow(self, *, write: bool = False) -> UnitOfWork:
        return UnitOfWork(self.db, write=write, clock=self.clock)

    def close(self) -> None:
        self.db.dispose()

    def __enter__(self) -> "App":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
