"""The handover list with the postal service (rules §2.7): "PHIẾU BÀN GIAO KẾT QUẢ GIẢI QUYẾT
TTHC" for results leaving, "DANH SÁCH BÀN GIAO HỒ SƠ" for dossiers arriving. A4 landscape,
two copies, a barcode for the batch and one for each item, signature blocks for both sides."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from oneStop.printing import fonts
from oneStop.printing.barcodes import code128_width, draw_code128
from oneStop.printing.layout import SERIF, SERIF_BOLD, SERIF_ITALIC, PageWriter, money, paper as paper_of, vn_date

TITLE_OUT = "PHIẾU BÀN GIAO KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
TITLE_IN = "DANH SÁCH BÀN GIAO HỒ SƠ"
MODULE = 0.254 * mm  # 3 dots at 300 dpi
BAR_HEIGHT = 7 * mm


@dataclass(frozen=True)
class HandoverLine:
    code: str
    procedure: str
    sets: int
    owner: str
    address: str
    phone: str
    tracking: str
    received_at: datetime | None  # local
    due_at: datetime | None  # local
    fee: int = 0
    note: str = ""


@dataclass(frozen=True)
class HandoverListDocument:
    direction: str  # "out" | "in"
    number: str
    managing_agency: str
    unit: str
    place: str
    postal_unit: str
    staff_name: str
    staff_id: str
    official_name: str
    printed_at: datetime  # local
    closed_at: datetime | None
    lines: tuple[HandoverLine, ...]
    copies: tuple[str, ...] = ("Liên 1: Cơ quan giữ", "Liên 2: Bưu chính giữ")


def render_handover_list(doc: HandoverListDocument) -> bytes:
    fonts.register()
    page = paper_of("A4L")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(page.width, page.height), initialFontName=SERIF, initialFontSize=page.body)
    title = TITLE_OUT if doc.direction == "out" else TITLE_IN
    canvas.setTitle(f"{title} {doc.number}")
    canvas.setCreator("oneStop")
    for number, copy in enumerate(doc.copies):
        if number:
            canvas.showPage()
        _draw_copy(canvas, page, doc, title, copy)
    canvas.save()
    return buffer.getvalue()


def _draw_copy(canvas: Canvas, page, doc: HandoverListDocument, title: str, copy: str) -> None:  # type: ignore[no-untyped-def]
    w = PageWriter(canvas, page, on_new_page=lambda w: w.line(f"{title} — lô {doc.number} ({copy}, tiếp theo)",
                                                              font=SERIF_ITALIC, size=8))
    w.header(doc.managing_agency, doc.unit, vn_date(doc.printed_at, doc.place))
    w.line(title, font=SERIF_BOLD, size=page.title, align="center", leading=page.title * 1.3)
    top = w.y
    width = code128_width(doc.number, MODULE)
    draw_code128(canvas, doc.number, w.x + w.width - width, top - BAR_HEIGHT, module=MODULE, height=BAR_HEIGHT)
    w.line(f"Lô số: {doc.number}      {copy}", font=SERIF_BOLD)
    when = doc.closed_at or doc.printed_at
    w.line(f"Thời gian bàn giao: {when:%H} giờ {when:%M} phút, ngày {when:%d/%m/%Y}      "
           f"Tổng số: {len(doc.lines)} hồ sơ")
    w.line(f"Đơn vị bưu chính: {doc.postal_unit}      Nhân viên bưu chính: {doc.staff_name}"
           + (f" (mã {doc.staff_id})" if doc.staff_id else ""))
    w.y = min(w.y, top - BAR_HEIGHT - 2 * mm)
    w.skip(2 * mm)
    code_room = (code128_width(doc.lines[0].code, MODULE) if doc.lines else 60 * mm) + 2 * mm
    code_share = code_room / w.width
    rest = 1 - 0.03 - code_share
    if doc.direction == "out":
        headers = ("TT", "Mã hồ sơ", "Nội dung (thủ tục)", "Số lượng (bộ)", "Họ tên chủ hồ sơ", "Địa chỉ nhận kết quả",
                   "Số điện thoại", "Số hiệu bưu gửi", "Ghi chú")
        shares = (0.24, 0.06, 0.16, 0.21, 0.1, 0.16, 0.07)
        cells = [[str(i), line.code, line.procedure, str(line.sets), line.owner, line.address, line.phone,
                  line.tracking, line.note] for i, line in enumerate(doc.lines, 1)]
    else:
        headers = ("TT", "Mã hồ sơ", "Nội dung (thủ tục)", "Số lượng (bộ)", "Họ tên người nộp", "Địa chỉ, số điện thoại",
                   "Nhận hồ sơ / Hẹn trả", "Số hiệu bưu gửi", "Phí bưu chính thu hộ", "Ghi chú")
        shares = (0.18, 0.05, 0.13, 0.17, 0.13, 0.16, 0.09, 0.09)
        cells = [[str(i), line.code, line.procedure, str(line.sets), line.owner,
                  ", ".join(x for x in (line.address, line.phone) if x),
                  f"{line.received_at:%H:%M %d/%m/%Y}\n{line.due_at:%H:%M %d/%m/%Y}" if line.received_at and line.due_at
                  else "", line.tracking, money(line.fee) if line.fee else "", line.note]
                 for i, line in enumerate(doc.lines, 1)]
    widths = (0.03, code_share) + tuple(rest * s for s in shares)
    size = 8.0
    leading = size * 1.2

    def barcode(index: int, lefts: list[float], top: float, height: float) -> None:
        code = doc.lines[index].code
        if code:
            draw_code128(canvas, code, lefts[1] + 1 * mm, top - height + 1 * mm, module=MODULE, height=BAR_HEIGHT)

    w.table(headers, cells or [[""] * len(headers)], widths, size=size,
            align=("center", "left", "left", "center") + ("left",) * (len(headers) - 4),
            min_heights=[leading * 2 + BAR_HEIGHT + 2 * mm] * len(cells) if cells else None,
            after_row=barcode if cells else None)
    giver, taker = ("BÊN GIAO (CƠ QUAN)", "BÊN NHẬN (BƯU CHÍNH)") if doc.direction == "out" else (
        "BÊN GIAO (BƯU CHÍNH)", "BÊN NHẬN (CƠ QUAN)")
    names = (doc.official_name, doc.staff_name) if doc.direction == "out" else (doc.staff_name, doc.official_name)
    w.signatures(((giver, names[0]), (taker, names[1])))
