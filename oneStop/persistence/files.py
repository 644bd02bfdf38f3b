"""Files the program writes that hold personal data: whole or not at all, readable by their owner only.

On POSIX the data folder and every folder the program makes in it are 0700, and the database,
its journal files, the logs, attachments and exports 0600, whatever the umask: the helpers
below are the one place that makes them so."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from oneStop.domain.errors import StorageProblem


PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def make_private_dir(path: Path) -> Path:
    """Make ``path`` (and missing parents) if needed; the folder itself owner-only on POSIX."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(path, PRIVATE_DIR)
    return path


def make_private_file(path: Path) -> Path:
    """Create ``path`` empty and owner-only if it does not exist; an existing file of this
    program's own (a database from an older version) is made owner-only too."""
    path = Path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0), PRIVATE_FILE)
    os.close(fd)
    if os.name == "posix":
        os.chmod(path, PRIVATE_FILE)
    return path


def open_private(path: Path, mode: str = "ab", **kwargs):  # type: ignore[no-untyped-def]
    """``open(path, mode)``, a new file being created owner-only (a log file, for one)."""
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0) | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    return open(os.open(path, flags, PRIVATE_FILE), mode, **kwargs)


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (a unique temporary file in the same folder,
    flushed to the disk, then renamed over it), with owner-only permissions on POSIX.
    A failure leaves the old file, if any, as it was, and raises :class:`StorageProblem`."""
    path = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise StorageProblem(f"Không ghi được tệp {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if os.name == "posix":
            os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise StorageProblem(f"Không ghi được tệp {path}: {exc.strerror or exc}") from None


def read_bounded(path: Path, max_bytes: int, field: str) -> bytes:
    """The bytes of a regular file no larger than ``max_bytes``, or a ValidationError naming
    ``field``: a device (``/dev/zero``), a FIFO or a folder is refused before it is opened (a
    FIFO would block), and a file is never read past ``max_bytes`` (it may grow while read)."""
    from oneStop.domain.errors import ValidationError

    path = Path(path)
    not_regular = ValidationError(field, f"{path} không phải là một tệp thông thường")
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise not_regular
        with open(path, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise not_regular
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ValidationError(field, f"không đọc được {path}: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise ValidationError(field, f"{path.name} lớn quá {max_bytes // (1024 * 1024)} MB")
    return data
