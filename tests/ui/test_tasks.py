"""The one task runner: work off the GUI thread, results back on it, progress after a delay."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QPushButton

from oneStop.domain.errors import DossierNotFound
from ui.tasks import TaskRunner


def test_the_job_runs_on_the_worker_and_the_result_comes_back_on_the_gui_thread(qtbot, tasks):
    seen = {}

    def job() -> str:
        seen["job_thread"] = threading.current_thread()
        return "xong"

    def done(result: str) -> None:
        seen["result"] = result
        seen["done_thread"] = threading.current_thread()

    tasks.submit(job, on_done=done)
    qtbot.waitUntil(lambda: "result" in seen, timeout=3000)
    assert seen["result"] == "xong"
    assert seen["job_thread"] is not threading.main_thread()
    assert seen["done_thread"] is threading.main_thread()
    assert tasks.is_idle()


def test_an_exception_is_delivered_to_on_error(qtbot, tasks, error_boxes):
    errors: list[BaseException] = []

    def job() -> None:
        raise DossierNotFound("000.17.22.H56-261123-0099")

    tasks.submit(job, on_done=lambda _r: pytest.fail("on_done must not run"), on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=3000)
    assert isinstance(errors[0], DossierNotFound)
    assert error_boxes == []


def test_without_on_error_the_error_is_shown_in_vietnamese(qtbot, tasks, error_boxes):
    tasks.submit(lambda: (_ for _ in ()).throw(DossierNotFound("X-1")))
    qtbot.waitUntil(lambda: bool(error_boxes), timeout=3000)
    assert "Không tìm thấy hồ sơ có mã X-1" in error_boxes[0][1]


def test_the_gui_thread_stays_responsive_while_a_job_runs(qtbot, tasks):
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    done: list[bool] = []
    tasks.submit(lambda: time.sleep(0.3), on_done=lambda _r: done.append(True))
    qtbot.waitUntil(lambda: bool(done), timeout=3000)
    timer.stop()
    assert len(ticks) >= 5  # the timer kept firing during the 0.3 s job


def test_jobs_run_one_after_another_in_submission_order(qtbot, tasks):
    order: list[int] = []
    for n in range(5):
        tasks.submit(lambda n=n: (time.sleep(0.01 * (5 - n)), n)[1], on_done=order.append)
    qtbot.waitUntil(lambda: len(order) == 5, timeout=3000)
    assert order == [0, 1, 2, 3, 4]


def test_the_progress_dialog_shows_only_for_a_slow_job_and_moves_with_progress(qtbot):
    runner = TaskRunner(progress_delay_ms=100)
    try:
        quick: list[bool] = []
        runner.submit(lambda: None, on_done=lambda _r: quick.append(True), progress_label="Nhanh")
        qtbot.waitUntil(lambda: bool(quick), timeout=3000)
        qtbot.wait(150)
        assert runner.progress_dialog is None

        release = threading.Event()
        reported: list[tuple[int, int]] = []

        def slow(progress) -> int:  # type: ignore[no-untyped-def]
            progress(1, 4)
            release.wait(3)
            return 4

        runner.submit(slow, on_done=lambda r: reported.append((r, r)), progress_label="Đang nhập danh mục…")
        qtbot.waitUntil(lambda: runner.progress_dialog is not None and runner.progress_dialog.isVisible(), timeout=3000)
        dialog = runner.progress_dialog
        assert dialog.labelText() == "Đang nhập danh mục…"
        qtbot.waitUntil(lambda: dialog.maximum() == 4 and dialog.value() == 1, timeout=3000)
        release.set()
        qtbot.waitUntil(lambda: bool(reported), timeout=3000)
        assert runner.progress_dialog is None
    finally:
        runner.shutdown()


def test_cancel_in_the_progress_dialog_sets_the_jobs_cancel_event(qtbot):
    runner = TaskRunner(progress_delay_ms=50)
    try:
        result: list[str] = []

        def job(cancel: threading.Event) -> str:
            return "hủy" if cancel.wait(3) else "hết giờ"

        runner.submit(job, on_done=result.append)
        qtbot.waitUntil(lambda: runner.progress_dialog is not None and runner.progress_dialog.isVisible(), timeout=3000)
        button = runner.progress_dialog.findChild(QPushButton)
        assert button is not None and button.text() == "Hủy"
        button.click()
        qtbot.waitUntil(lambda: bool(result), timeout=3000)
        assert result == ["hủy"]
    finally:
        runner.shutdown()


def test_quiet_jobs_never_show_the_dialog(qtbot):
    runner = TaskRunner(progress_delay_ms=20)
    try:
        done: list[bool] = []
        runner.submit(lambda: time.sleep(0.15), on_done=lambda _r: done.append(True), quiet=True)
        qtbot.waitUntil(lambda: bool(done), timeout=3000)
        assert runner.progress_dialog is None
    finally:
        runner.shutdown()


def test_shutdown_lets_queued_jobs_finish(qapp):
    runner = TaskRunner()
    ran: list[int] = []
    for n in range(3):
        runner.submit(lambda n=n: (time.sleep(0.02), ran.append(n)))
    runner.shutdown()
    assert ran == [0, 1, 2]
    runner.submit(lambda: ran.append(3))  # after shutdown: not run (see the test below)
    time.sleep(0.05)
    assert ran == [0, 1, 2]


def test_when_the_progress_dialog_goes_the_cursor_is_back_where_it_was(qtbot):
    """A slow save shows the dialog over the form; once it closes, typing goes on in the field
    that had the cursor (the form's window is active again), whatever the platform does."""
    from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

    form = QWidget()
    qtbot.addWidget(form)
    field, other = QLineEdit(form), QLineEdit(form)
    layout = QVBoxLayout(form)
    layout.addWidget(other)
    layout.addWidget(field)
    with qtbot.waitActive(form):
        form.show()
        form.activateWindow()
    field.setFocus()
    assert QApplication.focusWidget() is field
    runner = TaskRunner(progress_delay_ms=20)
    try:
        release, done = threading.Event(), []
        runner.submit(lambda: release.wait(3), on_done=done.append, parent=form, progress_label="Đang lưu hồ sơ…")
        qtbot.waitUntil(lambda: runner.progress_dialog is not None and runner.progress_dialog.isVisible(), timeout=3000)
        runner.progress_dialog.activateWindow()  # as a window manager gives a new dialog the keyboard
        qtbot.waitUntil(lambda: QApplication.activeWindow() is runner.progress_dialog, timeout=3000)
        release.set()
        qtbot.waitUntil(lambda: bool(done), timeout=3000)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is field, timeout=3000)
    finally:
        runner.shutdown()


# --- nothing of the GUI dies on the worker; nothing of a job dies in the GUI's collector --------------


def _destroyed_on(widget) -> list[str]:  # type: ignore[no-untyped-def]
    """The name of the thread on which ``widget``'s C++ object is destroyed, once it is."""
    where: list[str] = []
    widget.destroyed.connect(lambda *_: where.append("GUI" if threading.current_thread() is threading.main_thread()
                                                     else "worker"), Qt.ConnectionType.DirectConnection)
    return where


def test_what_only_a_finished_jobs_closure_holds_dies_on_the_gui_thread(qtbot, tasks):
    """A dialog closes while its job runs: the last references to it and to what it holds are
    in the job's closure. They must go on the GUI thread, never on the worker."""

    class ViewHelper:
        """A Python object of the GUI (a view's model, a dialog's state) the closure holds."""

        died_on: list[str] = []

        def __del__(self) -> None:
            ViewHelper.died_on.append("GUI" if threading.current_thread() is threading.main_thread() else "worker")

    places: list[list[str]] = []
    for _ in range(5):
        widget = QPushButton("Thiết lập")  # no parent: Python owns it
        places.append(_destroyed_on(widget))
        release = threading.Event()
        done: list[object] = []
        tasks.submit(lambda w=widget, h=ViewHelper(): release.wait(5) and None, on_done=done.append, quiet=True)
        del widget  # the dialog is gone; only the job's default arguments hold its button and helper
        release.set()
        qtbot.waitUntil(lambda: bool(done), timeout=3000)
        tasks.submit(lambda: None, quiet=True)  # the worker moves on to another job
        qtbot.waitUntil(tasks.is_idle, timeout=3000)
    qtbot.wait(50)
    assert ViewHelper.died_on == ["GUI"] * 5
    assert places == [["GUI"]] * 5


def test_a_failed_jobs_frames_are_let_go_of_on_the_worker_and_the_bug_is_logged_there(qtbot, tasks, caplog):
    class Held:
        """A job's local, like a database session: it must die where the job ran."""

        died_on: list[str] = []

        def __del__(self) -> None:
            Held.died_on.append("GUI" if threading.current_thread() is threading.main_thread() else "worker")

    def job() -> None:
        held = Held()  # noqa: F841 (a local the traceback's frame holds)
        raise RuntimeError("một lỗi lập trình")

    errors: list[BaseException] = []
    tasks.submit(job, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=3000)
    assert isinstance(errors[0], RuntimeError) and errors[0].__traceback__ is None
    assert Held.died_on == ["worker"]
    logged = [r for r in caplog.records if r.getMessage().startswith("Task ")]
    assert len(logged) == 1 and logged[0].exc_info is not None and logged[0].thread != threading.main_thread().ident
    assert "một lỗi lập trình" in caplog.text and "in job" in caplog.text  # the traceback, in the log


def test_the_garbage_collector_waits_for_the_worker_and_runs_on_the_gui_thread(qtbot, tasks):
    import gc

    from ui.garbage import GarbageCollector

    collector = GarbageCollector([TaskRunner.any_busy], interval_ms=10)
    collector.start()
    try:
        assert not gc.isenabled()  # no automatic collection on whichever thread allocates
        release = threading.Event()
        tasks.submit(lambda: release.wait(5), quiet=True)
        qtbot.waitUntil(lambda: collector.skipped >= 3, timeout=3000)
        assert collector.collections == 0  # never while a job runs
        release.set()
        qtbot.waitUntil(lambda: collector.collections >= 1, timeout=3000)
        assert collector.quiet()
    finally:
        collector.stop()
    assert gc.isenabled()


def test_a_job_submitted_after_shutdown_is_not_run_and_nothing_reaches_the_event_loop(qtbot, qapp, error_boxes):
    """A view's timer that fires while the program ends (found by a full run: a traceback in the
    event loop from the reception's appointment look-up)."""
    runner = TaskRunner()
    runner.shutdown()
    ran: list[int] = []
    QTimer.singleShot(0, lambda: runner.submit(lambda: ran.append(1), on_done=lambda _r: ran.append(2)))
    qtbot.wait(100)
    assert ran == [] and error_boxes == []
