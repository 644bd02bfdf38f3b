"""The PyInstaller build: ``packaging/onestop.spec`` builds into a temporary folder and the
built program checks itself (``onestop-cli selfcheck``) with no display and no source tree.

About a minute of building on a 2-core machine; the figures are printed (``-s`` shows them).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.build

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "onestop.spec"
EXE_SUFFIX = ".exe" if sys.platform == "win32" else ""
#: Generous limits: the build is ~60 s and ~240 MB on Linux; these catch a runaway, not noise.
MAX_BUILD_SECONDS = 480
MAX_FOLDER_MB = 400


def _folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("pyinstaller")
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(out / "dist"), "--workpath", str(out / "work"), str(SPEC)],
        cwd=out, capture_output=True, text=True, timeout=MAX_BUILD_SECONDS,
    )
    seconds = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-5000:]
    folder = out / "dist" / "onestop"
    size_mb = _folder_size(folder) / 1e6
    print(f"\nPyInstaller build: {seconds:.0f} s, {size_mb:.0f} MB in {folder}")
    assert size_mb < MAX_FOLDER_MB
    return folder


def _clean_env(tmp_path: Path) -> dict[str, str]:
    """No display, no source tree on the path, logs and data in tmp_path."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "PYTHONPATH", "ONESTOP_RESOURCES",
                        "ONESTOP_DATA_DIR")}
    env["ONESTOP_LOG_DIR"] = str(tmp_path / "logs")
    return env


@pytest.mark.timeout(900)
def test_the_built_program_passes_its_selfcheck(built, tmp_path):
    cli = built / f"onestop-cli{EXE_SUFFIX}"
    assert cli.is_file() and (built / f"onestop{EXE_SUFFIX}").is_file()
    result = subprocess.run([str(cli), "selfcheck", "--json"], cwd=tmp_path, env=_clean_env(tmp_path),
                            capture_output=True, text=True, encoding="utf-8", timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True and report["frozen"] is True
    assert [s["name"] for s in report["steps"]] == [
        "data_dir", "database", "central_schema", "modules", "resources", "setup", "dossier", "receipt",
        "barcode", "reports", "qt", "ui_fonts", "translations", "window", "print_render"]
    assert "offscreen" in next(s["detail"] for s in report["steps"] if s["name"] == "qt")
    log = (tmp_path / "logs" / "onestop.log").read_text(encoding="utf-8")
    assert "frozen" in log and "selfcheck passed" in log
    assert not Path(report["data_dir"]).exists()  # the scratch folder is removed


def test_the_built_program_runs_commands_on_a_data_folder(built, tmp_path):
    cli = built / f"onestop-cli{EXE_SUFFIX}"
    env = {**_clean_env(tmp_path), "ONESTOP_PASSWORD": "mat-khau-an-toan"}
    data = tmp_path / "data"

    def run(*args: str) -> str:
        result = subprocess.run([str(cli), "--data-dir", str(data), *args], env=env, capture_output=True,
                                text=True, encoding="utf-8", timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert run("--version").strip() == "oneStop 0.1.0"
    run("setup", "--agency-code", "000.17.22.H56", "--agency-name", "Bộ phận Một cửa xã Quảng Phú",
        "--counter", "1", "--admin", "admin")
    found = json.loads(run("catalog", "list", "--search", "dang ky khai sinh", "--json"))
    assert any(p["name"].startswith("Đăng ký khai sinh") for p in found)
    assert (data / "logs" / "onestop.log").is_file() is False  # ONESTOP_LOG_DIR wins over the data folder
    assert "starting: catalog" in (tmp_path / "logs" / "onestop.log").read_text(encoding="utf-8")


def test_the_built_desktop_program_starts_and_opens_its_window(built, tmp_path):
    env = {**_clean_env(tmp_path), "ONESTOP_PASSWORD": "mat-khau-an-toan", "QT_QPA_PLATFORM": "offscreen"}
    data = tmp_path / "data"
    setup = subprocess.run([str(built / f"onestop-cli{EXE_SUFFIX}"), "--data-dir", str(data), "setup",
                            "--agency-code", "000.17.22.H56", "--agency-name", "Bộ phận Một cửa", "--counter", "1",
                            "--admin", "admin"], env=env, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert setup.returncode == 0, setup.stderr
    started = subprocess.run([str(built / f"onestop{EXE_SUFFIX}"), "--data-dir", str(data)],
                             env={**env, "ONESTOP_EXIT_AFTER_START": "1", "ONESTOP_USER": "admin"},
                             capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert started.returncode == 0, started.stderr
    ready = re.search(r"^ready_ms=(\d+)$", started.stdout, re.M)
    assert ready, started.stdout + started.stderr
    print(f"\nbuilt desktop program usable after {ready.group(1)} ms")
    assert "main window ready" in (tmp_path / "logs" / "onestop.log").read_text(encoding="utf-8")


def test_the_folder_holds_what_is_needed_and_not_what_is_not(built):
    internal = built / "_internal"
    for needed in ("resources/fonts/LiberationSerif-Regular.ttf", "resources/catalog/sample_procedures.csv",
                   "resources/profiles/tt01-2018.json", "resources/translations/onestop_en.qm",
                   "resources/sounds/duplicate.wav",
                   "oneStop/persistence/migrations/env.py", "oneStop/persistence/migrations/versions/0001_initial_schema.py",
                   "oneStop/sync/migrations/env.py", "oneStop/sync/migrations/versions/c0001_central_events.py"):
        assert (internal / needed).is_file(), needed
    names = {p.name for p in internal.rglob("*") if p.exists()}  # a dangling link is no library
    for qt in ("Qml", "Quick", "WebEngine", "3D", "Multimedia", "Charts", "Pdf", "Network"):
        unwanted = (f"Qt{qt}", f"libQt6{qt}", f"Qt6{qt}")  # the Python module, the Linux and Windows libraries
        assert not any(n.startswith(unwanted) for n in names), qt
    for package in ("tkinter", "_tkinter", "pytest", "pgserver", "PyInstaller", "pypdf"):
        assert package not in names, package
    assert not any(n.endswith(".ts") for n in names)
