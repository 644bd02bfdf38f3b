"""The desktop program's part of ``onestop selfcheck`` (see :mod:`oneStop.selfcheck`): Qt starts
(offscreen where there is no display), the bundled fonts and translations load, the main window
is built and loads its data without being shown, and the receipt goes through the print path
(pdfium into a QImage, as on a printer) with its barcode read back from that image.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from oneStop.selfcheck import SelfCheck

#: How long the main window may take to load its data.
WINDOW_TIMEOUT_MS = 60_000


def has_display() -> bool:
    """Whether a window could be shown (on Linux: an X11 or Wayland display is named)."""
    if sys.platform.startswith("linux") or "bsd" in sys.platform:
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def ui_checks(check: "SelfCheck") -> None:
    from oneStop.selfcheck import StepFailed

    with check.step("qt") as said:
        if not os.environ.get("QT_QPA_PLATFORM") and not has_display():
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        from PySide6 import __version__ as pyside_version
        from PySide6.QtWidgets import QApplication

        from ui.startup import prepare_application

        existing = QApplication.instance()
        qapp = prepare_application(sys.argv[:1])
        qapp.setQuitOnLastWindowClosed(False)
        said.append(f"PySide6 {pyside_version}, nền {qapp.platformName()}"
                    + (" (đã có sẵn)" if existing is not None else ""))

    with check.step("ui_fonts") as said:
        from PySide6.QtGui import QFontDatabase

        from ui.startup import UI_FONT_FAMILY

        if UI_FONT_FAMILY not in QFontDatabase.families():
            raise StepFailed(f"không nạp được phông {UI_FONT_FAMILY}")
        if qapp.font().family() != UI_FONT_FAMILY:
            raise StepFailed(f"phông giao diện là {qapp.font().family()}, cần {UI_FONT_FAMILY}")
        said.append(UI_FONT_FAMILY)

    with check.step("translations") as said:
        from PySide6.QtCore import QTranslator

        from oneStop.resources import resources_path

        files = sorted(resources_path("translations").glob("*.qm"))
        if not files:
            raise StepFailed("không có tệp bản dịch (.qm)")
        for path in files:
            translator = QTranslator()
            if not translator.load(str(path)) or translator.isEmpty():
                raise StepFailed(f"không nạp được {path.name}")
        said.append(", ".join(p.name for p in files))

    with check.step("window") as said:
        said.append(_build_main_window(check))

    with check.step("print_render") as said:
        from oneStop.selfcheck import expect_barcodes, decode_barcodes
        from ui import printing

        images = printing.render_pages(check.receipt_pdf, 300)
        if not images:
            raise StepFailed("phiếu không có trang nào")
        said.append(expect_barcodes(decode_barcodes(_to_pil(images[0])), check.code))


def _build_main_window(check: "SelfCheck") -> str:
    """Build the main window of the check's official, let it load, never show it."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from oneStop.selfcheck import StepFailed
    from ui.main_window import MainWindow
    from ui.tasks import TaskRunner

    tasks = TaskRunner()
    window = None
    try:
        window = MainWindow(check.app, tasks, check.user)
        loop = QEventLoop()
        window.ready.connect(loop.quit)
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        timer.start(WINDOW_TIMEOUT_MS)
        window.start()
        if not window.is_ready:
            loop.exec()
        timer.stop()
        if not window.is_ready:
            raise StepFailed(f"cửa sổ chính chưa sẵn sàng sau {WINDOW_TIMEOUT_MS // 1000} giây")
        shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
        if shown:
            raise StepFailed(f"có hộp thoại hiện ra: {', '.join(w.windowTitle() or type(w).__name__ for w in shown)}")
        return f"{window.tabs.count()} thẻ, {window.counter_label.text()}"
    finally:
        if window is not None:
            window.sync.shutdown()
            window.deleteLater()
        tasks.shutdown()
        QApplication.processEvents()


def _to_pil(image):  # type: ignore[no-untyped-def]
    """A QImage as a greyscale PIL image (for the decoder)."""
    from PIL import Image
    from PySide6.QtGui import QImage

    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    data = bytes(grey.constBits())
    return Image.frombuffer("L", (grey.width(), grey.height()), data, "raw", "L", grey.bytesPerLine(), 1)
