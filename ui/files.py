"""Writing what the user asked to save: whole or not at all (temporary file, then rename)."""

from __future__ import annotations

from pathlib import Path


def write_atomically(path: str | Path, data: bytes) -> str:
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(target)
    return str(target)
