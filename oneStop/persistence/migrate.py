"""Create or upgrade a database to the schema this program knows, from code, at start-up.

The check on an up-to-date database reads one row and does not import Alembic, so start-up
stays fast.
"""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text

from oneStop.domain.errors import OneStopError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
#: The newest revision in ``migrations/versions``; a test keeps it equal to Alembic's head.
SCHEMA_HEAD = "0005"


class SchemaTooNew(OneStopError):
    def __init__(self, found: str) -> None:
        self.found = found
        super().__init__(
            f"Cơ sở dữ liệu được tạo bởi phiên bản oneStop mới hơn (lược đồ {found}). "
            "Hãy cài phiên bản oneStop mới nhất; dữ liệu không bị thay đổi."
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


def upgrade(url: str, revision: str = "head") -> bool:
    """Bring the database at ``url`` to ``revision``; return True if anything was done."""
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
