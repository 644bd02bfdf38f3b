"""Engines for the local SQLite database (and, later, the central PostgreSQL one).

SQLite is opened in WAL mode with ``synchronous=FULL`` (a dossier confirmed on screen survives
a power cut), foreign keys on, and a busy timeout. Writers start with ``BEGIN IMMEDIATE`` so
two writers never deadlock upgrading a read lock; readers use a plain ``BEGIN`` and never
block the writer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, event

DB_FILENAME = "onestop.sqlite3"
#: how long a writer waits for another one to finish before giving up with "database is locked"
BUSY_TIMEOUT_SECONDS = 30


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{Path(path).as_posix()}"


def _sqlite_engine(url: str, *, immediate: bool) -> Engine:
    # hide_parameters: an error's message never carries the values (names, ID numbers) into a log
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS, "check_same_thread": False}, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None  # transactions are begun below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
        # 64 MB of page cache (SQLite's default is 2 MB), taken only as pages are read: a pull
        # of 100,000 events keeps its indexes' pages in memory (its inserts -17 % measured)
        cursor.execute("PRAGMA cache_size=-65536")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@dataclass
class Database:
    """The reader and writer engines of one database."""

    reader: Engine
    writer: Engine
    url: str
    #: this PC's signing keys as loaded, by public key (``UnitOfWork.append`` signs with them)
    signers: dict = field(default_factory=dict)

    @classmethod
    def open(cls, url: str) -> "Database":
        if url.startswith("sqlite"):
            return cls(_sqlite_engine(url, immediate=False), _sqlite_engine(url, immediate=True), url)
        engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
        return cls(engine, engine, url)

    @classmethod
    def open_file(cls, path: Path) -> "Database":
        from oneStop.persistence.files import make_private_file

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            make_private_file(path)  # SQLite gives its -wal and -shm files the database's mode
        return cls.open(sqlite_url(path))

    def dispose(self) -> None:
        self.reader.dispose()
        if self.writer is not self.reader:
            self.writer.dispose()
