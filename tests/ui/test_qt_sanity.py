"""A guard on the pinned PySide6: PySide6 6.12.0 took a reference to ``True`` away on every
``Signal.emit()`` from Python and crashed the program after a few thousand emits."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    happened = Signal(int)


def test_emitting_signals_does_not_leak_references():
    emitter = _Emitter()
    seen = []
    emitter.happened.connect(seen.append)
    before = sys.getrefcount(True)
    for n in range(5000):
        emitter.happened.emit(n)
    assert len(seen) == 5000
    assert abs(sys.getrefcount(True) - before) < 50
