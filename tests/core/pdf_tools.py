"""Reading a PDF back as a scanner and a person would: pages rendered at 300 dpi on white and
decoded with zxing-cpp (and ZBar, a second decoder), text extracted with pypdf."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import zxingcpp
from PIL import Image
from pypdf import PdfReader

DPI = 300


def page_images(pdf: bytes, dpi: int = DPI) -> list[Image.Image]:
    document = pdfium.PdfDocument(pdf)
    try:
        images = []
        for page in document:
            bitmap = page.render(scale=dpi / 72, fill_color=(255, 255, 255, 255))
            images.append(bitmap.to_pil().convert("L"))
        return images
    finally:
        document.close()


def decode(image: Image.Image) -> dict[str, list[str]]:
    """Every barcode zxing-cpp finds on the image, by format name ("Code128", "QRCode")."""
    found: dict[str, list[str]] = {}
    for result in zxingcpp.read_barcodes(image):
        found.setdefault(result.format.name, []).append(result.text)
    return found


def decode_zbar(image: Image.Image) -> dict[str, list[str]]:
    """The same read with a second, independent decoder (ZBar, as many counter scanners' firmware
    descends from): a symbol both read is not one decoder's luck. Names as :func:`decode` gives them."""
    from pyzbar import pyzbar

    names = {"CODE128": "Code128", "QRCODE": "QRCode"}
    found: dict[str, list[str]] = {}
    for result in pyzbar.decode(image):
        found.setdefault(names.get(result.type, result.type), []).append(result.data.decode("utf-8"))
    return found


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def page_sizes_mm(pdf: bytes) -> list[tuple[int, int]]:
    reader = PdfReader(io.BytesIO(pdf))
    return [
        (round(float(p.mediabox.width) * 25.4 / 72), round(float(p.mediabox.height) * 25.4 / 72)) for p in reader.pages
    ]


def font_names(pdf: bytes) -> set[tuple[str, bool]]:
    """(base font name, embedded?) of every font the pages use."""
    reader = PdfReader(io.BytesIO(pdf))
    fonts: set[tuple[str, bool]] = set()
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.add((str(font.get("/BaseFont")), embedded))
    return fonts
