"""Python's cycle collector, run by the desktop program on the GUI thread while no job runs.

Left to itself, the collector runs on whichever thread happens to allocate when a threshold
is crossed: on the worker thread it would destroy Qt objects that belong to the GUI thread,
and on the GUI thread, in the middle of a job, it would finalise what the job's thread was
using (a crash seen in the field: the GUI thread collecting inside an event filter while the
worker ran a query). So the program switches the automatic collector off and collects here,
on the GUI thread, every :data:`INTERVAL_MS`, and only when every background thread (the task
runner's worker, the sync thread) is between jobs. Reference counting frees everything that is
not in a cycle at once, as before; only cycles wait for the next quiet moment. Anki does the
same for the same reason (``aqt.garbage_collector``).
"""

from __future__ import annotations

import gc
import logging
import time
from typing import Callable, Iterable

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger(__name__)

#: How often the collector looks for a quiet moment.
INTERVAL_MS = 1000
#: A full collection (all generations) at most this often; the young generation every time.
FULL_EVERY_S = 120.0


class GarbageCollector(QObject):
    """Owns the cycle collector while the program runs: :meth:`start` switches the automatic
    collector off, :meth:`stop` switches it back on (and collects once more)."""

    def __init__(self, busy: Iterable[Callable[[], bool]], parent: QObject | None = None, *,
                 interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self._busy = list(busy)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_if_quiet)
        self._last_full = time.monotonic()
        self._was_enabled = False
        self.collections = 0  # how many times it collected (for tests and the log)
        self.skipped = 0  # how many times a background job kept it from collecting

    def watch(self, busy: Callable[[], bool]) -> None:
        """Also wait for ``busy()`` to be false before collecting (a thread started later)."""
        self._busy.append(busy)

    def start(self) -> None:
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        if self._was_enabled:
            gc.enable()

    def quiet(self) -> bool:
        return not any(busy() for busy in self._busy)

    def collect_if_quiet(self) -> bool:
        """Collect now if no background job runs; True if it did."""
        if not self.quiet():
            self.skipped += 1
            return False
        now = time.monotonic()
        if now - self._last_full >= FULL_EVERY_S:
            gc.collect()
            self._last_full = now
        else:
            gc.collect(0)
        self.collections += 1
        return True
