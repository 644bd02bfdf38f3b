"""Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả (rules §2.1), as PDF bytes.

One sheet per copy ("Liên 1: Lưu", "Liên 2: Giao người nộp"): a copy whose content does not fit
is drawn with tighter spacing, then smaller type down to a floor (8 pt), and only then
continues on a further page that repeats the code. The dossier code is printed as text, as a Code128 barcode drawn
from python-barcode's module pattern, and as a QR code. A reprint carries "BẢN IN LẠI" with
its time, in the body and as a watermark.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, replace
from datetime import datetime

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from oneStop.printing import fonts
from oneStop.printing.barcodes import code128_modules, code128_width, draw_code128, draw_qr
from oneStop.printing.layout import (
    SERIF,
    SERIF_BOLD,
    SERIF_BOLD_ITALIC,
    SERIF_ITALIC,
    PageWriter,
    fit_size,
    money,
    paper as paper_of,
    vn_date,
    vn_time,
)

FORM_COLUMNS = ("ban_chinh", "ban_sao_chung_thuc", "ban_photo")
REPRINT = "BẢN IN LẠI"
#: a 600 dpi printer dot, in points: bar widths are whole dots so every bar prints alike
DOT = 72 / 600
#: the Code128 module wanted: 10 dots at 600 dpi (0.42 mm); beside the QR code only if at least
#: 9 dots (0.38 mm) fit there: narrower bars do not read from a slightly blurred 150 dpi scan
MODULE = 10 * DOT
MODULE_BESIDE_QR = 9 * DOT
#: tan 4°: how far a scan line held 4° off the bars drifts across the symbol's width
TILT_SLOPE = 0.07
#: spacing factors tried before the type gets smaller, and the smallest body size, in points,
#: on any paper (legibility is a size on the page, not a share of the paper's usual type),
#: before a copy is allowed to continue on a second sheet
SPACINGS = (1.0, 0.8, 0.6)
SMALLEST_BODY = 8.0


@dataclass(frozen=True)
class ReceiptLine:
    """One received document: its name, its form (a ``DocumentForm`` value) and count."""

    name: str
    form: str
    count: int = 1
    #: taken from VNeID or a national database (Chỉ thị 24/CT-TTg): named as such, no paper counted
    from_data: bool = False


@dataclass(frozen=True)
class ReceiptDocument:
    """Everything printed on the receipt, already in local time and words."""

    code: str
    receiving_unit: str
    applicant_name: str
    procedure_name: str
    received_at: datetime
    due_at: datetime
    managing_agency: str = ""
    place: str = ""
    form_number: str = "Mẫu số 01"
    title: str = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"
    owner_name: str = ""
    organisation: bool = False
    address: str = ""
    phone: str = ""
    email: str = ""
    citizen_id: str = ""
    documents: tuple[ReceiptLine, ...] = ()
    sets: int = 1
    processing_days: int = 0
    processing_hours: int = 0
    return_by_post: bool = False
    delivery_address: str = ""
    register_volume: str = ""
    register_number: int = 0
    fee: int = 0
    official_name: str = ""
    lookup_url: str = ""
    hotline: str = ""
    qr_text: str = ""
    priority: bool = False
    printed_at: datetime | None = None
    reprint_at: datetime | None = None
    copies: tuple[str, ...] = ("Liên 1: Lưu", "Liên 2: Giao người nộp")
    # --- what a profile's form adds (Thông tư 03/2025, Mẫu 01) ---
    #: "Số: 12/GTN" under the header; "" prints none (the 2018 form)
    document_number: str = ""
    #: the line "Số định danh cá nhân/tổ chức" always printed (dotted when unknown)
    identification: bool = False
    tax_code: str = ""
    #: someone files for the owner: the owner's block (name, address, ID, phone, e-mail) and
    #: the authorisation paper, instead of the single "Chủ hồ sơ" line
    proxy: bool = False
    owner_address: str = ""
    owner_citizen_id: str = ""
    owner_phone: str = ""
    owner_email: str = ""
    authorisation: str = ""
    #: "Vào Sổ theo dõi hồ sơ (nếu có)": the book may be electronic only
    book_reference_optional: bool = False
    privacy_notice: str = ""
    #: (title, name printed under it[, note]); () is the 2018 pair (applicant, receiving official)
    signers: tuple[tuple[str, ...], ...] = ()


def processing_time(days: int, hours: int) -> str:
    """The legal processing time in words.

    >>> processing_time(5, 0)
    '05 ngày làm việc'
    >>> processing_time(0, 8)
    '08 giờ làm việc'
    >>> processing_time(1, 4)
    '01 ngày 04 giờ làm việc'
    >>> processing_time(0, 0)
    'trả kết quả ngay trong ngày'
    """
    if days and hours:
        return f"{days:02d} ngày {hours:02d} giờ làm việc"
    if days:
        return f"{days:02d} ngày làm việc"
    if hours:
        return f"{hours:02d} giờ làm việc"
    return "trả kết quả ngay trong ngày"


def render_receipt(doc: ReceiptDocument, *, paper: str = "A5") -> bytes:
    """The receipt as PDF bytes, one copy after the other."""
    fonts.register()
    page = paper_of(paper)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(page.width, page.height), initialFontName=SERIF, initialFontSize=page.body)
    canvas.setTitle(f"{doc.title} {doc.code}")
    canvas.setAuthor(doc.receiving_unit)
    canvas.setSubject(doc.code)
    canvas.setCreator("oneStop")
    for number, copy in enumerate(doc.copies or ("",)):
        if number:
            canvas.showPage()
        fitted, spacing = _fit(doc, page, copy)
        _draw_copy(canvas, doc, fitted, copy, spacing)
    canvas.save()
    return buffer.getvalue()


def _scaled(page, body: float):  # type: ignore[no-untyped-def]
    factor = body / page.body
    return replace(page, body=body, heading=page.heading * factor, title=page.title * factor)


def _fit(doc: ReceiptDocument, page, copy: str):  # type: ignore[no-untyped-def]
    """The paper (with its type sizes) and spacing at which one copy takes one sheet: first
    tighter spacing, then smaller type by half points down to the floor. If nothing fits, the
    floor: the copy continues on a further sheet."""
    tries = [(page.body, s) for s in SPACINGS]
    body = page.body - 0.5
    floor = SMALLEST_BODY
    while body >= floor:
        tries.append((body, SPACINGS[-1]))
        body -= 0.5
    for body, spacing in tries:
        fitted = _scaled(page, body)
        scratch = Canvas(io.BytesIO(), pagesize=(page.width, page.height))
        if _draw_copy(scratch, doc, fitted, copy, spacing) == 1:
            return fitted, spacing
    return _scaled(page, tries[-1][0]), tries[-1][1]


def _draw_copy(canvas: Canvas, doc: ReceiptDocument, page, copy: str, spacing: float = 1.0) -> int:  # type: ignore[no-untyped-def]
    """Draw one copy; returns the number of sheets it took."""
    body = page.body
    gap = body * spacing
    reprint_line = f"{REPRINT} lúc {doc.reprint_at:%H:%M ngày %d/%m/%Y}" if doc.reprint_at else ""

    def continuation(w: PageWriter) -> None:
        if reprint_line:
            w.watermark(REPRINT)
        w.line(f"{doc.title} — {doc.code} ({copy}, tiếp theo)", font=SERIF_ITALIC, size=body * 0.9)
        w.skip(gap * 0.3)

    w = PageWriter(canvas, page, on_new_page=continuation)
    w.spacing = spacing
    if reprint_line:
        w.watermark(REPRINT)
    w.header(doc.managing_agency, doc.receiving_unit, vn_date(doc.received_at, doc.place), form_number=doc.form_number,
             number=doc.document_number)

    # 1. title
    title_size = fit_size(doc.title, SERIF_BOLD, page.title, w.width)
    w.line(doc.title, font=SERIF_BOLD, size=title_size, align="center", leading=title_size * (1 + 0.35 * spacing))
    if reprint_line:
        w.line(reprint_line, font=SERIF_BOLD, size=body, align="center")

    # 2–3. the code, its barcode and QR, the copy marker
    bar_height = (10 if spacing >= 1 else 8) * mm  # a tilted scan still crosses 8 mm of bars
    qr_size = 19 * mm
    block_top = w.y
    # the code's text ends before the QR code (drawn 19 mm wide, or 15), never under it: the
    # longest code (52 characters, a 35-character identifier and the date written yyyymmdd)
    # takes slightly smaller type; one of wide letters the floor's, else a line of its own
    room = w.width - 19 * mm + 1 * mm
    label_width = stringWidth("Mã hồ sơ: ", SERIF, body * 1.05) + stringWidth(doc.code, SERIF_BOLD, body * 1.05)
    code_size = max(SMALLEST_BODY, min(body * 1.05, body * 1.05 * room / label_width * 0.999))
    code_line_end = w.x + stringWidth("Mã hồ sơ: ", SERIF, code_size) + stringWidth(doc.code, SERIF_BOLD, code_size)
    if code_line_end - w.x <= room:
        w.rich([("Mã hồ sơ: ", SERIF), (doc.code, SERIF_BOLD)], size=code_size)
    else:
        w.rich([("Mã hồ sơ:", SERIF)], size=code_size)
        code_size = fit_size(doc.code, SERIF_BOLD, code_size, room, minimum=SMALLEST_BODY)
        w.rich([(doc.code, SERIF_BOLD)], size=code_size, width=room)
    modules = len(code128_modules(doc.code))
    module = min(MODULE, math.floor((w.width - qr_size) / ((modules + 20) * DOT) - 1e-6) * DOT)
    beside_qr = module >= MODULE_BESIDE_QR
    if not beside_qr:
        # a long code (agency identifiers up to 35 characters, QĐ 20/2020): the symbol takes its
        # own row under the QR, the whole width with its quiet zones in the margins; bars of
        # whole printer dots, narrower than wanted (never under 5 at 600 dpi) only if the row
        # is too short for it. A copy being fitted on one sheet takes a smaller QR code.
        module = max(5 * DOT, min(MODULE, (w.width // (modules * DOT)) * DOT))
        if spacing < 1:
            qr_size = 15 * mm
    qr_x = w.x + w.width - qr_size + 2 * mm
    qr_bottom = block_top - qr_size + body * 0.2
    draw_qr(canvas, doc.qr_text or doc.code, qr_x, qr_bottom, qr_size)
    # a scan line tilted 4° must cross the whole symbol: the wider the symbol (a long code on
    # its own row, A4), the taller its bars
    bar_height = max(bar_height, code128_width(doc.code, module) * TILT_SLOPE)
    bar_y = (w.y if beside_qr else qr_bottom - gap * 0.3) - bar_height - gap * 0.1
    draw_code128(canvas, doc.code, w.x - 10 * module, bar_y, module=module, height=bar_height)
    below = min(bar_y, qr_bottom) - gap * 0.3
    if copy:
        # the copy marker never in the symbol's quiet zone: on the code's line, between the code
        # and the QR, if it fits there; else, with the symbol on its own row, beside the QR;
        # else on a line of its own under the QR
        label = fonts.printable(copy, SERIF_ITALIC)
        canvas.setFont(SERIF_ITALIC, body)
        if code_line_end + 3 * mm + stringWidth(label, SERIF_ITALIC, body) <= qr_x - 2 * mm:
            canvas.drawRightString(qr_x - 2 * mm, block_top - code_size, label)
        elif not beside_qr:
            canvas.drawRightString(qr_x - 2 * mm, qr_bottom + body * 0.3, label)
        else:
            canvas.drawRightString(w.x + w.width, below - body, label)
            below -= body * 1.2
    w.y = below
    # the symbol never runs into the QR nor off the paper
    assert code128_width(doc.code, module) < (w.width - qr_size if beside_qr else w.width + 20 * module + 1)

    # 4–6. who submitted what
    who = " tiếp nhận hồ sơ của tổ chức: " if doc.organisation else " tiếp nhận hồ sơ của: "
    w.rich([(doc.receiving_unit, SERIF), (who, SERIF), (doc.applicant_name, SERIF_BOLD)])
    if doc.owner_name and not doc.proxy:
        w.rich([("Chủ hồ sơ: ", SERIF), (doc.owner_name, SERIF_BOLD)])
    if doc.identification:
        w.rich([("Số định danh cá nhân/tổ chức: ", SERIF), (doc.citizen_id or doc.tax_code or DOTS, SERIF)])
    w.rich([("Địa chỉ: ", SERIF), (doc.address or "……………………………………", SERIF)])
    # the 2018 form: the ID beside the phone, the e-mail below; the 2025 form: the ID on its own
    # line above, the e-mail beside the phone
    email_beside = doc.identification and bool(doc.email)
    contact = [("Số điện thoại: ", SERIF), (doc.phone or "…………………", SERIF)]
    if doc.citizen_id and not doc.identification:
        contact += [("      Số định danh cá nhân: ", SERIF), (doc.citizen_id, SERIF)]
    if email_beside:
        contact += [("      Email: ", SERIF), (doc.email, SERIF)]
    w.rich(contact)
    if doc.email and not email_beside:
        w.rich([("Email: ", SERIF), (doc.email, SERIF)])
    if doc.proxy and doc.owner_name:
        _proxy_block(w, doc, body)
    if doc.priority:
        w.line("Đối tượng được ưu tiên hỗ trợ (người cao tuổi, người khuyết tật …)", font=SERIF_ITALIC)
    w.rich([("Nội dung yêu cầu giải quyết: ", SERIF), (doc.procedure_name, SERIF_BOLD)])

    # 7–8. the documents
    w.skip(gap * 0.15)
    w.line("1. Thành phần hồ sơ nộp gồm:")
    rows = []
    for number, line in enumerate(doc.documents, 1):
        if line.from_data:
            rows.append([str(number), f"{line.name} (khai thác dữ liệu, không nộp giấy)", "", "", ""])
            continue
        counts = [str(line.count) if line.form == form else "" for form in FORM_COLUMNS]
        rows.append([str(number), line.name, *counts])
    if not rows:
        rows.append(["", "(không có giấy tờ kèm theo)", "", "", ""])
    w.table(
        ("TT", "Tên giấy tờ", "Bản chính", "Bản sao chứng thực", "Bản photo"),
        rows,
        (0.06, 0.61, 0.1, 0.13, 0.1),
        size=body * 0.92,
        align=("center", "left", "center", "center", "center"),
    )

    # 9–13. counts and times
    w.line(f"2. Số lượng hồ sơ: {doc.sets:02d} (bộ)")
    w.line(f"3. Thời gian giải quyết hồ sơ theo quy định: {processing_time(doc.processing_days, doc.processing_hours)}")
    w.line(f"4. Thời gian nhận hồ sơ: {vn_time(doc.received_at)}")
    w.rich([("5. Thời gian trả kết quả giải quyết hồ sơ: ", SERIF), (vn_time(doc.due_at), SERIF_BOLD)])
    if doc.return_by_post:
        w.rich(
            [
                ("6. Đăng ký nhận kết quả tại: ", SERIF),
                ("qua dịch vụ bưu chính công ích", SERIF_BOLD),
                (f", địa chỉ nhận: {doc.delivery_address or doc.address}", SERIF),
            ]
        )
    else:
        w.rich([("6. Đăng ký nhận kết quả tại: ", SERIF), (doc.receiving_unit, SERIF)])
    volume = doc.register_volume or "……"
    number = f"{doc.register_number:d}" if doc.register_number else "……"
    book = "Vào Sổ theo dõi hồ sơ (nếu có):" if doc.book_reference_optional else "Vào Sổ theo dõi hồ sơ,"
    w.line(f"{book} Quyển số: {volume}   Số thứ tự: {number}", font=SERIF_ITALIC)
    w.skip(gap * 0.2)

    # 15. signatures
    w.signatures(doc.signers or (("NGƯỜI NỘP HỒ SƠ", doc.applicant_name), ("NGƯỜI TIẾP NHẬN HỒ SƠ", doc.official_name)))

    # 16. the local lines
    fee = f"Phí, lệ phí đã thu: {money(doc.fee)}." if doc.fee else "Phí, lệ phí: không thu."
    if doc.printed_at:
        fee += f"   In lúc {doc.printed_at:%H:%M ngày %d/%m/%Y}."
    lookup = []
    if doc.lookup_url:
        lookup.append(f"Tra cứu hồ sơ tại: {doc.lookup_url}")
    if doc.hotline:
        lookup.append(f"Đường dây nóng: {doc.hotline}")
    small = body * 0.88
    w.line(fee, font=SERIF_ITALIC, size=small)
    w.line("Khi đến nhận kết quả, Ông/Bà mang theo Giấy này.", font=SERIF_BOLD_ITALIC, size=small)
    if lookup:
        w.line(" — ".join(lookup) + ".", font=SERIF_ITALIC, size=small)
    if doc.privacy_notice:
        w.line(doc.privacy_notice, font=SERIF_ITALIC, size=small)
    return w.pages


DOTS = "……………………………"


def _proxy_block(w: PageWriter, doc: ReceiptDocument, body: float) -> None:
    """Someone files for another (TT 03/2025): whose dossier it is, how to reach them, and the
    paper that authorises the filing; what is not known is left dotted for the pen."""
    runs = [("Nộp thay cho chủ hồ sơ: ", SERIF_ITALIC), (doc.owner_name, SERIF_BOLD),
            ("; số định danh cá nhân/tổ chức: ", SERIF), (doc.owner_citizen_id or DOTS, SERIF),
            ("; địa chỉ: ", SERIF), (doc.owner_address or DOTS, SERIF),
            ("; số điện thoại: ", SERIF), (doc.owner_phone or "…………………", SERIF)]
    if doc.owner_email:
        runs += [("; email: ", SERIF), (doc.owner_email, SERIF)]
    w.rich(runs)
    w.rich([("Văn bản ủy quyền: ", SERIF), (doc.authorisation or DOTS, SERIF)])
