"""Files the program writes that hold personal data: whole or not at all, readable by their owner only."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from oneStop.domain.errors import StorageProblem


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
