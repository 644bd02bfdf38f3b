"""UI tests: pytest-qt, offscreen, a real App on a database under tmp_path (tests/conftest.py)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything creates the QApplication
if os.environ["QT_QPA_PLATFORM"] == "offscreen" and os.name == "posix":
    # the screen of a counter's PC: 1366×768 (offscreen's own is 800×800); a Windows path's
    # drive colon would not survive Qt's platform argument, hence POSIX only
    os.environ["QT_QPA_PLATFORM"] = "offscreen:configfile=" + os.path.join(os.path.dirname(__file__),
                                                                          "screen-1366x768.json")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from oneStop import settings as S  # noqa: E402
from oneStop.domain.models import Procedure  # noqa: E402
from tests.core.helpers import TEST_PROCEDURE, add_procedure  # noqa: E402

PRINTER = "Máy in quầy 1"


@pytest.fixture(scope="session", autouse=True)
def _application_look(qapp):  # type: ignore[no-untyped-def]
    """The bundled fonts and the style sheet, as the program sets them."""
    from ui.startup import UI_FONT_FAMILY, load_fonts
    from ui.widgets.common import STYLE_SHEET
    from PySide6.QtGui import QFont

    assert UI_FONT_FAMILY in load_fonts()
    qapp.setFont(QFont(UI_FONT_FAMILY, 10))
    qapp.setStyleSheet(STYLE_SHEET)


@pytest.fixture
def tasks(qapp):  # type: ignore[no-untyped-def]
    from ui.tasks import TaskRunner

    runner = TaskRunner()
    yield runner
    runner.shutdown()


@pytest.fixture(autouse=True)
def _no_runner_left_running():  # type: ignore[no-untyped-def]
    """Every task runner a test started (a window's sync runner among them) is shut down after
    it, and the automatic garbage collector is back on."""
    import gc

    from ui.tasks import TaskRunner

    yield
    TaskRunner.shutdown_all()
    gc.enable()


@pytest.fixture(autouse=True)
def error_boxes(monkeypatch):  # type: ignore[no-untyped-def]
    """Error message boxes are recorded (title, text) instead of blocking the test."""
    from ui.errors import ErrorBox

    shown: list[tuple[str, str]] = []
    def record(cls, box):  # type: ignore[no-untyped-def]
        shown.append((box.windowTitle(), box.text()))

    monkeypatch.setattr(ErrorBox, "show_box", classmethod(record))
    return shown


@pytest.fixture(autouse=True)
def _never_block_on_close(monkeypatch):  # type: ignore[no-untyped-def]
    """Closing a busy main window asks first; at teardown the answer is yes."""
    from ui.main_window import MainWindow

    monkeypatch.setattr(MainWindow, "confirm_quit_while_busy", staticmethod(lambda parent: True))


class PdfPrinters:
    """Stands in for the system printers: each print goes to a PDF file under tmp_path."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: list[Path] = []
        self.names: list[str] = []

    def printer_named(self, name: str):  # type: ignore[no-untyped-def]
        from PySide6.QtPrintSupport import QPrinter

        path = self.folder / f"printed-{len(self.files) + 1}.pdf"
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        printer.setResolution(300)
        self.files.append(path)
        self.names.append(name)
        return printer


@pytest.fixture
def printers(monkeypatch, tmp_path):  # type: ignore[no-untyped-def]
    from ui import printing

    fake = PdfPrinters(tmp_path)
    monkeypatch.setattr(printing, "printer_named", fake.printer_named)
    monkeypatch.setattr(printing, "available_printers", lambda: [PRINTER, "Máy in tầng 2"])
    return fake


@pytest.fixture
def procedure(app, admin) -> Procedure:  # type: ignore[no-untyped-def]
    """A 5-working-day test procedure besides the sample catalog."""
    return add_procedure(app, TEST_PROCEDURE)


@pytest.fixture
def window(qtbot, app, tasks, official, procedure):  # type: ignore[no-untyped-def]
    """The main window of an official, loaded and usable."""
    from ui.main_window import MainWindow

    main = MainWindow(app, tasks, official)
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    main.start()
    qtbot.waitUntil(lambda: main.is_ready, timeout=5000)
    yield main
    qtbot.waitUntil(tasks.is_idle, timeout=10000)


@pytest.fixture
def counter_printer(app, official):  # type: ignore[no-untyped-def]
    """This counter has a printer chosen: "save and print" prints without a dialog."""
    app.settings.set(official, S.PRINTER, PRINTER)
    return PRINTER


@pytest.fixture
def english(qapp, monkeypatch):  # type: ignore[no-untyped-def]
    """The interface in English for one test (ONESTOP_LANG unset), Vietnamese again after it."""
    from ui.i18n import install_translator

    monkeypatch.delenv("ONESTOP_LANG", raising=False)
    assert install_translator(qapp, "en")
    yield
    install_translator(qapp, "vi")
