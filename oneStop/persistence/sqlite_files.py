"""The database as a file: consistent copies with SQLite's online backup API, checks, restores.

A copy made with :func:`copy_database` is one consistent snapshot even while other connections
(this program's own, or another process's) keep writing: the pages are copied in one step,
inside one read transaction, which in WAL mode never blocks a writer; the copy holds everything
committed before it began, WAL content included. Copies are written to a
temporary name and renamed, so a half-written copy never carries a backup's name.

Nothing here knows the schema beyond the ``alembic_version`` table.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from oneStop.persistence.files import make_private_file

#: The files SQLite keeps beside a database in WAL mode.
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")


def path_of_url(url: str) -> Path | None:
    """The file of a ``sqlite:///…`` URL, or None (another database, or an in-memory one).

    >>> path_of_url("sqlite:////var/data/onestop.sqlite3").as_posix()
    '/var/data/onestop.sqlite3'
    >>> path_of_url("sqlite://") is None
    True
    """
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    rest = url[len(prefix):].split("?", 1)[0]
    if not rest or rest == ":memory:":
        return None
    return Path(rest)


def _read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot change the file (``mode=ro``), with a busy timeout."""
    connection = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    connection.execute("PRAGMA busy_timeout=30000")
    return connection


def copy_database(source: Path, target: Path) -> Path:
    """Copy the database ``source`` into the new file ``target`` with the online backup API
    (consistent while others write), fsync it, and return ``target``. The copy is readable by
    its owner only, like the database it copies."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        make_private_file(partial)  # SQLite keeps the permissions of the file it opens
        with closing(sqlite3.connect(str(source), timeout=30)) as src, closing(sqlite3.connect(str(partial))) as dst:
            src.execute("PRAGMA busy_timeout=30000")
            src.backup(dst)  # all pages in one step: one snapshot, never restarted by a writer
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        _fsync(partial)
        os.replace(partial, target)
        _fsync_dir(target.parent)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def restore_into(copy: Path, live: Path) -> None:
    """Overwrite the database ``live`` with the content of ``copy`` through SQLite (its WAL and
    shared-memory files are kept consistent by SQLite itself). ``live`` must not be in use by
    another program."""
    with closing(sqlite3.connect(f"{Path(copy).resolve().as_uri()}?mode=ro", uri=True)) as src, \
            closing(sqlite3.connect(str(live), timeout=30)) as dst:
        dst.execute("PRAGMA busy_timeout=30000")
        src.backup(dst)
        dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def integrity_problems(path: Path) -> list[str]:
    """What ``PRAGMA integrity_check`` reports about the file (empty: sound). A file that is
    not an SQLite database at all is one problem."""
    try:
        with closing(_read_only(path)) as connection:
            rows = [r[0] for r in connection.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def schema_revision(path: Path) -> str | None:
    """The Alembic revision stored in the file, or None when it has no ``alembic_version``
    table (not a oneStop database, or an empty one). Reads without changing the file."""
    with closing(_read_only(path)) as connection:
        found = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        if found is None:
            return None
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None


def has_tables(path: Path) -> bool:
    with closing(_read_only(path)) as connection:
        return connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] > 0


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    if os.name == "nt":  # directories cannot be opened for fsync on Windows
        return
    try:
        _fsync(path)
    except OSError:
        pass
