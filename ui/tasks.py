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

import functools
import inspect
import itertools
import logging
import queue
import threading
import traceback
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
    parent: QObject | None
    cancel: threading.Event = field(default_factory=threading.Event)
    finished: bool = False
    progress: tuple[int, int] | None = None  # the last (done, total) the job reported


class _Job:
    """What the worker thread is given of a task: the callable and its flags, nothing of the GUI.

    The GUI thread's :class:`Task` keeps its own reference to ``fn`` until the result has been
    delivered, and the worker lets go of ``fn`` before it reports: so the last reference to the
    callable (and to the widgets its closure holds) always goes on the GUI thread, and no Qt object
    is ever destroyed on the worker."""

    __slots__ = ("id", "fn", "cancel", "wants_progress", "wants_cancel")

    def __init__(self, task: Task) -> None:
        self.id = task.id
        self.fn: Callable[..., Any] | None = task.fn
        self.cancel = task.cancel
        self.wants_progress = _accepts(task.fn, "progress")
        self.wants_cancel = _accepts(task.fn, "cancel")


class _Worker(QThread):
    """Runs the queued jobs one after another; reports through queued signals.

    ``busy`` is true from the moment a job is taken until the worker has let go of all of it and
    waits for the next: the garbage collector (:mod:`ui.garbage`) runs only while it is false."""

    task_finished = Signal(int, object, object)  # task id, result, exception or None
    task_progressed = Signal(int, int, int)  # task id, done, total

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("onestop-worker")
        self.jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self.busy = False

    def run(self) -> None:  # the worker thread
        while True:
            job = self.jobs.get()
            if job is None:
                return
            self.busy = True
            task_id = job.id
            result, error = self._run(job)
            job = None
            self.task_finished.emit(task_id, result, error)
            result = error = None
            self.busy = False

    def _run(self, job: _Job) -> tuple[Any, BaseException | None]:
        kwargs: dict[str, Any] = {}
        if job.wants_progress:
            kwargs["progress"] = functools.partial(self._progress, job.id)
        if job.wants_cancel:
            kwargs["cancel"] = job.cancel
        fn, job.fn = job.fn, None
        assert fn is not None
        try:
            return fn(**kwargs), None
        except Exception as exc:  # delivered to on_error on the GUI thread, without its frames
            if not isinstance(exc, OneStopError):  # a bug, not a refusal: its traceback goes to the log here
                log.error("Task %s failed", getattr(fn, "__qualname__", fn), exc_info=exc)
                mark_logged(exc)
            return None, _without_frames(exc)
        finally:
            del fn, kwargs

    def _progress(self, task_id: int, done: int, total: int) -> None:
        self.task_progressed.emit(task_id, int(done), int(total))


def _without_frames(exc: BaseException) -> BaseException:
    """``exc`` (and the exceptions chained to it) without tracebacks: their frames hold the
    job's locals (sessions, cursors, results), which must be let go of here, on the worker
    thread, not whenever the GUI thread's garbage collector comes across them.

    >>> try:
    ...     {}["x"]
    ... except KeyError as e:
    ...     bare = _without_frames(e)
    >>> bare.__traceback__ is None
    True
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if current.__traceback__ is not None:
            traceback.clear_frames(current.__traceback__)
            current.__traceback__ = None
        current = current.__cause__ or current.__context__
    return exc


class TaskRunner(QObject):
    """The single worker thread of the UI and the delivery of its results.

    Create one per program (``ui/main.py``) and pass it to the views; call :meth:`shutdown`
    before the program ends: queued jobs still run (a confirmed dossier is never dropped).
    """

    #: A job's result has been delivered (the id of its task): the record may have changed.
    job_finished = Signal(int)

    #: Every runner not yet shut down (the garbage collector waits for all of them).
    _running: set["TaskRunner"] = set()

    def __init__(self, parent: QObject | None = None, *, progress_delay_ms: int = PROGRESS_DELAY_MS) -> None:
        super().__init__(parent)
        TaskRunner._running.add(self)
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
        parent: QObject | None = None,
    ) -> Task:
        """Queue ``fn`` for the worker thread; ``on_done(result)`` or ``on_error(exc)`` runs later
        on the GUI thread. Without ``on_error`` the error is shown in a message box
        (:func:`ui.errors.show_error`). ``quiet`` jobs never show the progress dialog (look-ups
        made while the official types). ``parent`` is the widget the job is for: the progress
        dialog and error boxes sit on it, and if it has been destroyed by the time the job ends
        (its window closed) the result is dropped; the job itself has run."""
        task = Task(next(self._ids), fn, on_done, on_error, progress_label, quiet, parent)
        if self._closed:  # a view's late timer while the program ends: nothing runs, nothing is shown
            log.info("task not run: the task runner is shut down (%s)", getattr(fn, "__qualname__", fn))
            return task
        self._pending[task.id] = task
        if not quiet:
            QTimer.singleShot(self._delay, self, lambda: self._on_task_slow(task))
        self._worker.jobs.put(_Job(task))
        return task

    @property
    def pending(self) -> int:
        """Jobs submitted whose result has not been delivered yet."""
        return len(self._pending)

    def is_idle(self) -> bool:
        return not self._pending

    @property
    def closed(self) -> bool:
        """Shut down: nothing more may be submitted."""
        return self._closed

    def shutdown(self) -> None:
        """Let the queued jobs finish and stop the worker thread. Results not yet delivered are
        dropped (the jobs themselves, saves included, have run)."""
        if self._closed:
            return
        self._closed = True
        self._worker.jobs.put(None)
        self._worker.wait()
        TaskRunner._running.discard(self)
        self._hide_dialog()

    # --- delivery (GUI thread) ---------------------------------------------------------------------

    @property
    def worker_busy(self) -> bool:
        """The worker is running a job or has one queued."""
        return self._worker.busy or not self._worker.jobs.empty()

    @classmethod
    def shutdown_all(cls) -> None:
        """Shut down every runner still running (at the end of the program)."""
        for runner in list(cls._running):
            runner.shutdown()

    @classmethod
    def any_busy(cls) -> bool:
        """Some runner's worker is running or has a job queued."""
        return any(runner.worker_busy for runner in list(cls._running))

    @Slot(int, object, object)
    def _on_task_finished(self, task_id: int, result: Any, error: BaseException | None) -> None:
        task = self._pending.pop(task_id, None)
        if task is None:
            return
        task.finished = True
        self._slow.pop(task.id, None)
        self._update_dialog()
        try:
            if task.parent is not None and not shiboken6.isValid(task.parent):
                return  # its window is gone
            if error is None:
                if task.on_done is not None:
                    task.on_done(result)
            elif task.on_error is not None:
                task.on_error(error)
            else:
                show_error(task.parent if isinstance(task.parent, QWidget) else None, error)
        finally:
            self.job_finished.emit(task_id)

    @Slot(int, int, int)
    def _on_task_progressed(self, task_id: int, done: int, total: int) -> None:
        task = self._pending.get(task_id)
        if task is None:
            return
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
            owner = task.parent if isinstance(task.parent, QWidget) and shiboken6.isValid(task.parent) else None
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
