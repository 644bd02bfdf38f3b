"""One copy of the program per data folder: the lock, the request to come forward, and two real
processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from PySide6.QtCore import Qt

from oneStop.services.app import App
from tests.conftest import PASSWORD, setup_request
from ui.single_instance import SingleInstance, server_name

ROOT = Path(__file__).resolve().parents[2]


def test_a_second_holder_is_refused_and_its_request_reaches_the_first(qtbot, tmp_path):
    first = SingleInstance(tmp_path / "data")
    second = SingleInstance(tmp_path / "data")
    assert first.acquire()
    try:
        assert first.lock_path.read_text().split("\n")[0] == str(os.getpid())
        assert not second.acquire()
        answers: list[bool] = []
        client = threading.Thread(target=lambda: answers.append(second.activate_running(5000)))
        with qtbot.waitSignal(first.activated, timeout=5000):
            client.start()
        client.join(10)
        assert answers == [True]
    finally:
        first.release()
    third = SingleInstance(tmp_path / "data")
    assert third.acquire()  # released: the next start takes it
    third.release()


def test_another_folder_is_another_program(tmp_path):
    one, other = SingleInstance(tmp_path / "a"), SingleInstance(tmp_path / "b")
    assert server_name(tmp_path / "a") != server_name(tmp_path / "b")
    assert one.acquire() and other.acquire()
    one.release()
    other.release()


def test_nobody_answering_is_reported(tmp_path):
    lonely = SingleInstance(tmp_path / "data")
    assert lonely.activate_running(300) is False


def test_a_lock_left_by_a_crashed_copy_is_taken_over(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    data = tmp_path / "data"
    data.mkdir()
    (data / "onestop.lock").write_text(f"{dead.pid}\npython\n{socket.gethostname()}\n")
    instance = SingleInstance(data)
    assert instance.acquire()
    instance.release()


def test_bring_forward_restores_a_minimised_window(qtbot, qapp, tasks, window):
    from ui.startup import Startup

    startup = Startup(qapp, tasks, None, started_at=time.time())
    startup.window = window
    window.showMinimized()
    startup.bring_forward()
    assert not window.windowState() & Qt.WindowState.WindowMinimized
    assert window.isVisible()


def _start(data: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT), "ONESTOP_USER": "admin",
           "ONESTOP_PASSWORD": PASSWORD}
    env.pop("ONESTOP_EXIT_AFTER_START", None)
    return subprocess.Popen([sys.executable, "-c", "import sys; from ui.main import main; sys.exit(main(sys.argv[1:]))",
                             "--data-dir", str(data)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_a_second_start_brings_the_running_program_forward_and_exits(tmp_path):
    data = tmp_path / "data"
    with App(data) as core:
        core.setup.set_up(setup_request())
    first = _start(data)
    try:
        deadline = time.monotonic() + 60
        while not list((data / "backups").glob("onestop-*.sqlite3")):  # signed in, window up, daily backup made
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the first copy did not start"
            time.sleep(0.2)
        started = time.monotonic()
        second = _start(data)
        out, err = second.communicate(timeout=60)
        assert second.returncode == 0, err
        assert "đã đưa cửa sổ" in err
        assert time.monotonic() - started < 30
        assert first.poll() is None  # the first copy runs on
        assert "Traceback" not in err
    finally:
        first.terminate()
        first.communicate(timeout=30)
