"""Files the program writes that hold personal data: whole or not at all, readable by their owner only."""

from __future__ import annotations

import os
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
