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
