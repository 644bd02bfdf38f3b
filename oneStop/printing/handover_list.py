"""The handover list with the postal service (rules §2.7): "PHIẾU BÀN GIAO KẾT QUẢ GIẢI QUYẾT
TTHC" for results leaving, "DANH SÁCH BÀN GIAO HỒ SƠ" for dossiers arriving. A4 landscape,
two copies, a barcode for the batch and one for each item, signature blocks for both sides."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from oneStop.printing import fonts
from oneStop.printing.barcodes import code128_width, draw_code128
from oneStop.printing.layout import SERIF, SERIF_BOLD, SERIF_ITALIC, PageWriter, money, paper as paper_of, vn_date

TITLE_OUT = "PHIẾU BÀN GIAO KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"
TITLE_IN = "DANH SÁCH BÀN GIAO HỒ SƠ"
MODULE = 0.254 * mm  # 3 dots at 300 dpi
BAR_HEIGHT = 7 * mm
CELL_SIZE = 8.0
MIN_MODULE = 0.2117 * mm  # 5 dots at 600 dpi, as on the receipt: still read at 300 dpi
CODE_SHARE_MAX = 0.4  # of the usable width: a longer symbol is drawn finer (down to MIN_MODULE) rather than wider


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
    fee: int = 0  # out: the fee of the dossier; in: the postal fee collected on our behalf
    note: str = ""
    result: str = ""  # out: what is handed over (the result's name as recorded)
    status: str = ""  # out: the dossier's state, as its label
    fee_collected: int = 0  # out: what was already collected for the dossier


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
    pads = CELL_SIZE * 0.3 * 2 + 1 * mm

    def one_line(texts: list[str], least: float) -> float:
        """The width that keeps the longest of ``texts`` on one line in its cell, as a share."""
        return max([stringWidth(t, SERIF, CELL_SIZE) + pads for t in texts if t] + [least]) / w.width

    codes = [line.code for line in doc.lines if line.code]
    # Codes and tracking numbers print on one line, never broken: the code's column is as wide as
    # the longest code's text and, room permitting, its barcode at the standard module; a longer
    # barcode (the 2025 codes run to 50 characters) is drawn with a finer module rather than wider.
    widest = max((code128_width(c, MODULE) for c in codes), default=0)
    module = MODULE if widest + 2 * mm <= CODE_SHARE_MAX * w.width else max(
        MIN_MODULE, MODULE * (CODE_SHARE_MAX * w.width - 2 * mm) / widest)
    code_share = max(one_line(codes, 45 * mm), (widest * module / MODULE + 2 * mm) / w.width)
    track_share = one_line([line.tracking for line in doc.lines] + ["RR123456785VN"], 0)
    if doc.direction == "out":
        headers = ("TT", "Mã hồ sơ", "Nội dung (thủ tục)", "Số lượng (bộ)", "Họ tên chủ hồ sơ",
                   "Kết quả giải quyết (tên, tình trạng)", "Phí, lệ phí (đồng)",
                   "Đăng ký trả kết quả qua bưu điện (địa chỉ, số điện thoại)", "Số hiệu bưu gửi", "Ghi chú")
        shares = (0.19, 0.15, 0.19, 0.16, 0.20, 0.11)  # of what the fixed columns leave
        cells = [[str(i), line.code, line.procedure, str(line.sets), line.owner,
                  "\n".join(x for x in (line.result or "Kết quả giải quyết TTHC", line.status) if x),
                  _fee_cell(line), ", ".join(x for x in (line.address, line.phone) if x), line.tracking, line.note]
                 for i, line in enumerate(doc.lines, 1)]
    else:
        headers = ("TT", "Mã hồ sơ", "Nội dung (thủ tục)", "Số lượng (bộ)", "Họ tên người nộp", "Địa chỉ, số điện thoại",
                   "Nhận hồ sơ / Hẹn trả", "Số hiệu bưu gửi", "Phí bưu chính thu hộ", "Ghi chú")
        shares = (0.26, 0.17, 0.27, 0.16, 0.14)
        cells = [[str(i), line.code, line.procedure, str(line.sets), line.owner,
                  ", ".join(x for x in (line.address, line.phone) if x),
                  f"{line.received_at:%H:%M %d/%m/%Y}\n{line.due_at:%H:%M %d/%m/%Y}" if line.received_at and line.due_at
                  else "", line.tracking, money(line.fee) if line.fee else "", line.note]
                 for i, line in enumerate(doc.lines, 1)]
    # fixed: the number, the code, the count of sets (its header word unbroken), the tracking number
    fixed = {0: 0.03, 1: code_share, 3: (stringWidth("lượng", SERIF_BOLD, CELL_SIZE) + pads) / w.width,
             headers.index("Số hiệu bưu gửi"): track_share}
    if "Nhận hồ sơ / Hẹn trả" in headers:  # a time and date never broken across lines
        fixed[headers.index("Nhận hồ sơ / Hẹn trả")] = one_line(["00:00 00/00/0000"], 0)
    rest = 1 - sum(fixed.values())
    flexible = iter(shares)
    widths = tuple(fixed[i] if i in fixed else rest * next(flexible) for i in range(len(headers)))
    size = CELL_SIZE
    leading = size * 1.2

    def barcode(index: int, lefts: list[float], top: float, height: float) -> None:
        code = doc.lines[index].code
        if code:
            draw_code128(canvas, code, lefts[1] + 1 * mm, top - height + 1 * mm, module=module, height=BAR_HEIGHT)

    w.table(headers, cells or [[""] * len(headers)], widths, size=size,
            align=("center", "left", "left", "center") + ("left",) * (len(headers) - 4),
            min_heights=[leading * 2 + BAR_HEIGHT + 2 * mm] * len(cells) if cells else None,
            after_row=barcode if cells else None)
    giver, taker = ("BÊN GIAO (CƠ QUAN)", "BÊN NHẬN (BƯU CHÍNH)") if doc.direction == "out" else (
        "BÊN GIAO (BƯU CHÍNH)", "BÊN NHẬN (CƠ QUAN)")
    names = (doc.official_name, doc.staff_name) if doc.direction == "out" else (doc.staff_name, doc.official_name)
    w.signatures(((giver, names[0]), (taker, names[1])))


def _fee_cell(line: HandoverLine) -> str:
    """What the post collects on delivery and what was already paid (rules §2.7)."""
    if not line.fee and not line.fee_collected:
        return "Không thu"
    due = max(line.fee - line.fee_collected, 0)
    return f"Phải nộp: {_amount(line.fee)}\nĐã thu: {_amount(line.fee_collected)}\nThu khi giao: {_amount(due)}"


def _amount(value: int) -> str:
    """Whole đồng with dots between thousands, the unit in the column's header."""
    return f"{value:,}".replace(",", ".")
