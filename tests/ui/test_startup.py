"""Starting the program: first run on an empty folder, sign-in, the window; the entry point."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from oneStop.services.app import App
from tests.conftest import PASSWORD, setup_request
from ui.dialogs.first_run import FirstRunDialog
from ui.dialogs.login import LoginDialog
from ui.startup import Startup

ROOT = Path(__file__).resolve().parents[2]


def start(qtbot, qapp, tasks, data_dir: Path) -> Startup:  # type: ignore[no-untyped-def]
    startup = Startup(qapp, tasks, data_dir, started_at=time.time())
    startup.begin()
    qtbot.waitUntil(lambda: startup.window is not None and startup.window.is_ready, timeout=10000)
    qtbot.addWidget(startup.window)
    return startup


def test_an_empty_folder_gets_the_first_run_dialog_then_the_main_window(qtbot, qapp, tasks, tmp_path, monkeypatch):
    asked: list[str] = []

    def first_run(cls, app, tasks, parent=None):  # type: ignore[no-untyped-def]
        asked.append("first_run")
        return app.setup.set_up(setup_request())

    monkeypatch.setattr(FirstRunDialog, "ask", classmethod(first_run))
    monkeypatch.setattr(LoginDialog, "ask", classmethod(lambda *a, **k: asked.append("login")))
    startup = start(qtbot, qapp, tasks, tmp_path / "moi")
    try:
        assert asked == ["first_run"]  # the new administrator is signed in already
        assert startup.window.user.username == "admin"
        assert (tmp_path / "moi" / "onestop.sqlite3").is_file()
    finally:
        qtbot.waitUntil(tasks.is_idle, timeout=10000)
        startup.app.close()


def test_a_set_up_folder_asks_who_signs_in(qtbot, qapp, tasks, tmp_path, monkeypatch):
    data = tmp_path / "data"
    with App(data) as core:
        core.setup.set_up(setup_request())
    seen: dict[str, str] = {}

    def login(cls, app, tasks, parent=None, **kwargs):  # type: ignore[no-untyped-def]
        seen.update(kwargs)
        return app.auth.login("admin", PASSWORD)

    monkeypatch.setattr(LoginDialog, "ask", classmethod(login))
    monkeypatch.delenv("ONESTOP_USER", raising=False)
    startup = start(qtbot, qapp, tasks, data)
    try:
        assert seen["agency_name"] == "Bộ phận tiếp nhận và trả kết quả UBND xã Quảng Phú"
        assert startup.window.user.username == "admin"
    finally:
        qtbot.waitUntil(tasks.is_idle, timeout=10000)
        startup.app.close()


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT), **env}
    return subprocess.run([sys.executable, "-c", "import sys; from ui.main import main; sys.exit(main(sys.argv[1:]))",
                           *args], capture_output=True, text=True, env=environment, cwd=ROOT, timeout=120)


def test_the_command_line_does_not_load_qt():
    code = ("import sys; sys.modules['PySide6'] = None\n"
            "from ui.main import main\n"
            "try:\n    main(['--version'])\nexcept SystemExit as e:\n    sys.exit(e.code)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("oneStop ")


def test_the_program_starts_signs_in_and_reports_when_it_is_usable(tmp_path):
    data = tmp_path / "data"
    with App(data) as core:
        core.setup.set_up(setup_request())
    result = _run(["--data-dir", str(data)], ONESTOP_EXIT_AFTER_START="1", ONESTOP_USER="admin",
                  ONESTOP_PASSWORD=PASSWORD)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^ready_ms=\d+$", result.stdout, re.M), result.stdout
    log = (data / "logs" / "onestop.log").read_text(encoding="utf-8")
    assert "starting: desktop" in log and "signed in: admin (admin)" in log and "main window ready" in log
