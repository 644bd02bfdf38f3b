"""PDF bytes to paper: render each page with pdfium and paint it, in black and white, band by band.

The core makes every document as PDF (``oneStop.printing``); the UI only has to put pages on a
``QPrinter``. Qt's own PDF module is not part of PySide6-Essentials, so pages are rasterised
with pypdfium2. Everything here runs on the task runner's worker thread: QPainter may paint on
a QImage or a QPrinter outside the GUI thread, and pdfium is only ever used from that thread.

The printer of a counter is remembered in the ``print.printer`` setting (a device setting).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import pypdfium2 as pdfium
from PySide6.QtCore import QMarginsF, QRect, QRectF, QSizeF, Qt
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from ui.errors import PrinterUnavailable

#: Pages are printed in black and white at the printer's resolution, but never finer than this
#: (the forms' smallest detail, a bar of the Code128, is several pixels wide at 300 dpi).
PRINT_DPI = 300
#: The colour path renders at the printer's resolution, but never finer than this.
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
            try:
                images.append(_render(page, dpi))
            finally:
                page.close()
            if progress:
                progress(index + 1, total)
    finally:
        document.close()
    return images


@dataclass
class PrintJob:
    """What a print handed to the print system: pages, and the bytes of the bitmaps painted
    (what a Windows spool file carries; a PDF spool, as on Linux, compresses them further)."""

    pages: int
    bitmap_bytes: int = 0
    bands: int = 0


def print_pdf(pdf: bytes, printer: QPrinter, *, title: str = "oneStop",
              progress: Callable[[int, int], None] | None = None, mode: str = "mono") -> int:
    """Print every page of ``pdf`` on ``printer`` at the PDF's own page size, borderless;
    return the number of pages. Raises :class:`PrinterUnavailable` if the printer refuses.

    ``mono`` (the default): each page is rendered once, in grey at :data:`PRINT_DPI` (or the
    printer's resolution if lower), made black and white (the forms are text, lines and bars),
    and only its bands with ink are painted, each cut to its inked columns: a receipt is a few
    hundred kilobytes in the spool instead of megabytes, and reaches it sooner. ``colour``: the
    whole page in colour at the printer's resolution (up to :data:`MAX_PRINT_DPI`), as before
    (kept as the benchmark's baseline)."""
    return print_pdf_job(pdf, printer, title=title, progress=progress, mode=mode).pages


def print_pdf_job(pdf: bytes, printer: QPrinter, *, title: str = "oneStop",
                  progress: Callable[[int, int], None] | None = None, mode: str = "mono") -> PrintJob:
    """:func:`print_pdf`, telling what was painted."""
    sizes = page_sizes(pdf)
    job = PrintJob(len(sizes))
    if not sizes:
        return job
    name = printer.printerName() or printer.outputFileName() or "?"
    printer_dpi = printer.resolution() or MAX_PRINT_DPI
    dpi = min(printer_dpi, MAX_PRINT_DPI) if mode == "colour" else min(printer_dpi, PRINT_DPI)
    printer.setDocName(title)
    printer.setFullPage(True)
    _set_page(printer, *sizes[0])
    painter = QPainter()
    if not painter.begin(printer):
        raise PrinterUnavailable(name, "Máy in không sẵn sàng (chưa bật, hết giấy hoặc mất kết nối).")
    if mode != "colour":
        painter.setRenderHint(QPainter.RenderHint.LosslessImageRendering)  # never JPEG for bars and text
    document = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(sizes)):
            if index:
                _set_page(printer, *sizes[index])
                if not printer.newPage():
                    raise PrinterUnavailable(name, "Máy in dừng giữa chừng.")
            target = painter.viewport()
            page = document[index]
            try:
                if mode == "colour":
                    image = _render(page, dpi)
                    scaled = QSizeF(image.size()).scaled(QSizeF(target.size()), Qt.AspectRatioMode.KeepAspectRatio)
                    painter.drawImage(QRectF(target.x(), target.y(), scaled.width(), scaled.height()), image)
                    job.bitmap_bytes += image.sizeInBytes()
                    job.bands += 1
                else:
                    _paint_mono_bands(painter, target, page, dpi, job)
            finally:
                page.close()
            if progress:
                progress(index + 1, len(sizes))
    finally:
        document.close()
        painter.end()
    return job


#: Rows per band when only the bands with ink are painted.
BAND_ROWS = 48
_WHITE = 0xFF
_BLACK_ON_WHITE = [0xFF000000, 0xFFFFFFFF]  # index 0 black, 1 white


def _paint_mono_bands(painter: QPainter, target: QRect, page: Any, dpi: float, job: PrintJob) -> None:
    """Render ``page`` in grey at ``dpi``, and paint each band of :data:`BAND_ROWS` rows that
    has ink, cut to its inked columns, in black and white (1 bit per pixel)."""
    bitmap = page.render(scale=dpi / _POINTS_PER_INCH, fill_color=(255, 255, 255, 255), grayscale=True,
                         optimize_mode="print")
    try:
        width, height, stride = bitmap.width, bitmap.height, bitmap.stride
        data = bytes(bitmap.buffer)
    finally:
        bitmap.close()
    grey = QImage(data, width, height, stride, QImage.Format.Format_Grayscale8)
    sx, sy = target.width() / width, target.height() / height
    scale = min(sx, sy)  # the page keeps its proportions, as the colour path does
    blank = bytes([_WHITE]) * width
    top = 0
    while top < height:
        rows = min(BAND_ROWS, height - top)
        left, right = width, 0
        for y in range(top, top + rows):
            row = data[y * stride: y * stride + width]
            if row == blank:
                continue
            left = min(left, width - len(row.lstrip(b"\xff")))
            right = max(right, len(row.rstrip(b"\xff")))
        if right > left:
            band = grey.copy(left, top, right - left, rows).convertToFormat(
                QImage.Format.Format_Mono, Qt.ImageConversionFlag.ThresholdDither)
            if band.colorTable() != _BLACK_ON_WHITE:  # Qt's PDF engine keeps 1 bit only in this order
                band.invertPixels()
                band.setColorTable(_BLACK_ON_WHITE)
            painter.drawImage(QRectF(target.x() + left * scale, target.y() + top * scale,
                                     (right - left) * scale, rows * scale), band)
            job.bitmap_bytes += band.sizeInBytes()
            job.bands += 1
        top += rows


def _render(page: Any, dpi: float) -> QImage:
    bitmap = page.render(scale=dpi / _POINTS_PER_INCH, fill_color=(255, 255, 255, 255),
                         prefer_bgrx=True, optimize_mode="print")
    try:
        # BGRx in memory is Qt's RGB32 on little-endian machines (all the PCs we run on)
        image = QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                       QImage.Format.Format_RGB32).copy()
    finally:
        bitmap.close()
    image.setDotsPerMeterX(round(dpi / 0.0254))
    image.setDotsPerMeterY(round(dpi / 0.0254))
    return image


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
