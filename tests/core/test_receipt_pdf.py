"""The receipt read back: barcodes decoded from a 300 dpi rendering, text extracted from the
PDF, fonts embedded, copies, reprints and paper sizes."""

from __future__ import annotations

import unicodedata
from dataclasses import replace
from datetime import datetime

import pytest

from oneStop import settings as S
from oneStop.domain.models import Applicant, ReturnMethod
from oneStop.printing.fonts import missing_glyphs
from oneStop.printing.receipt import ReceiptDocument, ReceiptLine, render_receipt
from tests.core.helpers import add_procedure, draft, publish_2018_forms, publish_code_form
from tests.core.pdf_tools import decode, font_names, page_images, page_sizes_mm, page_texts

TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"


@pytest.fixture
def procedure(app, admin):  # type: ignore[no-untyped-def]
    return add_procedure(app)


@pytest.fixture
def dossier(app, official, procedure):  # type: ignore[no-untyped-def]
    return app.reception.receive(official, draft())


def squash(text: str) -> str:
    """Extracted text with line breaks and doubled spaces removed, in NFC."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def test_both_barcodes_decode_back_to_the_dossier_code_on_every_copy(app, official, dossier):
    printed = app.printing.receipt(official, dossier.code)
    images = page_images(printed.pdf)
    assert len(images) == 2  # Liên 1 and Liên 2, one A5 page each
    for image in images:
        found = decode(image)
        assert found.get("Code128") == [dossier.code]
        assert found.get("QRCode") == [dossier.code]


@pytest.mark.parametrize("agency_code", ["000.17.22.H56", "G12.18.112.001", "G12.18.112.001.0001.0002.0003.00045"])
@pytest.mark.parametrize("paper", ["A5", "A4"])
@pytest.mark.parametrize("date_format", ["yymmdd", "yyyymmdd"])
def test_nothing_is_printed_in_the_code128s_quiet_zones_on_any_copy(tmp_path, clock, agency_code, paper, date_format):
    """«Liên 2: Giao người nộp» was printed over the symbol's right quiet zone (issue 15): ten
    modules of white on each side, as a scanner needs them. The code of a profile that writes
    the date yyyymmdd with 7 digits (rules §11.3) is the longest: 35 + 1 + 8 + 1 + 7 characters
    with a 35-character agency identifier; its Code128 and QR read back whole from 300 dpi."""
    import zxingcpp

    from oneStop.domain.codes import DOSSIER_CODE_MAX_LENGTH
    from oneStop.domain.models import Role
    from oneStop.services.app import App
    from tests.conftest import PASSWORD, setup_request

    with App(tmp_path / "quay", clock=clock) as app:
        admin = app.setup.set_up(setup_request(agency_code=agency_code))
        add_procedure(app)
        if date_format == "yyyymmdd":
            publish_code_form(app, admin)
        official = app.auth.add_user(admin, "cb1", "Nguyễn Thị Hoa", Role.OFFICIAL, PASSWORD)
        code = app.reception.receive(official, draft()).code
        pdf = app.printing.receipt(official, code, paper=paper).pdf
    if date_format == "yyyymmdd":
        assert code == f"{agency_code}-20261123-0000001"
        assert len(code) == DOSSIER_CODE_MAX_LENGTH or len(agency_code) < 35
    quiet = round(10 * 0.2117 / 25.4 * 300) - 2  # ten of the narrowest modules, in pixels at 300 dpi
    for number, image in enumerate(page_images(pdf), 1):
        (symbol,) = [r for r in zxingcpp.read_barcodes(image) if r.format.name == "Code128"]
        assert symbol.text == code
        assert decode(image).get("QRCode") == [code]
        corners = symbol.position
        top = min(corners.top_left.y, corners.top_right.y)
        bottom = max(corners.bottom_left.y, corners.bottom_right.y)
        left = min(corners.top_left.x, corners.bottom_left.x)
        right = max(corners.top_right.x, corners.bottom_right.x)
        assert 0 <= left - 3 - quiet and right + 3 + quiet < image.width  # the symbol and its quiet zones on the paper
        pixels = image.load()
        for x0, x1 in ((right + 3, right + 3 + quiet), (left - 3 - quiet, left - 3)):
            dark = [(x, y) for x in range(max(0, x0), x1) for y in range(top, bottom + 1) if pixels[x, y] < 160]
            assert not dark, (paper, agency_code, f"Liên {number}", dark[:3])


def test_the_vietnamese_text_reads_back_from_the_pdf(app, official, dossier):
    pages = [squash(t) for t in page_texts(app.printing.receipt(official, dossier.code).pdf)]
    first, second = pages
    assert TITLE in first
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
    assert "Độc lập - Tự do - Hạnh phúc" in first
    assert "Nguyễn Thị Hường" in first
    assert "Thủ tục thử nghiệm năm ngày" in first
    assert dossier.code in first
    assert "Liên 1: Lưu" in first and "Liên 2: Giao người nộp" in second
    # received Monday 23/11 09:15; 24/11 is a day off (Ngày Văn hóa Việt Nam, from 2026):
    # five working days end on Tuesday 1/12 at the same time
    assert "09 giờ 15 phút, ngày 01 tháng 12 năm 2026" in first
    assert "Phí, lệ phí đã thu: 20.000 đồng" in first
    assert "BẢN IN LẠI" not in first


def test_only_the_bundled_font_is_used_and_it_is_embedded(app, official, dossier):
    fonts = font_names(app.printing.receipt(official, dossier.code).pdf)
    assert fonts, "no fonts found"
    assert all(embedded for _, embedded in fonts), fonts
    assert all("LiberationSerif" in name for name, _ in fonts), fonts


def test_a_reprint_says_so_with_its_time_and_still_scans(app, official, dossier, clock):
    app.printing.receipt(official, dossier.code)
    clock.advance(days=1, hours=1)  # Tuesday 24/11 10:15
    again = app.printing.receipt(official, dossier.code)
    assert again.reprint
    text = squash(page_texts(again.pdf)[0])
    assert "BẢN IN LẠI lúc 10:15 ngày 24/11/2026" in text
    assert decode(page_images(again.pdf)[0]).get("Code128") == [dossier.code]


def test_paper_is_a5_by_default_and_a4_by_setting_or_request(app, admin, official, dossier):
    assert page_sizes_mm(app.printing.receipt(official, dossier.code).pdf) == [(148, 210)] * 2
    assert page_sizes_mm(app.printing.receipt(official, dossier.code, paper="a4").pdf) == [(210, 297)] * 2
    app.settings.set(admin, S.RECEIPT_PAPER, "A4")
    printed = app.printing.receipt(official, dossier.code)
    assert printed.paper == "A4" and page_sizes_mm(printed.pdf) == [(210, 297)] * 2


def test_return_by_post_prints_the_delivery_address(app, official, procedure):
    d = app.reception.receive(
        official, draft(return_method=ReturnMethod.POST, delivery_address="Số 5 ngõ 7, phố Huế, Hà Nội")
    )
    text = squash(page_texts(app.printing.receipt(official, d.code).pdf)[0])
    assert "qua dịch vụ bưu chính công ích" in text
    assert "Số 5 ngõ 7, phố Huế, Hà Nội" in text


def test_decomposed_input_prints_composed(app, official, procedure):
    nfd = unicodedata.normalize("NFD", "Trần Thị Ngọc Ánh")
    d = app.reception.receive(official, draft(applicant=Applicant(name=nfd, citizen_id="038190012345", address="Thôn 1, xã Quảng Phú")))
    text = page_texts(app.printing.receipt(official, d.code).pdf)[0]
    assert "Trần Thị Ngọc Ánh" in unicodedata.normalize("NFC", text)


def _document(**overrides) -> ReceiptDocument:  # type: ignore[no-untyped-def]
    values = dict(
        code="000.17.22.H56-261123-0042",
        receiving_unit="Bộ phận tiếp nhận và trả kết quả UBND xã Quảng Phú",
        managing_agency="UBND xã Quảng Phú",
        place="Quảng Phú",
        applicant_name="Lê Văn Đức",
        procedure_name="Đăng ký kết hôn",
        received_at=datetime(2026, 11, 23, 9, 15),
        due_at=datetime(2026, 11, 24, 9, 15),
    )
    values.update(overrides)
    return ReceiptDocument(**values)


def test_a_long_document_list_continues_on_a_next_page_and_nothing_is_cut():
    lines = tuple(ReceiptLine(f"Giấy tờ số {i} kèm theo hồ sơ đất đai", "ban_sao_chung_thuc", 1) for i in range(1, 41))
    pdf = render_receipt(_document(documents=lines, copies=("Liên 1: Lưu",)))
    texts = [squash(t) for t in page_texts(pdf)]
    assert len(texts) >= 2
    joined = " ".join(texts)
    for i in range(1, 41):
        assert f"Giấy tờ số {i} kèm theo" in joined
    assert "(Liên 1: Lưu, tiếp theo)" in texts[1]
    assert "NGƯỜI TIẾP NHẬN HỒ SƠ" in texts[-1]
    assert decode(page_images(pdf)[0]).get("Code128") == ["000.17.22.H56-261123-0042"]


@pytest.mark.parametrize("code", ["000.17.22.H56-261123-1234567", "000.17.22.H56-20261123-1234567",
                                  "G12.18.112.001.0001.0002.0003.00045-20261123-9999999"])
@pytest.mark.parametrize("paper", ["A5", "A4"])
def test_a_seven_digit_sequence_still_fits_and_scans(code, paper):
    """And with the date written yyyymmdd (rules §11.3): the longest code there is, at 300 dpi."""
    pdf = render_receipt(_document(code=code, copies=("Liên 1: Lưu",)), paper=paper)
    assert decode(page_images(pdf)[0]) == {"Code128": [code], "QRCode": [code]}
    assert code in squash(page_texts(pdf)[0])  # the code's text whole, on one line


def test_a_character_outside_the_font_prints_as_a_question_mark_not_a_blank():
    pdf = render_receipt(_document(applicant_name="Lê Văn Đức \u4e2d", copies=("Liên 1",)))
    assert "Lê Văn Đức ?" in squash(page_texts(pdf)[0])


def test_the_font_covers_every_vietnamese_letter():
    lower = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
    assert missing_glyphs(lower + lower.upper() + "–—…“”‘’₫№") == set()


def test_organisation_and_owner_lines(app, admin, official, procedure):
    """The 2018 form names the owner on one line (the 2025 proxy block: test_receipt_2025)."""
    publish_2018_forms(app, admin)
    d = app.reception.receive(
        official,
        draft(
            applicant=Applicant(name="Công ty TNHH Hòa Bình", is_organisation=True, tax_code="0101234567", address="Số 1 Lê Lợi, TP Thanh Hóa"),
            owner=Applicant(name="Phạm Thị Lan", citizen_id="001190012345"),
        ),
    )
    text = squash(page_texts(app.printing.receipt(official, d.code).pdf)[0])
    assert "tiếp nhận hồ sơ của tổ chức: Công ty TNHH Hòa Bình" in text
    assert "Chủ hồ sơ: Phạm Thị Lan" in text


def test_replace_keeps_the_document_frozen():
    doc = _document()
    with pytest.raises(AttributeError):
        doc.code = "x"  # type: ignore[misc]
    assert replace(doc, sets=2).sets == 2
