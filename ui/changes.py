"""The views learn that the record changed, whoever changed it (``oneStop.services.changes``).

:class:`ChangeWatcher` asks the core what changed after every job of any task runner (a save, a
step, a scan, a sync) and every :data:`POLL_MS` (another window, the command line), and emits
:attr:`ChangeWatcher.changed` with the kinds that changed. Each view decides for itself whether
that concerns it; no view refreshes another by hand.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from oneStop.services.app import App
from oneStop.services.changes import Changes
from ui.tasks import TaskRunner

#: How often the record is looked at when nothing of this window ran (another process may write).
POLL_MS = 3000


class ChangeWatcher(QObject):
    changed = Signal(object)  # Changes (only when something changed)

    def __init__(self, app: App, tasks: TaskRunner, parent: QObject | None = None, *, poll_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self._app, self._tasks = app, tasks
        self._cursor: int | None = None
        self._asking = False
        self._again = False
        self._own: set[int] = set()
        self._stopped = False
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(30)  # jobs finishing together are looked at once
        self._soon.timeout.connect(self.check)
        self._poll = QTimer(self)
        self._poll.setInterval(poll_ms)
        self._poll.timeout.connect(self.check)
        tasks.job_finished.connect(self._on_job_finished)

    def watch(self, runner: TaskRunner) -> None:
        """Also look after the jobs of ``runner`` (the sync's: a pull changes the record)."""
        runner.job_finished.connect(self._on_other_job)

    def _on_other_job(self, _task_id: int) -> None:
        self._soon.start()

    def start(self) -> None:
        self._poll.start()
        self.check()

    def stop(self) -> None:
        self._stopped = True
        self._poll.stop()
        self._soon.stop()

    def _on_job_finished(self, task_id: int) -> None:
        if task_id in self._own:
            self._own.discard(task_id)
            return
        self._soon.start()

    def check(self) -> None:
        """Ask the core what changed since the last look (in the task runner, quietly)."""
        if self._stopped or self._tasks.closed:  # the window or the program is ending
            self.stop()
            return
        if self._asking:
            self._again = True
            return
        self._asking = True
        app, cursor = self._app, self._cursor
        # parent: the answer is dropped if this watcher (its window) is gone meanwhile
        task = self._tasks.submit(lambda: app.changes.since(cursor), on_done=self._on_answer,
                                  on_error=self._on_failed, quiet=True, parent=self)
        self._own.add(task.id)

    def _on_answer(self, changes: Changes) -> None:
        self._asking = False
        if self._stopped:
            return
        first = self._cursor is None
        self._cursor = changes.cursor
        if changes.any and not first:
            self.changed.emit(changes)
        if self._again:
            self._again = False
            self.check()

    def _on_failed(self, _exc: BaseException) -> None:
        self._asking = False  # the next job or poll asks again
