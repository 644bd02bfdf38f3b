"""The interface is Vietnamese in the source; English comes from resources/translations."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from oneStop.resources import resources_path
from ui.i18n import chosen_language, install_translator


@pytest.fixture
def english(qapp, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("ONESTOP_LANG", raising=False)
    assert install_translator(qapp, "en")
    yield
    install_translator(qapp, "vi")


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
