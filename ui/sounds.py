"""Scan feedback sounds without QtMultimedia (not in PySide6-Essentials): ``winsound`` on
Windows, ``paplay``/``aplay`` where present, else the system beep. Playing never blocks."""

from __future__ import annotations

import shutil
import subprocess
import sys
from typing import Callable

from oneStop.resources import resources_path

OUTCOMES = ("accepted", "tracking", "duplicate", "unknown", "not-ready", "wrong-batch", "closed")


def _backend() -> Callable[[str], None]:
    if sys.platform == "win32":  # pragma: no cover - Windows only
        import winsound

        return lambda path: winsound.PlaySound(path, winsound.SND_FILENAME | winsound.SND_ASYNC)
    for player in ("paplay", "aplay"):
        exe = shutil.which(player)
        if exe:
            def play(path: str, exe: str = exe) -> None:
                subprocess.Popen([exe, path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

            return play
    from PySide6.QtWidgets import QApplication

    return lambda _path: QApplication.beep()


class SoundPlayer:
    """``play("duplicate")``; ``muted`` silences it (tests), ``backend`` is replaceable."""

    def __init__(self, backend: Callable[[str], None] | None = None, *, muted: bool = False) -> None:
        self._backend = backend
        self.muted = muted
        self.played: list[str] = []

    def play(self, outcome: str) -> None:
        if outcome not in OUTCOMES:
            raise ValueError(outcome)
        self.played.append(outcome)
        if self.muted:
            return
        if self._backend is None:
            self._backend = _backend()
        try:
            self._backend(str(resources_path("sounds", f"{outcome}.wav")))
        except OSError:
            pass  # a missing sound card never stops a handover
