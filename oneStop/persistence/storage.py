"""Can the data folder take a save? Asked before a dossier is accepted, so that a full disk or
a read-only folder is said in words before anything is numbered, not found out half-way.

The folder check writes, syncs and deletes a small probe file: permission bits alone are not
enough (an administrator account, or root, passes them on a read-only mount).
"""

from __future__ import annotations

import errno
import os
import shutil
import uuid
from pathlib import Path

from oneStop.domain.errors import StorageProblem

#: Free space below which no dossier is accepted: room for the database to grow, its WAL, the
#: receipt's temporary files and a day's backup copy.
MIN_FREE_BYTES = 200 * 1024 * 1024


class DiskFull(StorageProblem):
    def __init__(self, folder: Path, free: int, needed: int) -> None:
        self.folder, self.free, self.needed = folder, free, needed
        super().__init__(
            f"Ổ đĩa chứa dữ liệu ({folder}) sắp đầy: chỉ còn {_mb(free)}, cần ít nhất {_mb(needed)}. "
            "Chưa tiếp nhận hồ sơ này (chưa cấp mã). Hãy giải phóng dung lượng ổ đĩa hoặc báo quản trị viên, "
            "rồi lưu lại."
        )


class FolderReadOnly(StorageProblem):
    def __init__(self, folder: Path, reason: str) -> None:
        self.folder, self.reason = folder, reason
        super().__init__(
            f"Thư mục dữ liệu ({folder}) không ghi được ({reason}). Chưa tiếp nhận hồ sơ này (chưa cấp mã). "
            "Hãy báo quản trị viên kiểm tra quyền ghi hoặc ổ đĩa."
        )


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


class StorageGuard:
    """Checks the folders a save writes to (the database's and the attachments')."""

    def __init__(self, *folders: Path, min_free: int = MIN_FREE_BYTES) -> None:
        self.folders = tuple(Path(f) for f in folders)
        self.min_free = min_free

    def check(self, extra_bytes: int = 0) -> None:
        """Raise :class:`DiskFull` or :class:`FolderReadOnly` if a save of about
        ``extra_bytes`` (attachments) cannot be taken."""
        for folder in self.folders:
            target = folder if folder.exists() else folder.parent
            needed = self.min_free + extra_bytes
            try:
                free = shutil.disk_usage(target).free
            except OSError as exc:
                raise FolderReadOnly(folder, exc.strerror or str(exc)) from exc
            if free < needed:
                raise DiskFull(folder, free, needed)
            probe(target)


def probe(folder: Path) -> None:
    """Write, sync and delete a small file in ``folder``: :class:`DiskFull` or
    :class:`FolderReadOnly` when it cannot be done."""
    probe = folder / f".onestop-write-check-{uuid.uuid4().hex}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, b"ok")
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise DiskFull(folder, 0, MIN_FREE_BYTES) from exc
        reason = "chỉ cho phép đọc" if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM) else \
            (exc.strerror or str(exc))
        raise FolderReadOnly(folder, reason) from exc
    finally:
        try:
            probe.unlink()
        except OSError:
            pass
