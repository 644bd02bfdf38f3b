"""PDF bytes to paper: render each page with pdfium at the printer's resolution and paint it.

The core makes every document as PDF (``oneStop.printing``); the UI only has to put pages on a
``QPrinter``. Qt's own PDF module is not part of PySide6-Essentials, so pages are rasterised
with pypdfium2. Everything here runs on the task runner's worker thread: QPainter may paint on
a QImage or a QPrinter outside the GUI thread, and pdfium is only ever used from that thread.

The printer of a counter is remembered in the ``print.printer`` setting (a device setting).
"""

from __future__ import annotations

from typing import Callable

import pypdfium2 as pdfium
from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from ui.errors import PrinterUnavailable

#: Pages are rasterised at the printer's resolution, but never finer than this.
MAX_PRINT_DPI = 600
#: Resolution of the on-screen preview.
PREVIEW_DPI = 110
_POINTS_PER_INCH = 72.0


def available_printers() -> list[str]:
    """The names of the printers the operating system offers, default first."""
    names = list(QPrinterInfo.availablePrinterNames())
    default = QPrinterInfo.defaultPrinterName()
    if default in names:
        names.remove(default)
        names.insert(0, default)
    return names


def printer_named(name: str) -> QPrinter:
    """A high-resolution QPrinter for the system printer ``name``; raises
    :class:`PrinterUnavailable` if the system does not know it (any more)."""
    info = QPrinterInfo.printerInfo(name)
    if info.isNull():
        raise PrinterUnavailable(name, "Máy in không còn trong danh sách máy in của máy tính này.")
    printer = QPrinter(info, QPrinter.PrinterMode.HighResolution)
    return printer


def page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """The size of each page in points (1/72 inch)."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [document[i].get_size() for i in range(len(document))]
    finally:
        document.close()


def render_pages(pdf: bytes, dpi: float, *, progress: Callable[[int, int], None] | None = None) -> list[QImage]:
    """Rasterise every page on a white background; the images own their memory."""
    document = pdfium.PdfDocument(pdf)
    images: list[QImage] = []
    try:
        total = len(document)
        for index in range(total):
            page = document[index]
            bitmap = page.render(scale=dpi / _POINTS_PER_INCH, fill_color=(255, 255, 255, 255),
                                 prefer_bgrx=True, optimize_mode="print")
            # BGRx in memory is Qt's RGB32 on little-endian machines (all the PCs we run on)
            image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                           QImage.Format.Format_RGB32).copy()
            image.setDotsPerMeterX(round(dpi / 0.0254))
            image.setDotsPerMeterY(round(dpi / 0.0254))
            images.append(image)
            bitmap.close()
            page.close()
            if progress:
                progress(index + 1, total)
    finally:
        document.close()
    return images


def print_pdf(pdf: bytes, printer: QPrinter, *, title: str = "oneStop",
              progress: Callable[[int, int], None] | None = None) -> int:
    """Print every page of ``pdf`` on ``printer`` at the PDF's own page size, borderless;
    return the number of pages. Raises :class:`PrinterUnavailable` if the printer refuses."""
    sizes = page_sizes(pdf)
    if not sizes:
        return 0
    name = printer.printerName() or printer.outputFileName() or "?"
    dpi = min(printer.resolution() or MAX_PRINT_DPI, MAX_PRINT_DPI)
    printer.setDocName(title)
    printer.setFullPage(True)
    _set_page(printer, *sizes[0])
    painter = QPainter()
    if not painter.begin(printer):
        raise PrinterUnavailable(name, "Máy in không sẵn sàng (chưa bật, hết giấy hoặc mất kết nối).")
    try:
        for index, image in enumerate(render_pages(pdf, dpi)):
            if index:
                _set_page(printer, *sizes[index])
                if not printer.newPage():
                    raise PrinterUnavailable(name, "Máy in dừng giữa chừng.")
            target = painter.viewport()
            scaled = QSizeF(image.size()).scaled(QSizeF(target.size()), Qt.AspectRatioMode.KeepAspectRatio)
            painter.drawImage(QRectF(target.x(), target.y(), scaled.width(), scaled.height()), image)
            if progress:
                progress(index + 1, len(sizes))
    finally:
        painter.end()
    return len(sizes)


def print_pdf_to_file(pdf: bytes, path: str, *, dpi: int = 300) -> int:
    """Print ``pdf`` through Qt to a PDF file (what a print goes through, without a printer)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(path)
    printer.setResolution(dpi)
    return print_pdf(pdf, printer)


def _set_page(printer: QPrinter, width_pt: float, height_pt: float) -> None:
    portrait = height_pt >= width_pt
    size = QPageSize(QSizeF(min(width_pt, height_pt), max(width_pt, height_pt)), QPageSize.Unit.Point,
                     "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = QPageLayout.Orientation.Portrait if portrait else QPageLayout.Orientation.Landscape
    printer.setPageLayout(QPageLayout(size, orientation, QMarginsF(0, 0, 0, 0)))
