"""The one task runner: every blocking job of the UI (database, disk, printer) goes through it.

Anki's ``QueryOp`` idea on one worker thread: :meth:`TaskRunner.submit` queues a callable, the
worker runs the jobs one after another (so the database only ever sees one thread of ours),
and the result or the exception comes back on the GUI thread through a queued signal, to
``on_done`` or ``on_error``.

A job that is still running half a second after it was submitted shows a progress dialog
(unless ``quiet``). A callable that takes a ``progress`` parameter receives a plain
``progress(done, total)`` function that moves the dialog's bar; one that takes ``cancel``
receives a :class:`threading.Event` that the dialog's Cancel button sets. Neither knows Qt.

::

    self._tasks.submit(lambda: self._reception.receive(self._user, draft),
                       on_done=self._print_receipt, on_error=self._show_error)
"""

from __future__ import annotations

import inspect
import itertools
import logging
import queue
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from oneStop.domain.errors import OneStopError
from ui.errors import mark_logged, show_error

log = logging.getLogger(__name__)

#: How long a job may run before the progress dialog appears.
PROGRESS_DELAY_MS = 500

Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]


def _accepts(fn: Callable[..., Any], name: str) -> bool:
    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):  # builtins without a signature
        return False


@dataclass(eq=False)
class Task:
    """One submitted job; ``cancel`` is set by the progress dialog's Cancel button."""

    id: int
    fn: Callable[..., Any]
    on_done: Done | None
    on_error: Failed | None
    label: str | None
    quiet: bool
    parent: QWidget | None
    cancel: threading.Event = field(default_factory=threading.Event)
    finished: bool = False
    progress: tuple[int, int] | None = None  # the last (done, total) the job reported


class _Worker(QThread):
    """Runs the queued tasks one after another; reports through queued signals."""

    task_finished = Signal(object, object, object)  # task, result, exception or None
    task_progressed = Signal(object, int, int)  # task, done, total

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("onestop-worker")
        self.jobs: queue.SimpleQueue[Task | None] = queue.SimpleQueue()

    def run(self) -> None:  # the worker thread
        while (task := self.jobs.get()) is not None:
            kwargs: dict[str, Any] = {}
            if _accepts(task.fn, "progress"):
                kwargs["progress"] = lambda done, total, t=task: self.task_progressed.emit(t, int(done), int(total))
            if _accepts(task.fn, "cancel"):
                kwargs["cancel"] = task.cancel
            try:
                result, error = task.fn(**kwargs), None
            except Exception as exc:  # delivered to on_error on the GUI thread
                result, error = None, exc
            self.task_finished.emit(task, result, error)


class TaskRunner(QObject):
    """The single worker thread of the UI and the delivery of its results.

    Create one per program (``ui/main.py``) and pass it to the views; call :meth:`shutdown`
    before the program ends: queued jobs still run (a confirmed dossier is never dropped).
    """

    def __init__(self, parent: QObject | None = None, *, progress_delay_ms: int = PROGRESS_DELAY_MS) -> None:
        super().__init__(parent)
        self._delay = progress_delay_ms
        self._ids = itertools.count(1)
        self._pending: dict[int, Task] = {}
        self._slow: dict[int, Task] = {}  # running past the delay: the dialog shows for them
        self._dialog: QProgressDialog | None = None
        self._worker = _Worker()
        self._worker.task_finished.connect(self._on_task_finished, Qt.ConnectionType.QueuedConnection)
        self._worker.task_progressed.connect(self._on_task_progressed, Qt.ConnectionType.QueuedConnection)
        self._worker.start()
        self._closed = False

    # --- public -----------------------------------------------------------------------------------

    def submit(
        self,
        fn: Callable[..., Any],
        on_done: Done | None = None,
        on_error: Failed | None = None,
        progress_label: str | None = None,
        *,
        quiet: bool = False,
        parent: QWidget | None = None,
    ) -> Task:
        """Queue ``fn`` for the worker thread; ``on_done(result)`` or ``on_error(exc)`` runs later
        on the GUI thread. Without ``on_error`` the error is shown in a message box
        (:func:`ui.errors.show_error`). ``quiet`` jobs never show the progress dialog (look-ups
        made while the official types). ``parent`` is the widget the job is for: the progress
        dialog and error boxes sit on it, and if it has been destroyed by the time the job ends
        (its window closed) the result is dropped; the job itself has run."""
        if self._closed:
            raise RuntimeError("the task runner is shut down")
        task = Task(next(self._ids), fn, on_done, on_error, progress_label, quiet, parent)
        self._pending[task.id] = task
        if not quiet:
            QTimer.singleShot(self._delay, self, lambda: self._on_task_slow(task))
        self._worker.jobs.put(task)
        return task

    @property
    def pending(self) -> int:
        """Jobs submitted whose result has not been delivered yet."""
        return len(self._pending)

    def is_idle(self) -> bool:
        return not self._pending

    def shutdown(self) -> None:
        """Let the queued jobs finish and stop the worker thread. Results not yet delivered are
        dropped (the jobs themselves, saves included, have run)."""
        if self._closed:
            return
        self._closed = True
        self._worker.jobs.put(None)
        self._worker.wait()
        self._hide_dialog()

    # --- delivery (GUI thread) ---------------------------------------------------------------------

    @Slot(object, object, object)
    def _on_task_finished(self, task: Task, result: Any, error: BaseException | None) -> None:
        task.finished = True
        self._pending.pop(task.id, None)
        self._slow.pop(task.id, None)
        self._update_dialog()
        if error is not None and not isinstance(error, OneStopError):  # a bug, not a refusal
            log.error("Task %s failed", getattr(task.fn, "__qualname__", task.fn), exc_info=error)
            mark_logged(error)
        if task.parent is not None and not shiboken6.isValid(task.parent):
            return  # its window is gone
        if error is None:
            if task.on_done is not None:
                task.on_done(result)
        elif task.on_error is not None:
            task.on_error(error)
        else:
            show_error(task.parent, error)

    @Slot(object, int, int)
    def _on_task_progressed(self, task: Task, done: int, total: int) -> None:
        task.progress = (done, total)
        if self._dialog is not None and task.id in self._slow:
            self._show_progress(task)

    def _show_progress(self, task: Task) -> None:
        assert self._dialog is not None
        done, total = task.progress or (0, 0)  # no report yet: a busy bar
        self._dialog.setRange(0, max(total, 0))
        self._dialog.setValue(min(done, total) if total > 0 else 0)

    def _on_task_slow(self, task: Task) -> None:
        if task.finished or self._closed:
            return
        self._slow[task.id] = task
        self._update_dialog()

    # --- the progress dialog -----------------------------------------------------------------------

    def _update_dialog(self) -> None:
        if not self._slow:
            self._hide_dialog()
            return
        task = next(reversed(self._slow.values()))
        if self._dialog is None:
            owner = task.parent if task.parent is not None and shiboken6.isValid(task.parent) else None
            self._dialog = QProgressDialog(owner)
            self._dialog.setWindowTitle(QCoreApplication.translate("TaskRunner", "Xin chờ"))
            self._dialog.setAutoReset(False)
            self._dialog.setAutoClose(False)
            self._dialog.setMinimumDuration(0)
            self._dialog.setWindowModality(Qt.WindowModality.WindowModal)
            self._dialog.canceled.connect(self._on_dialog_canceled)
        self._dialog.setLabelText(task.label or QCoreApplication.translate("TaskRunner", "Đang xử lý…"))
        if _accepts(task.fn, "cancel"):
            self._dialog.setCancelButtonText(QCoreApplication.translate("TaskRunner", "Hủy"))
        else:
            self._dialog.setCancelButton(None)
        self._show_progress(task)
        self._dialog.show()

    def _hide_dialog(self) -> None:
        """Close the dialog; if it had the keyboard, give it back to the window under it, so the
        cursor is where it was (not every platform does that by itself)."""
        if self._dialog is not None:
            owner = self._dialog.parentWidget()
            had_keyboard = self._dialog.isActiveWindow()
            self._dialog.hide()
            self._dialog.deleteLater()
            self._dialog = None
            if had_keyboard and owner is not None and shiboken6.isValid(owner) and owner.window().isVisible():
                owner.window().activateWindow()

    @property
    def progress_dialog(self) -> QProgressDialog | None:
        """The progress dialog while it shows (for tests)."""
        return self._dialog

    def _on_dialog_canceled(self) -> None:
        for task in self._slow.values():
            task.cancel.set()
