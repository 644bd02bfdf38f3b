"""The interface is Vietnamese in the source; English comes from resources/translations."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from oneStop.resources import resources_path
from ui.i18n import chosen_language, install_translator


def test_the_compiled_english_translation_ships_with_its_source():
    assert resources_path("translations", "onestop_en.ts").is_file()
    assert resources_path("translations", "onestop_en.qm").stat().st_size > 1000


def test_with_english_the_labels_are_english(qtbot, english, app, tasks, official, procedure):
    from ui.dialogs.login import LoginDialog
    from ui.main_window import MainWindow

    login = LoginDialog(app, tasks)
    qtbot.addWidget(login)
    assert login.windowTitle() == "Sign in — oneStop"
    window = MainWindow(app, tasks, official)
    qtbot.addWidget(window)
    assert window.tabs.tabText(0) == "Reception (F2)"
    assert window.reception.save_button.text() == "Save and print (Ctrl+S, F9)"
    assert window.reception.documents_model.headerData(0, Qt.Orientation.Horizontal) == "Document"


def test_vietnamese_needs_no_translator(qapp, monkeypatch):
    monkeypatch.delenv("ONESTOP_LANG", raising=False)
    assert install_translator(qapp, "vi") is False
    assert chosen_language(None) == "vi"


def test_the_environment_overrides_the_setting(monkeypatch):
    monkeypatch.setenv("ONESTOP_LANG", "en_GB")
    assert chosen_language("vi") == "en"


def test_every_string_of_the_english_translation_is_translated():
    import xml.etree.ElementTree as ET

    root = ET.parse(resources_path("translations", "onestop_en.ts")).getroot()
    unfinished = [m.findtext("source") for m in root.iter("message")
                  if m.find("translation").get("type") == "unfinished" or not m.findtext("translation")]
    assert unfinished == []


def test_the_english_translation_knows_every_string_of_the_interface(tmp_path):
    """``pyside6-lupdate`` over ``ui/`` (the command in ``ui/i18n.py``) finds nothing new: a
    string added to a screen without its English would show in Vietnamese to an English user."""
    import shutil
    import subprocess
    import sys
    import xml.etree.ElementTree as ET
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    lupdate = shutil.which("pyside6-lupdate") or str(Path(sys.executable).with_name("pyside6-lupdate"))
    copy = tmp_path / "onestop_en.ts"
    shutil.copy(resources_path("translations", "onestop_en.ts"), copy)
    sources = sorted(str(p) for p in (root / "ui").rglob("*.py"))
    subprocess.run([lupdate, *sources, "-ts", str(copy), "-source-language", "vi", "-target-language", "en",
                    "-no-obsolete", "-locations", "none"], check=True, capture_output=True, timeout=120)
    new = [m.findtext("source") for m in ET.parse(copy).getroot().iter("message")
           if m.find("translation").get("type") == "unfinished"]
    assert new == []
