"""The baseline for the receipt benchmark: the same content (text lines, fonts, Code128 bars,
QR code, one page per copy) drawn with plain reportlab calls at fixed positions, with no
layout logic, no database and no event. ``save_and_receipt_ms / bare_page_ms`` is then the
price of everything oneStop adds: validation, the transaction, wrapping and layout."""

from __future__ import annotations

import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from barcode.codex import Code128  # noqa: E402
from reportlab.graphics import renderPDF  # noqa: E402
from reportlab.graphics.barcode.qr import QrCodeWidget  # noqa: E402
from reportlab.graphics.shapes import Drawing  # noqa: E402
from reportlab.lib.pagesizes import A5  # noqa: E402
from reportlab.lib.units import mm  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from oneStop.printing import fonts  # noqa: E402  (registers the same TTF files)
from oneStop.printing.receipt import ReceiptDocument  # noqa: E402


def _lines(doc: ReceiptDocument) -> list[tuple[str, str]]:
    return [
        (fonts.SERIF, doc.managing_agency.upper()),
        (fonts.SERIF_BOLD, doc.receiving_unit.upper()),
        (fonts.SERIF_BOLD, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        (fonts.SERIF_BOLD, "Độc lập - Tự do - Hạnh phúc"),
        (fonts.SERIF_ITALIC, f"{doc.place}, ngày {doc.received_at:%d} tháng {doc.received_at:%m} năm {doc.received_at:%Y}"),
        (fonts.SERIF_BOLD, doc.title),
        (fonts.SERIF, f"Mã hồ sơ: {doc.code}"),
        (fonts.SERIF, f"{doc.receiving_unit} tiếp nhận hồ sơ của: {doc.applicant_name}"),
        (fonts.SERIF, f"Địa chỉ: {doc.address}"),
        (fonts.SERIF, f"Số điện thoại: {doc.phone}   Số định danh cá nhân: {doc.citizen_id}"),
        (fonts.SERIF, f"Nội dung yêu cầu giải quyết: {doc.procedure_name}"),
        (fonts.SERIF, "1. Thành phần hồ sơ nộp gồm:"),
        *[(fonts.SERIF, f"{i}. {d.name}   {d.count}") for i, d in enumerate(doc.documents, 1)],
        (fonts.SERIF, f"2. Số lượng hồ sơ: {doc.sets:02d} (bộ)"),
        (fonts.SERIF, f"3. Thời gian giải quyết hồ sơ theo quy định: {doc.processing_days:02d} ngày làm việc"),
        (fonts.SERIF, f"4. Thời gian nhận hồ sơ: {doc.received_at:%H} giờ {doc.received_at:%M} phút, ngày {doc.received_at:%d/%m/%Y}"),
        (fonts.SERIF_BOLD, f"5. Thời gian trả kết quả: {doc.due_at:%H} giờ {doc.due_at:%M} phút, ngày {doc.due_at:%d/%m/%Y}"),
        (fonts.SERIF, f"6. Đăng ký nhận kết quả tại: {doc.receiving_unit}"),
        (fonts.SERIF_ITALIC, f"Vào Sổ theo dõi hồ sơ, Quyển số: {doc.register_volume} Số thứ tự: {doc.register_number}"),
        (fonts.SERIF_BOLD, "NGƯỜI NỘP HỒ SƠ        NGƯỜI TIẾP NHẬN HỒ SƠ"),
        (fonts.SERIF_ITALIC, "(Ký và ghi rõ họ tên)        (Ký và ghi rõ họ tên)"),
        (fonts.SERIF_BOLD, f"{doc.applicant_name}        {doc.official_name}"),
        (fonts.SERIF_ITALIC, f"Phí, lệ phí đã thu: {doc.fee} đồng."),
        (fonts.SERIF_BOLD_ITALIC, "Khi đến nhận kết quả, Ông/Bà mang theo Giấy này."),
    ]


def render_bare_page(doc: ReceiptDocument) -> bytes:
    fonts.register()
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A5, initialFontName=fonts.SERIF)
    width, height = A5
    modules = "".join(Code128(doc.code, writer=None).build())
    for number, copy in enumerate(doc.copies):
        if number:
            c.showPage()
        y = height - 30
        for font, text in _lines(doc):
            c.setFont(font, 10)
            c.drawString(40, y, text)
            y -= 13
        c.drawString(260, height - 120, copy)
        module = 0.254 * mm
        start = None
        for i, m in enumerate(modules + "0"):  # one rectangle per bar
            if m == "1" and start is None:
                start = i
            elif m == "0" and start is not None:
                c.rect(40 + start * module, height - 150, (i - start) * module, 10 * mm, stroke=0, fill=1)
                start = None
        qr = QrCodeWidget(doc.qr_text or doc.code)
        x0, y0, x1, y1 = qr.getBounds()
        drawing = Drawing(19 * mm, 19 * mm, transform=[19 * mm / (x1 - x0), 0, 0, 19 * mm / (y1 - y0), 0, 0])
        drawing.add(qr)
        renderPDF.draw(drawing, c, width - 80, height - 150)
    c.save()
    return buffer.getvalue()
