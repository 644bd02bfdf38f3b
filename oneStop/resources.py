"""Where the bundled resources (fonts, profiles, the sample catalog, translations, sounds) are.

They live in the top-level ``resources`` package. A PyInstaller build unpacks them under
``sys._MEIPASS``; an administrator may point ``ONESTOP_RESOURCES`` at another folder.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=1)
def resources_root() -> Path:
    """The folder holding ``fonts/``, ``profiles/``, ``catalog/`` …"""
    candidates: list[Path] = []
    env = os.environ.get("ONESTOP_RESOURCES")
    if env:
        candidates.append(Path(env).expanduser())
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.append(Path(frozen) / "resources")
    try:
        import resources as package

        candidates.extend(Path(p) for p in package.__path__)
    except ImportError:  # pragma: no cover - only in unusual layouts
        pass
    candidates.append(Path(__file__).resolve().parent.parent / "resources")
    for candidate in candidates:
        if (candidate / "fonts").is_dir():
            return candidate
    raise FileNotFoundError(
        "Không tìm thấy thư mục tài nguyên của chương trình (resources). Cài đặt lại chương trình "
        "hoặc đặt biến ONESTOP_RESOURCES."
    )


def resources_path(*parts: str) -> Path:
    """A path inside the resources folder.

    >>> resources_path("fonts", "LiberationSerif-Regular.ttf").is_file()
    True
    """
    return resources_root().joinpath(*parts)
