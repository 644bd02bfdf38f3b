"""PDF to paper: pages rasterised with pdfium and painted on a QPrinter (a PDF file here)."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from tests.core.helpers import draft
from tests.ui.helpers import decode_barcodes, read_pdf
from ui import printing
from ui.errors import PrinterUnavailable, describe


@pytest.fixture
def receipt(app, official, procedure):  # type: ignore[no-untyped-def]
    dossier = app.reception.receive(official, draft())
    return app.printing.receipt(official, dossier.code)


def test_a_receipt_printed_through_qt_keeps_its_page_size_and_a_scannable_barcode(qapp, receipt, tmp_path):
    out = tmp_path / "in.pdf"
    pages = printing.print_pdf_to_file(receipt.pdf, str(out), dpi=300)
    printed = read_pdf(out)
    original = pdfium.PdfDocument(receipt.pdf)
    copy = pdfium.PdfDocument(printed)
    try:
        assert pages == len(original) == len(copy)
        for index in range(pages):
            (w0, h0), (w1, h1) = original[index].get_size(), copy[index].get_size()
            assert abs(w0 - w1) < 2 and abs(h0 - h1) < 2  # A5 stays A5, borderless
    finally:
        original.close()
        copy.close()
    assert receipt.code in decode_barcodes(printed)


def test_pages_render_at_the_asked_resolution(qapp, receipt):
    images = printing.render_pages(receipt.pdf, 72)
    width, height = printing.page_sizes(receipt.pdf)[0]
    assert len(images) >= 1
    assert abs(images[0].width() - width) <= 1 and abs(images[0].height() - height) <= 1
    assert images[0].pixelColor(1, 1).name() == "#ffffff"  # white paper, not transparent black


def test_an_unknown_printer_is_reported_in_vietnamese(qapp):
    with pytest.raises(PrinterUnavailable) as raised:
        printing.printer_named("Máy in không tồn tại")
    assert describe(raised.value).startswith("Không in được trên máy in “Máy in không tồn tại”.")


def test_a_receipt_reaches_the_printer_in_black_and_white_small_and_still_scans(qapp, receipt, tmp_path):
    """A laser printer's 600 dpi: the job is 1-bit bands of ink (no JPEG), well under 1 MB,
    against megabytes for the whole page in colour; the Code128 and the QR still read, at 300 dpi
    and as a cheap scanner sees it (150 dpi, blurred)."""
    import re

    from PIL import ImageFilter
    from PySide6.QtPrintSupport import QPrinter
    import zxingcpp

    def printer(name: str) -> QPrinter:
        job = QPrinter(QPrinter.PrinterMode.HighResolution)
        job.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        job.setOutputFileName(str(tmp_path / name))
        job.setResolution(600)
        return job

    mono = printing.print_pdf_job(receipt.pdf, printer("mono.pdf"))
    colour = printing.print_pdf_job(receipt.pdf, printer("colour.pdf"), mode="colour")
    small, large = (tmp_path / "mono.pdf").read_bytes(), (tmp_path / "colour.pdf").read_bytes()
    assert mono.pages == colour.pages == 2 and mono.bands > 2 * mono.pages  # blank bands are not sent
    assert len(small) < 400_000 < 2_000_000 < len(large), (len(small), len(large))
    assert mono.bitmap_bytes * 50 < colour.bitmap_bytes
    images = re.findall(rb"/Subtype /Image\n/Width \d+\n/Height \d+\n/BitsPerComponent (\d+)", small)
    assert images and set(images) == {b"1"} and b"/DCTDecode" not in small
    assert decode_barcodes(small).count(receipt.code) == 4  # Code128 and QR on both copies
    document = pdfium.PdfDocument(small)
    try:
        cheap = document[0].render(scale=150 / 72, fill_color=(255, 255, 255, 255)).to_pil()
    finally:
        document.close()
    blurred = cheap.convert("L").filter(ImageFilter.GaussianBlur(0.8)).rotate(3, fillcolor=255, expand=True)
    assert receipt.code in [r.text for r in zxingcpp.read_barcodes(blurred)]
