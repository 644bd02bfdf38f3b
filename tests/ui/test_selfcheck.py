"""``onestop selfcheck`` from source: every step passes on a healthy installation, a broken one
names the failing step, and a real data folder is never written."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from oneStop.services.app import App
from tests.conftest import setup_request
from ui.main import main

ROOT = Path(__file__).resolve().parents[2]
STEPS = ["data_dir", "database", "central_schema", "modules", "resources", "setup", "dossier", "receipt",
         "barcode", "reports", "qt", "ui_fonts", "translations", "window", "print_render"]


def test_selfcheck_passes_every_step_and_reports_json(qapp, tmp_path, capsys):
    code = main(["--data-dir", str(tmp_path / "scratch"), "selfcheck", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    report = json.loads(out)
    assert report["ok"] is True and report["failed"] is None
    assert [s["name"] for s in report["steps"]] == STEPS
    assert all(s["ok"] for s in report["steps"])
    assert report["dossier"].startswith("000.00.00.H01-")
    barcode = next(s for s in report["steps"] if s["name"] == "print_render")
    assert report["dossier"] in barcode["detail"]
    assert not (tmp_path / "scratch").exists()  # the folder given is left as it was: absent
    log = (Path(os.environ["ONESTOP_DATA_DIR"]) / "logs" / "onestop.log").read_text(encoding="utf-8")
    assert "selfcheck passed" in log
    assert f"dossier received: {report['dossier']}" in log
    assert "Kiểm Tra" not in log and "038095001234" not in log


def test_selfcheck_on_a_real_data_folder_works_on_a_copy(qapp, tmp_path, capsys):
    data = tmp_path / "data"
    with App(data) as core:
        core.setup.set_up(setup_request())
    before = (data / "onestop.sqlite3").read_bytes()
    code = main(["--data-dir", str(data), "selfcheck"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Tự kiểm tra: đạt." in out
    assert "000.17.22.H56-" in out  # the real agency's catalog and numbering were used …
    assert (data / "onestop.sqlite3").read_bytes() == before  # … on a copy
    assert not (data / "logs").exists()


def test_selfcheck_leaves_an_empty_folder_empty_and_setup_still_possible(qapp, tmp_path, capsys, monkeypatch):
    empty = tmp_path / "empty"
    empty.mkdir()
    code = main(["--data-dir", str(empty), "selfcheck"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert list(empty.iterdir()) == []
    monkeypatch.setenv("ONESTOP_PASSWORD", "mat-khau-an-toan")
    code = main(["--data-dir", str(empty), "setup", "--agency-code", "000.17.22.H56", "--agency-name",
                 "Bộ phận Một cửa xã Quảng Phú", "--counter", "1", "--admin", "admin"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "000.17.22.H56" in out


def test_a_broken_installation_names_the_failing_step(tmp_path):
    resources = tmp_path / "resources"
    shutil.copytree(ROOT / "resources", resources, ignore=shutil.ignore_patterns("catalog", "__pycache__"))
    env = {**os.environ, "ONESTOP_RESOURCES": str(resources), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-m", "ui.main", "--data-dir", str(tmp_path / "d"), "selfcheck"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "tự kiểm tra không đạt ở bước «resources»" in result.stderr
    assert "LỖI resources" in result.stdout
    assert "OK  database" in result.stdout
    assert "setup" not in result.stdout  # nothing runs after the failure
