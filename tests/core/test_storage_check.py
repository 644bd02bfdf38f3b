"""A full disk or a read-only data folder is said before a dossier is numbered or written."""

from __future__ import annotations

import errno
import os
import shutil
from collections import namedtuple

import pytest

from oneStop.persistence import storage
from oneStop.persistence.storage import DiskFull, FolderReadOnly, StorageGuard
from tests.core.helpers import add_procedure, counts, draft

Usage = namedtuple("Usage", "total used free")


@pytest.fixture
def ready(app, official):  # type: ignore[no-untyped-def]
    add_procedure(app)
    return official


def test_a_nearly_full_disk_refuses_the_dossier_before_anything_is_written(app, ready, monkeypatch):
    real = shutil.disk_usage
    app.reception.receive(ready, draft())
    before = counts(app)
    monkeypatch.setattr(storage.shutil, "disk_usage", lambda p: Usage(10**11, 10**11 - 5 * 2**20, 5 * 2**20))
    with pytest.raises(DiskFull) as caught:
        app.reception.receive(ready, draft())
    assert "sắp đầy" in str(caught.value) and "5 MB" in str(caught.value) and "chưa cấp mã" in str(caught.value)
    assert counts(app) == before
    monkeypatch.setattr(storage.shutil, "disk_usage", real)
    assert app.reception.receive(ready, draft()).code.endswith("-0002")  # the number was not used


def test_attachments_count_towards_the_space_needed(tmp_path, monkeypatch):
    free = storage.MIN_FREE_BYTES + 1000
    monkeypatch.setattr(storage.shutil, "disk_usage", lambda p: Usage(10**11, 0, free))
    StorageGuard(tmp_path).check(extra_bytes=999)
    with pytest.raises(DiskFull):
        StorageGuard(tmp_path).check(extra_bytes=1001)


def _make_read_only(folder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Really read-only for an ordinary account; as root (CI), which writes through permission
    bits, the file system's refusal is simulated at the one call that writes."""
    if os.name != "nt" and os.geteuid() != 0:
        folder.chmod(0o555)
        return
    real_open = storage.os.open

    def refusing(path, flags, *args):  # type: ignore[no-untyped-def]
        if str(path).startswith(str(folder)) and flags & os.O_CREAT:
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(storage.os, "open", refusing)


def test_a_read_only_data_folder_refuses_the_dossier_with_a_clear_message(app, ready, monkeypatch):
    before = counts(app)
    _make_read_only(app.paths.root, monkeypatch)
    try:
        with pytest.raises(FolderReadOnly) as caught:
            app.reception.receive(ready, draft())
    finally:
        app.paths.root.chmod(0o755)
    assert "không ghi được" in str(caught.value) and str(app.paths.root) in str(caught.value)
    assert counts(app) == before


def test_the_probe_leaves_nothing_behind(tmp_path):
    StorageGuard(tmp_path, tmp_path / "not-yet").check()
    assert list(tmp_path.iterdir()) == []
