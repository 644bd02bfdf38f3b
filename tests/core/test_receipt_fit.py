"""The receipt an official signs without correcting (issue 15): one sheet per copy with the
longest values reception accepts, an organisation's long name wrapped in its own signature
block, and a Code128 that reads from a slightly blurred, tilted 150 dpi scan."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
import zxingcpp
from PIL import ImageFilter
from pypdf import PdfReader

from oneStop.domain.drafts import MAX_ADDRESS, MAX_DOCUMENT_COUNT, MAX_DOCUMENT_NAME, MAX_NAME, MAX_SETS
from oneStop.printing.receipt import ReceiptDocument, ReceiptLine, render_receipt
from tests.core.pdf_tools import decode, decode_zbar, page_images, page_texts

#: the longest procedure name of the national catalog is under 300 characters
LONGEST_PROCEDURE = 300


def _long(text: str, length: int) -> str:
    """``text`` repeated and cut to exactly ``length`` characters, ending on a letter."""
    out = (text * (length // len(text) + 1))[:length]
    return out[:-1] + "x" if out.endswith(" ") else out


ORGANISATION = _long("Công ty trách nhiệm hữu hạn thương mại dịch vụ xây dựng Hòa Bình Thanh Hóa ", MAX_NAME)


def _longest(*, reprint: bool, code: str = "G12.18.112.001-261204-0012") -> ReceiptDocument:
    """Every field at the longest reception lets through, one document of the longest name."""
    return ReceiptDocument(
        code=code,
        receiving_unit="Bộ phận tiếp nhận và trả kết quả Trung tâm Phục vụ hành chính công tỉnh Thanh Hóa",
        managing_agency="Ủy ban nhân dân tỉnh Thanh Hóa",
        place="Thanh Hóa",
        applicant_name=ORGANISATION,
        organisation=True,
        owner_name=_long("Nguyễn Thị Hoàng Phương Thảo ", MAX_NAME),
        address=_long("Số 125 đường Lê Lợi, phường Điện Biên, thành phố Thanh Hóa, tỉnh Thanh Hóa; ", MAX_ADDRESS),
        phone="0912345678",
        email="phongtochuchanhchinh.congtyhoabinh@example.com.vn",
        citizen_id="038190012345",
        procedure_name=_long("Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất ", LONGEST_PROCEDURE),
        received_at=datetime(2026, 12, 4, 9, 15),
        due_at=datetime(2026, 12, 18, 9, 15),
        documents=(
            ReceiptLine(_long("Giấy chứng nhận quyền sử dụng đất quyền sở hữu nhà ở ", MAX_DOCUMENT_NAME), "ban_chinh",
                        MAX_DOCUMENT_COUNT),
        ),
        sets=MAX_SETS,
        processing_days=10,
        return_by_post=True,
        delivery_address=_long("Thôn Đông, xã Quảng Phú, tỉnh Thanh Hóa; ", MAX_ADDRESS),
        register_volume="12",
        register_number=123456,
        fee=999_999_999_999,
        official_name=_long("Nguyễn Thị Hoàng Phương Thảo ", MAX_NAME),
        lookup_url="https://dichvucong.thanhhoa.gov.vn/tra-cuu-ho-so",
        hotline="0237 3 123 456",
        priority=True,
        printed_at=datetime(2026, 12, 4, 9, 16),
        reprint_at=datetime(2026, 12, 5, 10, 0) if reprint else None,
    )


def _longest_2025(*, reprint: bool) -> ReceiptDocument:
    """The longest receipt with what Thông tư 03/2025 adds: the document number, the
    identification line, the proxy block at its longest, the optional book line and the privacy
    notice (the bundled profile's wording)."""
    import json
    from dataclasses import replace

    from oneStop.resources import resources_path

    profile = json.loads((resources_path("profiles") / "tt03-2025.json").read_text(encoding="utf-8"))
    return replace(
        _longest(reprint=reprint),
        document_number="123456/GTN",
        identification=True,
        tax_code="0101234567-001",
        proxy=True,
        owner_address=_long("Số 7 ngõ 12 phố Trần Phú, phường Hạc Thành, tỉnh Thanh Hóa; ", MAX_ADDRESS),
        owner_citizen_id="038195004321",
        owner_phone="0987654321",
        owner_email="nguyenthihoangphuongthao.chuhoso@example.com.vn",
        authorisation=_long("Giấy ủy quyền số 12/UQ ngày 01/12/2026 chứng thực tại UBND phường Hạc Thành ", 200),
        book_reference_optional=True,
        privacy_notice=profile["forms"]["receipt"]["text"]["privacy_notice"],
    )


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.parametrize("form", ["2018", "2025"])
@pytest.mark.parametrize("reprint", [False, True])
@pytest.mark.parametrize("paper", ["A5", "A4"])
def test_the_longest_receipt_takes_one_sheet_per_copy(paper, reprint, form):
    """A5 receipts ran onto a second sheet, the signature block alone on it (issue 15). The
    2025 form with a proxy block fits the same sheet on A4 at the longest, and on A5 with an
    owner's details and addresses as long as real ones run (the extreme on A5 continues: the next
    test)."""
    if form == "2018":
        doc = _longest(reprint=reprint)
    elif paper == "A4":
        doc = _longest_2025(reprint=reprint)
    else:
        from dataclasses import replace

        doc = replace(_longest_2025(reprint=reprint), owner_address="Số 7 ngõ 12 phố Trần Phú, phường Hạc Thành, tỉnh Thanh Hóa",
                      authorisation="Giấy ủy quyền số 12/UQ ngày 01/12/2026, chứng thực tại UBND phường Hạc Thành",
                      address="Số 125 đường Lê Lợi, phường Điện Biên, thành phố Thanh Hóa, tỉnh Thanh Hóa",
                      delivery_address="Thôn Đông, xã Quảng Phú, tỉnh Thanh Hóa",
                      procedure_name="Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất trong "
                                     "các trường hợp chuyển đổi, chuyển nhượng, cho thuê, cho thuê lại, thừa kế, tặng "
                                     "cho, góp vốn bằng quyền sử dụng đất")
    pdf = render_receipt(doc, paper=paper)
    texts = page_texts(pdf)
    assert _pages(pdf) == len(doc.copies) == 2, (paper, reprint)
    for text, copy in zip(texts, doc.copies):
        assert copy in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text and "mang theo Giấy này" in text


def test_the_longest_2025_receipt_on_a5_continues_with_the_code_and_the_signatures_whole():
    """Every field at the longest reception allows and a proxy block at the longest does not fit
    one A5 sheet at 8 pt: the copy continues on a second sheet that names the form, the code and
    the copy, with both signature blocks and the small print together on it."""
    doc = _longest_2025(reprint=True)
    pdf = render_receipt(doc, paper="A5")
    texts = page_texts(pdf)
    assert len(texts) == 4
    for n, copy in enumerate(doc.copies):
        first, second = texts[2 * n], texts[2 * n + 1]
        assert copy in first and "Nộp thay cho chủ hồ sơ" in first and "Văn bản ủy quyền" in first
        assert f"{doc.code} ({copy}, tiếp theo)" in " ".join(second.split())
        for words in ("NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "mang theo Giấy này", "91/2025/QH15"):
            assert words in " ".join(second.split()) and words not in first, words


def test_the_type_never_goes_under_8_points_on_a5_and_what_cannot_fit_continues_with_the_code():
    doc = _longest(reprint=True)
    many = doc.documents * 6
    from dataclasses import replace

    pdf = render_receipt(replace(doc, documents=many, copies=("Liên 1: Lưu",)), paper="A5")
    assert _pages(pdf) >= 2
    assert doc.code in page_texts(pdf)[1]
    sizes: list[float] = []
    reader = PdfReader(io.BytesIO(pdf))

    def visit(text, cm, tm, font_dict, font_size):  # type: ignore[no-untyped-def]
        if text.strip():
            sizes.append(font_size * tm[0] * cm[0] if tm[0] and cm[0] else font_size)

    for page in reader.pages:
        page.extract_text(visitor_text=visit)
    body = [s for s in sizes if s > 1]
    # the body at the 8 pt floor: the table at 0.92 and the small print at 0.85 of it
    assert min(body) >= 8 * 0.85 - 0.01, min(body)


def _strings(pdf: bytes) -> list[tuple[float, float, float, str]]:
    """(x, y, font size, text) of every string drawn on page 1."""
    found: list[tuple[float, float, float, str]] = []

    def visit(text, cm, tm, font_dict, font_size):  # type: ignore[no-untyped-def]
        if text.strip():
            found.append((tm[4] + cm[4], tm[5] + cm[5], font_size * (tm[0] or 1) * (cm[0] or 1), text.strip()))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("paper", ["A5", "A4"])
def test_an_organisations_long_name_wraps_within_its_signature_block_at_the_body_size(paper):
    """The name was shrunk to 6 pt and still ran over the official's name (issue 15)."""
    from dataclasses import replace

    from reportlab.pdfbase.pdfmetrics import stringWidth

    from oneStop.printing.fonts import SERIF_BOLD
    from oneStop.printing.layout import paper as paper_of

    doc = replace(_longest(reprint=False), official_name="Lê Văn Tâm")
    pdf = render_receipt(doc, paper=paper)
    page = paper_of(paper)
    middle = page.left + page.usable_width / 2
    strings = _strings(pdf)
    (title_y,) = [y for _, y, _, t in strings if t == "NGƯỜI NỘP HỒ SƠ"]
    (official_x, official_y, _, _) = next(s for s in strings if s[3] == "Lê Văn Tâm")
    (body,) = {size for _, y, size, t in strings if t == "NGƯỜI NỘP HỒ SƠ"}
    lines = [s for s in strings if s[1] < title_y and s[1] >= official_y - 3 * body * 1.25 and s[0] < middle
             and not s[3].startswith("(")]
    assert 2 <= len(lines) <= 3, lines
    for x, _, size, line in lines:
        assert size >= body - 0.01, (size, line)  # the signature block's bold body size, not shrunk
        assert page.left <= x and x + stringWidth(line, SERIF_BOLD, size) <= middle, (line, x, middle)
    assert " ".join(line for *_, line in lines) == ORGANISATION
    assert body >= (8 if paper == "A5" else 10)


CODES = ["000.17.22.H56-261204-0012", "G12.18.112.001-261204-0012"]


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("paper", ["A5", "A4"])
def test_the_code128_reads_from_a_blurred_tilted_150_dpi_scan(code, paper):
    """Bars of 0.254 mm did not read at 150 dpi with a little blur and a 3° tilt, by either of two
    decoders (issue 15): both read them now."""
    pdf = render_receipt(_longest(reprint=False, code=code), paper=paper)
    for image in page_images(pdf, dpi=150):
        scan = image.filter(ImageFilter.GaussianBlur(0.6)).rotate(3, expand=True, fillcolor=255)
        assert decode(scan).get("Code128") == [code], (paper, code)
        assert decode_zbar(scan).get("Code128") == [code], (paper, code)


LONG_AGENCIES = {  # agency identifiers longer than 2025's usual four groups (QĐ 20/2020: up to 35 characters)
    "G12.18.112.001.0001": 31, "G12.18.112.001.0001.0002": 36, "G12.18.112.001.0001.0002.0003.00045": 47}


@pytest.mark.parametrize("agency, paper, dpi", [
    ("G12.18.112.001.0001", "A4", 150), ("G12.18.112.001.0001.0002", "A4", 150),
    ("G12.18.112.001.0001", "A5", 200), ("G12.18.112.001.0001.0002", "A5", 200),
    ("G12.18.112.001.0001.0002.0003.00045", "A4", 200), ("G12.18.112.001.0001.0002.0003.00045", "A5", 300),
])
def test_a_long_agencys_code128_reads_blurred_and_tilted_at_the_resolution_its_bars_allow(agency, paper, dpi):
    """A code of 31 to 47 characters spans the sheet: its bars are as wide as the paper allows
    (on A5, 0.34 mm for 31 characters: under two pixels at 150 dpi, so a scan must resolve
    200 dpi; the 35-character identifier, 300 dpi) and as tall as a scan line tilted 4° across
    its whole width needs (on A4 a 3° tilt missed the 8 mm bars of a 180 mm symbol)."""
    code = f"{agency}-261204-0012"
    assert len(code) == LONG_AGENCIES[agency]
    pdf = render_receipt(_longest(reprint=False, code=code), paper=paper)
    assert _pages(pdf) == 2
    for image in page_images(pdf, dpi=dpi):
        scan = image.filter(ImageFilter.GaussianBlur(0.6 * dpi / 150)).rotate(3, expand=True, fillcolor=255)
        assert decode(scan).get("Code128") == [code], (paper, dpi)


#: the longest dossier code (rules §11.3): a 35-character agency identifier, the date written
#: yyyymmdd and a 7-digit number, 52 characters
LONGEST_CODE = "G12.18.112.001.0001.0002.0003.00045-20261204-9999999"


@pytest.mark.parametrize("form", ["2018", "2025"])
@pytest.mark.parametrize("paper", ["A5", "A4"])
def test_the_longest_code_keeps_the_longest_receipt_on_its_sheet_and_reads_back(paper, form):
    """The Code128 of the longest code takes its own row under the QR code, within the paper;
    the longest receipt still takes one sheet per copy, and both symbols read back at 300 dpi."""
    from dataclasses import replace

    from oneStop.domain.codes import DOSSIER_CODE_MAX_LENGTH

    assert len(LONGEST_CODE) == DOSSIER_CODE_MAX_LENGTH
    doc = replace(_longest(reprint=True) if form == "2018" else _longest_2025(reprint=True), code=LONGEST_CODE)
    if form == "2025" and paper == "A5":  # as long as real ones run (the previous test)
        doc = replace(doc, owner_address="Số 7 ngõ 12 phố Trần Phú, phường Hạc Thành, tỉnh Thanh Hóa",
                      authorisation="Giấy ủy quyền số 12/UQ ngày 01/12/2026", address="Số 125 đường Lê Lợi, phường Điện Biên",
                      delivery_address="Thôn Đông, xã Quảng Phú, tỉnh Thanh Hóa", procedure_name="Đăng ký biến động đất đai")
    pdf = render_receipt(doc, paper=paper)
    assert _pages(pdf) == len(doc.copies) == 2
    for image, text in zip(page_images(pdf), page_texts(pdf)):
        found = decode(image)
        assert found.get("Code128") == [LONGEST_CODE] and found.get("QRCode") == [LONGEST_CODE], found
        assert LONGEST_CODE in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text


@pytest.mark.parametrize("code", [LONGEST_CODE, "W99.WMWMW.MWMWM.WWWWW.MMMMM.WMWMW.M-20261204-9999999"])
@pytest.mark.parametrize("paper", ["A5", "A4"])
def test_the_codes_text_is_whole_on_one_line_and_ends_before_the_qr_code(code, paper):
    """The code's text ran under the QR code, which painted over its date, and broke across
    lines (a 35-character identifier of wide letters, valid as QĐ 20/2020 writes them; two more
    digits of the date made the longest real one run to the QR's edge). Now it is one line that
    ends before the QR code, at 8 pt or more."""
    from dataclasses import replace

    from reportlab.pdfbase.pdfmetrics import stringWidth

    from oneStop.printing.layout import SERIF_BOLD

    pdf = render_receipt(replace(_longest(reprint=False), code=code), paper=paper)
    (x, _, size, _), = [s for s in _strings(pdf) if s[3] == code]
    qr = [r for r in zxingcpp.read_barcodes(page_images(pdf)[0]) if r.format.name == "QRCode"]
    assert [r.text for r in qr] == [code]
    qr_left = min(qr[0].position.top_left.x, qr[0].position.bottom_left.x) * 72 / 300
    assert size >= 8 - 0.01 and x + stringWidth(code, SERIF_BOLD, size) + 2 < qr_left, (x, size, qr_left)
