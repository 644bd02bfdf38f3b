"""What the About window shows, and the diagnostics bundle an administrator sends to support.

The bundle is a zip: ``about.json`` (version, platform, data folder, database size and schema,
last backup, last sync, printer), ``settings.json`` (every declared setting; no password, no
URL's password), ``database.json`` (schema revision, integrity, row counts — never a row) and
the program's log files with long digit runs (citizen IDs, phone numbers) blanked. Nothing in
it names a citizen: no table content is read besides counts.
"""

from __future__ import annotations

import json
import platform
import re
import sqlite3
import sys
import zipfile
from contextlib import closing
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from oneStop import __version__
from oneStop import settings as S
from oneStop.domain.clock import to_local
from oneStop.persistence import sqlite_files

if TYPE_CHECKING:
    from oneStop.services.app import App

#: At most this much of each log file goes in the bundle (its end: the latest lines).
MAX_LOG_BYTES = 2_000_000

_URL_SECRET = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)(?P<user>[^:/@\s]*):(?P<secret>[^@/\s]*)@", re.I)
_SECRET_KEY = re.compile(r"pass|secret|token|key$|credential", re.I)
_DIGIT_RUN = re.compile(r"(?<!\d)\d{9,12}(?!\d)")


def scrub(text: str) -> str:
    """Remove passwords from URLs and long digit runs (ID and phone numbers) from text.

    >>> scrub("postgresql://onestop_c1:S3cr3t@db.tinh.gov.vn/onestop")
    'postgresql://onestop_c1:***@db.tinh.gov.vn/onestop'
    >>> scrub("CCCD 038190012345, ĐT 0912345678, lúc 2026-11-23 09:15:00")
    'CCCD [số], ĐT [số], lúc 2026-11-23 09:15:00'
    """
    text = _URL_SECRET.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)
    return _DIGIT_RUN.sub("[số]", text)


@dataclass(frozen=True)
class About:
    version: str
    data_folder: str
    database_size: int  # bytes, database and its WAL
    schema: str | None
    last_backup: str | None  # local time, ISO-8601
    backup_folder: str
    last_sync: str | None
    sync_error: str | None
    printer: str
    python: str
    platform: str


def about(app: "App") -> About:
    """The facts the About window shows (read from disk: call off the GUI thread)."""
    db = app.paths.database
    size = sum(p.stat().st_size for p in (db, Path(str(db) + "-wal")) if p.exists())
    last = app.backup.last_backup()
    try:
        status = app.sync.status()
        last_sync, sync_error = status.last_success, status.last_error
    except Exception:  # not set up yet: no counter, nothing synced
        last_sync, sync_error = None, None
    return About(
        version=__version__,
        data_folder=str(app.paths.root),
        database_size=size,
        schema=sqlite_files.schema_revision(db) if db.exists() else None,
        last_backup=to_local(last).isoformat(timespec="seconds") if last else None,
        backup_folder=str(app.backup.folder()),
        last_sync=last_sync,
        sync_error=scrub(sync_error) if sync_error else None,
        printer=str(app.settings.get(S.PRINTER) or ""),
        python=sys.version.split()[0],
        platform=platform.platform(),
    )


def safe_settings(values: dict[str, Any]) -> dict[str, Any]:
    """The settings without secrets: keys that name a password or key are left out, and a
    password inside any URL is masked.

    >>> safe_settings({"print.printer": "HP", "sync.password": "x", "url": "https://u:p@h/"})
    {'print.printer': 'HP', 'url': 'https://u:***@h/'}
    """
    clean: dict[str, Any] = {}
    for key, value in values.items():
        if _SECRET_KEY.search(key):
            continue
        clean[key] = _URL_SECRET.sub(lambda m: f"{m['scheme']}{m['user']}:***@", value) if isinstance(value, str) \
            else value
    return clean


def log_folders(app: "App") -> list[Path]:
    """Where this program's log files may be: the data folder's ``logs`` and the per-user log
    folder of the platform."""
    folders = [app.paths.logs, Path(platformdirs.user_log_dir("oneStop", appauthor=False))]
    return [f for i, f in enumerate(folders) if f not in folders[:i]]


def _database_facts(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {"exists": False}
    facts: dict[str, Any] = {"exists": True, "size": path.stat().st_size}
    wal = Path(str(path) + "-wal")
    facts["wal_size"] = wal.stat().st_size if wal.exists() else 0
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)) as c:
            facts["quick_check"] = [r[0] for r in c.execute("PRAGMA quick_check").fetchall()][:20]
            facts["journal_mode"] = c.execute("PRAGMA journal_mode").fetchone()[0]
            facts["page_size"] = c.execute("PRAGMA page_size").fetchone()[0]
            tables = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            facts["row_counts"] = {t: c.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
            facts["schema"] = sqlite_files.schema_revision(path)
    except sqlite3.Error as exc:
        facts["error"] = str(exc)
    return facts


def write_bundle(app: "App", out: Path) -> Path:
    """Write the diagnostics zip to ``out`` (atomically) and return its path."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    now = to_local(app.clock()).isoformat(timespec="seconds")
    try:
        info = about(app)
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.writestr("about.json", _json({"written_at": now, **asdict(info)}))
            try:
                values = app.settings.all()
            except Exception as exc:  # a database that cannot be read is what the bundle is for
                values = {"error": str(exc)}
            z.writestr("settings.json", _json(safe_settings(values)))
            z.writestr("database.json", _json(_database_facts(app.paths.database)))
            for n, folder in enumerate(log_folders(app)):
                if not folder.is_dir():
                    continue
                for path in sorted(folder.rglob("*")):
                    if path.is_file() and ".log" in path.name:
                        z.writestr(f"logs/{n}/{path.relative_to(folder).as_posix()}", scrub(_tail(path)))
        partial.replace(out)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return out


def _tail(path: Path) -> str:
    with path.open("rb") as f:
        size = f.seek(0, 2)
        f.seek(max(0, size - MAX_LOG_BYTES))
        return f.read().decode("utf-8", errors="replace")


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=_default)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)
