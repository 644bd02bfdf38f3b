"""The program's log files: rotating, per user, and without personal data.

``configure()`` is called once at program start (the desktop program and every command go
through :func:`oneStop.cli.main`). Log files are ``onestop.log``, ``onestop.log.1`` … in

- ``ONESTOP_LOG_DIR`` if set;
- else ``<data folder>/logs`` when a data folder is named (``--data-dir`` or ``ONESTOP_DATA_DIR``),
  so that a test or a second installation keeps its logs beside its data;
- else the platform's per-user log folder (``%LOCALAPPDATA%\\oneStop\\Logs`` on Windows,
  ``~/.local/state/oneStop/log`` on Linux).

What the program logs names dossiers by their code and people by their user name, nothing
else. As a safety net, :class:`PersonalDataFilter` removes from every record (message,
arguments and traceback) what looks like a citizen ID (9 or 12 digits), a phone number, an
e-mail address, a password in a database URL or the values of a failed SQL statement, whoever
logged it (SQLAlchemy, Alembic …).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import platform
import re
import sys
import threading
from pathlib import Path

import platformdirs

APP_NAME = "oneStop"
LOG_FILENAME = "onestop.log"
#: One file is at most this big before it is rotated …
MAX_BYTES = 1_000_000
#: … and this many old files are kept: at most ~6 MB of logs per user.
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)-7s %(process)d %(threadName)s %(name)s: %(message)s"

log = logging.getLogger(__name__)

# Dossier codes are what the log is for; they are kept whole even where their digits would look
# like something else: <agency code>-<yymmdd or yyyymmdd>-<daily number>, e.g. 000.17.22.H56-261123-0001
# or G09.20-20260609-0092637.
_DOSSIER_CODE = r"(?<![\w.-])[0-9A-Z]+(?:\.[0-9A-Z]+)*-\d{6}(?:\d{2})?-\d{4,7}(?![\w-])"
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
# a password in a URL: scheme://user:password@host
_URL_SECRET = r"(?<=://)[^:/@\s]+:[^@\s/]+@"
# a Vietnamese phone number: 0 or (+)84 and 9 more digits, spaces, dots or dashes allowed between
_PHONE = r"(?<![\w+])(?:\+84|84|0)(?:[ .-]?\d){9,10}(?![\w])"
# a citizen ID (12 digits) or an old identity card (9 digits), standing alone
_CITIZEN_ID = r"(?<![0-9A-Za-z])(?:\d{12}|\d{9})(?![0-9A-Za-z])"

# the values of a failed SQL statement, as SQLAlchemy prints them (the engines hide them already)
_SQL_PARAMETERS = r"\[parameters: [^\n]*"

_SCRUB = re.compile(
    f"(?P<sql_parameters>{_SQL_PARAMETERS})|(?P<code>{_DOSSIER_CODE})|(?P<email>{_EMAIL})|(?P<secret>{_URL_SECRET})"
    f"|(?P<phone>{_PHONE})|(?P<citizen_id>{_CITIZEN_ID})"
)
_REPLACEMENTS = {"sql_parameters": "[parameters: hidden]", "email": "[email]", "secret": "***@", "phone": "[phone]", "citizen_id": "[id]"}


def scrub(text: str) -> str:
    """``text`` without what looks like personal data; dossier codes are kept.

    >>> scrub("hồ sơ 000.17.22.H56-261123-0001: CCCD 038095001234, ĐT 0987 654 321, nam@example.vn")
    'hồ sơ 000.17.22.H56-261123-0001: CCCD [id], ĐT [phone], [email]'
    >>> scrub("hồ sơ G12.18.112.001-20261123-0000001 (ngày viết yyyymmdd)")
    'hồ sơ G12.18.112.001-20261123-0000001 (ngày viết yyyymmdd)'
    >>> scrub("CMND 123456789; +84987654321; postgresql://c1:s3cret@db.tinh.gov.vn/onestop")
    'CMND [id]; [phone]; postgresql://***@db.tinh.gov.vn/onestop'
    >>> scrub("lô BG-261123-1-01, bưu gửi EE471108151FR, 2026-11-23 09:30:00, 12 hồ sơ")
    'lô BG-261123-1-01, bưu gửi EE471108151FR, 2026-11-23 09:30:00, 12 hồ sơ'
    """
    def replace(match: re.Match[str]) -> str:
        kind = match.lastgroup
        return match.group() if kind == "code" else _REPLACEMENTS[kind or ""]

    return _SCRUB.sub(replace, text)


class PersonalDataFilter(logging.Filter):
    """Scrub every record passing through a handler: the message with its arguments merged in,
    the traceback and the stack. The record keeps its level, logger and time."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is, never lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg = scrub(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


def log_dir(data_dir: Path | None = None) -> Path:
    """Where the log files go (see the module's documentation)."""
    env = os.environ.get("ONESTOP_LOG_DIR")
    if env:
        return Path(env).expanduser()
    if data_dir is None and os.environ.get("ONESTOP_DATA_DIR"):
        data_dir = Path(os.environ["ONESTOP_DATA_DIR"]).expanduser()
    if data_dir is not None:
        return Path(data_dir) / "logs"
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


class _OurHandler:
    """Marks the handlers ``configure`` installed, so that a second call replaces them."""


class _RotatingFile(logging.handlers.RotatingFileHandler, _OurHandler):
    def _open(self):  # type: ignore[no-untyped-def]
        from oneStop.persistence.files import open_private

        return open_private(self.baseFilename, self.mode, encoding=self.encoding, errors=self.errors)


class _Console(logging.StreamHandler, _OurHandler):  # type: ignore[type-arg]
    pass


def configure(data_dir: Path | None = None, *, level: int | str | None = None, console: bool = False,
              max_bytes: int = MAX_BYTES, backup_count: int = BACKUP_COUNT) -> Path | None:
    """Send the program's log records to the rotating log file; return the file's path, or
    None if the folder cannot be written (the program runs on without a log file).

    ``level`` defaults to ``ONESTOP_LOG_LEVEL`` or INFO. ``console`` also writes warnings and
    errors to standard error (when there is one: a windowed Windows program has none).
    Calling it again replaces the handlers it installed before."""
    reset()
    root = logging.getLogger()
    if level is None:
        named = os.environ.get("ONESTOP_LOG_LEVEL", "").strip().upper()
        level = named if named in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL") else logging.INFO
    root.setLevel(level)
    # SQLAlchemy logs every statement with its parameters (names, addresses …) as soon as its
    # logger is enabled for INFO: it must stay at WARNING whatever the root level is.
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # a line per plugin, every start
    scrubber = PersonalDataFilter()
    formatter = logging.Formatter(FORMAT)

    path: Path | None = log_dir(data_dir) / LOG_FILENAME
    try:
        from oneStop.persistence.files import make_private_dir

        make_private_dir(path.parent)
        file_handler = _RotatingFile(path, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8",
                                     delay=True)
    except OSError:
        path = None
    else:
        file_handler.addFilter(scrubber)
        file_handler.setFormatter(formatter)
        root.addHandler(file_handler)
    if console and sys.stderr is not None:
        stream = _Console(sys.stderr)
        stream.setLevel(logging.WARNING)
        stream.addFilter(scrubber)
        stream.setFormatter(formatter)
        root.addHandler(stream)
    _install_thread_hook()
    return path


def reset() -> None:
    """Remove the handlers :func:`configure` installed and put the root level back (tests)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _OurHandler)]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(logging.WARNING)


def _install_thread_hook() -> None:
    """An exception that ends a background thread is logged with its traceback."""
    if getattr(threading.excepthook, "_onestop", False):
        return
    previous = threading.excepthook

    def hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is not SystemExit:
            thread = args.thread.name if args.thread else "?"
            log.error("Uncaught exception in thread %s", thread,
                      exc_info=(args.exc_type, args.exc_value, args.exc_traceback))  # type: ignore[arg-type]
        previous(args)

    hook._onestop = True  # type: ignore[attr-defined]
    threading.excepthook = hook


def log_start(command: str | None) -> None:
    """The first line of a run: version, command, platform (no arguments: they may hold names)."""
    from oneStop import __version__

    log.info("oneStop %s starting: %s (python %s, %s, %s)", __version__, command or "desktop",
             platform.python_version(), platform.platform(), "frozen" if getattr(sys, "frozen", False) else "source")


def open_log_file(name: str, data_dir: Path | None = None):  # type: ignore[no-untyped-def]
    """Open (append, text) the file ``name`` in the log folder, readable by its owner only; the
    folder is made if needed. Raises OSError if it cannot be written."""
    from oneStop.persistence.files import make_private_dir, open_private

    folder = make_private_dir(log_dir(data_dir))
    return open_private(folder / name, "a", encoding="utf-8")
