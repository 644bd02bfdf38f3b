"""Create or upgrade a database to the schema this program knows, from code, at start-up.

The check on an up-to-date database reads one row and does not import Alembic, so start-up
stays fast.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text

from oneStop.domain.errors import OneStopError, StorageProblem
from oneStop.persistence import sqlite_files

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: The newest revision in ``migrations/versions``; a test keeps it equal to Alembic's head.
SCHEMA_HEAD = "0011"


class SchemaTooNew(OneStopError):
    def __init__(self, found: str) -> None:
        self.found = found
        super().__init__(
            f"Cơ sở dữ liệu được tạo bởi phiên bản oneStop mới hơn (lược đồ {found}). "
            "Hãy cài phiên bản oneStop mới nhất; dữ liệu không bị thay đổi."
        )


class DatabaseDamaged(StorageProblem):
    """The database file cannot be read as a database; it was not changed."""

    def __init__(self, path: Path, cause: BaseException) -> None:
        self.path = path
        super().__init__(
            f"Cơ sở dữ liệu {path} bị hỏng hoặc không đọc được ({cause}). Dữ liệu chưa bị thay đổi. "
            "Hãy báo quản trị viên khôi phục từ bản sao gần nhất (onestop restore <tệp sao lưu>)."
        )


class UpgradeFailed(OneStopError):
    """A migration failed; the database was put back as it was before the upgrade began."""

    def __init__(self, found: str, target: str, copy: Path | None, cause: BaseException) -> None:
        self.found, self.target, self.copy, self.cause = found, target, copy, cause
        kept = f" Bản sao trước khi nâng cấp được giữ tại {copy}." if copy else ""
        super().__init__(
            f"Nâng cấp cơ sở dữ liệu từ lược đồ {found} lên {target} không thành công ({cause}). "
            f"Dữ liệu đã được khôi phục nguyên trạng như trước khi nâng cấp.{kept} "
            "Hãy báo quản trị viên; chương trình chưa thể mở dữ liệu này."
        )


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _alembic_config(connection):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    cfg = _alembic_config(None)
    return {rev.revision for rev in ScriptDirectory.from_config(cfg).walk_revisions()}


def _migration_engine(url: str) -> Engine:
    """An engine for migrating: on SQLite, foreign keys off (batch mode rebuilds tables)."""
    if not url.startswith("sqlite"):
        return create_engine(url, hide_parameters=True)
    engine = create_engine(url, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=OFF")
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA busy_timeout=30000")

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def upgrade(url: str, revision: str = "head", *, backup_dir: Path | None = None) -> bool:
    """Bring the database at ``url`` to ``revision``; return True if anything was done.

    An SQLite file that holds data is first copied aside (online backup API) into
    ``backup_dir`` (default: ``backups`` beside the database) as
    ``pre-upgrade-<revision>-<timestamp>.sqlite3``; if a migration fails, that copy is put back
    and :class:`UpgradeFailed` says so. A database from a newer program raises
    :class:`SchemaTooNew` and is not touched: its revision is read through a read-only
    connection before anything opens it for writing.
    """
    path = sqlite_files.path_of_url(url)
    if path is not None and path.is_file():  # (a new database's content may still be all in its WAL)
        try:
            found = sqlite_files.schema_revision(path)
        except sqlite3.DatabaseError as exc:
            raise DatabaseDamaged(path, exc) from exc
        if (found == SCHEMA_HEAD and revision == "head") or (found is not None and found == revision):
            return False
        if found is not None and found not in known_revisions():
            raise SchemaTooNew(found)
        copy = None
        if found is not None or sqlite_files.has_tables(path):
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
            folder = backup_dir if backup_dir is not None else path.parent / "backups"
            copy = sqlite_files.copy_database(path, folder / f"pre-upgrade-{found or 'none'}-{stamp}.sqlite3")
            log.info("Copied %s to %s before upgrading it from %s", path, copy, found)
        try:
            done = _upgrade(url, revision)
        except Exception as exc:
            if copy is None:
                raise
            sqlite_files.restore_into(copy, path)
            log.error("Upgrade of %s from %s failed; restored %s", path, found, copy, exc_info=exc)
            raise UpgradeFailed(found or "?", SCHEMA_HEAD if revision == "head" else revision, copy, exc) from exc
        if copy is not None:
            _prune_upgrade_copies(copy.parent)
        return done
    return _upgrade(url, revision)


#: Pre-upgrade copies kept in their folder (the newest ones; the daily backups are kept apart).
KEEP_UPGRADE_COPIES = 3


def _prune_upgrade_copies(folder: Path) -> list[Path]:
    """Delete all but the newest ``KEEP_UPGRADE_COPIES`` pre-upgrade copies (by the time in
    their names), after an upgrade went through: a copy per version would otherwise fill a
    small disk over the years."""
    copies = sorted(folder.glob("pre-upgrade-*.sqlite3"), key=lambda p: p.name.rsplit("-", 3)[-3:])
    gone = copies[:-KEEP_UPGRADE_COPIES]
    for old in gone:
        for suffix in ("", *sqlite_files.SIDE_SUFFIXES):
            Path(str(old) + suffix).unlink(missing_ok=True)
        log.info("Deleted the old pre-upgrade copy %s", old)
    return gone


def _upgrade(url: str, revision: str) -> bool:
    engine = _migration_engine(url)
    try:
        found = current_revision(engine)
        if found == SCHEMA_HEAD and revision == "head":
            return False
        if found is not None and found not in known_revisions():
            log.error("database schema %s is newer than this program knows (%s)", found, SCHEMA_HEAD)
            raise SchemaTooNew(found)
        from alembic import command

        log.info("migrating the database from schema %s to %s", found or "(empty)", revision)
        with engine.begin() as connection:
            command.upgrade(_alembic_config(connection), revision)
        log.info("database migrated to schema %s", current_revision(engine))
        return True
    finally:
        engine.dispose()
