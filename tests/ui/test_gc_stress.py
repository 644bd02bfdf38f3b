"""The crash on the first dossier (issue 14, item 1): the garbage collector and the worker.

In the field the program died with SIGSEGV while the GUI thread was collecting garbage inside
the procedure picker's event filter and the worker ran the appointment's query. Here the real
window runs its background jobs while the GUI thread is made to collect many times a second,
and a crash of the process itself leaves its traceback in the log folder.
"""

from __future__ import annotations

import gc
import os
import stat
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest

from ui.garbage import GarbageCollector
from ui.tasks import TaskRunner


def test_the_window_survives_garbage_collection_on_the_gui_thread_while_jobs_run(qtbot, window, tasks):
    collector = GarbageCollector([TaskRunner.any_busy], interval_ms=5)  # as the program runs it
    collector.start()
    forced = [0]

    def collect() -> None:  # and, beyond what the program does, a full collection every 2 ms
        gc.collect()
        forced[0] += 1

    hostile = QTimer()
    hostile.timeout.connect(collect)
    hostile.start(2)
    picker = window.reception.picker
    try:
        for round_ in range(25):
            window.activateWindow()
            picker.edit.setFocus()
            QTest.keyClick(picker.edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            QTest.keyClick(picker.edit, Qt.Key.Key_Backspace)
            for ch in "dang ky khai sinh":
                QTest.keyClick(picker.edit, ch)
            QTest.keyClick(picker.edit, Qt.Key.Key_Return)
            assert picker.chosen is not None and picker.chosen.name == "Đăng ký khai sinh", round_
            window.reception.refresh_appointment()  # one more query on the worker
            if round_ % 5 == 4:  # the list loads on the worker too
                QTest.keyClick(window, Qt.Key.Key_F3)
                QTest.keyClick(window, Qt.Key.Key_F2)
            qtbot.wait(15)
        qtbot.waitUntil(tasks.is_idle, timeout=10000)
        qtbot.waitUntil(lambda: window.reception.appointment is not None, timeout=5000)
    finally:
        hostile.stop()
        collector.stop()
    assert forced[0] > 20 and collector.collections > 0


def test_a_crash_of_the_process_leaves_every_threads_traceback_in_the_log_folder(tmp_path):
    data = tmp_path / "data"
    program = (
        "import sys, threading, time, faulthandler\n"
        "from pathlib import Path\n"
        "from ui.startup import enable_crash_log\n"
        "print(enable_crash_log(Path(sys.argv[1])))\n"
        "threading.Thread(target=time.sleep, args=(30,), name='worker', daemon=True).start()\n"
        "faulthandler._sigsegv()\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("ONESTOP_LOG_DIR", "ONESTOP_DATA_DIR")}
    done = subprocess.run([sys.executable, "-c", program, str(data)], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parents[2], env=env)
    assert done.returncode != 0
    crash_log = data / "logs" / "crash.log"
    assert done.stdout.strip() == str(crash_log)
    text = crash_log.read_text(encoding="utf-8")
    assert "--- oneStop started " in text and "Segmentation fault" in text, text
    assert "\nThread 0x" in text and "\nCurrent thread 0x" in text and "_bootstrap" in text  # every thread
    assert "Segmentation fault" not in done.stderr  # in the file, not lost on a console nobody sees
    if os.name == "posix":
        assert stat.S_IMODE(crash_log.stat().st_mode) == 0o600
