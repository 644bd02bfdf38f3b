"""Scanned papers stored once, by SHA-256, under the data folder.

A file is written to a temporary name, flushed to disk and renamed, so a crash leaves either
the whole file or none; storing the same content twice stores it once.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from oneStop.persistence.files import make_private_dir, open_private


class AttachmentStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_of(self, sha256: str) -> Path:
        if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.root / sha256[:2] / sha256

    def put(self, content: bytes) -> str:
        digest = hashlib.sha256(content).hexdigest()
        target = self.path_of(digest)
        if target.exists() and target.stat().st_size == len(content):
            return digest
        make_private_dir(self.root)
        make_private_dir(target.parent)
        tmp = target.with_suffix(f".tmp{os.getpid()}")
        with open_private(tmp, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
        return digest

    def get(self, sha256: str) -> bytes:
        data = self.path_of(sha256).read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise OSError(f"attachment {sha256} is damaged on disk")
        return data

    def has(self, sha256: str) -> bool:
        return self.path_of(sha256).exists()
