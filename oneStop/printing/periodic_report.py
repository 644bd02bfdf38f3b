"""Biểu II.06a/VPCP/KSTT as an A4-landscape PDF and an XLSX workbook, with the same numbers.

Part I counts the dossiers received here by field (the 13 columns of rules §6); part II counts the
same dossiers by processing agency (2025: a centre receives for other agencies), with the same
total. The PDF ends with the signature block (place and date, NGƯỜI LẬP BIỂU, THỦ TRƯỞNG ĐƠN VỊ),
kept on the page where the table ends: when it does not fit there, the table's last rows go to
the next page with it, so that it never stands alone.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any, Sequence

from reportlab.pdfgen.canvas import Canvas

from oneStop.domain.clock import to_local
from oneStop.printing import fonts
from oneStop.printing.fonts import printable
from oneStop.printing.layout import SERIF, SERIF_BOLD, SERIF_ITALIC, PageWriter, fit_size, paper as paper_of, vn_date
from oneStop.printing.spreadsheet import Percent, append_row, print_setup, vn_percent

HEADERS = (
    "STT", "Lĩnh vực", "Tổng số hồ sơ tiếp nhận", "Số mới tiếp nhận trực tuyến",
    "Số mới tiếp nhận trực tiếp hoặc qua BCCI", "Số kỳ trước chuyển qua", "Tổng số đã giải quyết", "Trước hạn",
    "Đúng hạn", "Quá hạn", "Tổng số đang giải quyết", "Chưa đến hạn", "Quá hạn",
)
AGENCY_HEADER = "Cơ quan giải quyết"
NUMBERS = tuple(f"({i})" for i in range(1, 14))
FIELDS = ("received", "online", "direct_or_postal", "carried_over", "resolved", "early", "on_time", "late",
          "in_progress", "within_deadline", "overdue")
PART_I = "I. THEO LĨNH VỰC"
PART_II = "II. THEO CƠ QUAN GIẢI QUYẾT"
PREPARER = "NGƯỜI LẬP BIỂU"
HEAD = "THỦ TRƯỞNG ĐƠN VỊ"
PREPARER_NOTE = "(Ký, ghi rõ họ tên)"
HEAD_NOTE = "(Ký, đóng dấu)"
#: the last rows of the table that go to a new page with the signature block when it does not fit
KEEP_WITH_SIGNATURE = 2


@dataclass(frozen=True)
class Signers:
    """The names printed under the signatures, where known ("" leaves room to write by hand)."""

    preparer: str = ""
    head: str = ""


def table_rows(report: Any, rows: Sequence[Any] | None = None) -> list[list[str]]:
    rows = report.rows if rows is None else rows
    out = []
    for number, r in enumerate(rows, 1):
        out.append([str(number), r.field or "(chưa rõ)", *(str(getattr(r, f)) for f in FIELDS)])
    out.append(["", report.total.field, *(str(getattr(report.total, f)) for f in FIELDS)])
    return out


def on_time_rate(row: Any) -> float | None:
    """Resolved early or on time, of the resolved ((8) + (9)) / (7)."""
    return (row.early + row.on_time) / row.resolved if row.resolved else None


def basis_words(report: Any, agency: Any) -> str:
    return (f"Số liệu theo nơi tiếp nhận: hồ sơ tiếp nhận tại {agency.name} (mã {report.receiving_point or agency.code}),"
            f" kể cả hồ sơ tiếp nhận thay cho cơ quan khác; phần II chia các hồ sơ đó theo cơ quan giải quyết.")


def notes(report: Any) -> list[str]:
    """The lines under the tables: the on-time rate, and for a running period the instant the
    in-progress columns are judged at."""
    lines = []
    rate = on_time_rate(report.total)
    if rate is not None:
        lines.append(f"Tỉ lệ hồ sơ giải quyết trước hạn và đúng hạn: {vn_percent(rate)} "
                     f"({report.total.early + report.total.on_time}/{report.total.resolved}).")
    if getattr(report, "running", False):
        at = to_local(report.as_of)
        lines.append(f"Kỳ báo cáo chưa kết thúc: số hồ sơ đang giải quyết (11)–(13) tính đến {at:%H:%M} "
                     f"ngày {at:%d/%m/%Y}.")
    return lines


def _draw(canvas: Canvas, report: Any, agency: Any, signers: Signers, keep: int) -> tuple[int, bool]:
    """Draw the report; ``keep`` last rows of the last table start a new page. Returns the
    number of pages and whether the signature block ended on a page with fewer than
    ``KEEP_WITH_SIGNATURE`` rows of the table (none: it stood alone, or with the notes only)."""
    from reportlab.lib.units import mm

    page = paper_of("A4L")
    w = PageWriter(canvas, page, on_new_page=lambda w: w.line("Biểu II.06a (tiếp theo)", font=SERIF_ITALIC, size=8))
    place = agency.place or agency.province
    # the place and date stand above the head's signature, as on the form (not twice)
    w.header(agency.managing_agency, agency.name, "", form_number="Biểu II.06a/VPCP/KSTT")
    w.line(f"TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI {agency.name.upper()}", font=SERIF_BOLD,
           size=page.title * 0.85, align="center")
    w.line(f"Kỳ báo cáo: {report.period.label} (Từ ngày {report.period.start:%d/%m/%Y} đến ngày "
           f"{report.period.end:%d/%m/%Y})", font=SERIF_ITALIC, align="center")
    w.line(basis_words(report, agency), font=SERIF_ITALIC, size=9, align="center")
    w.line("Đơn vị tính: Số hồ sơ TTHC", font=SERIF_ITALIC, size=9, align="right")
    w.skip(1 * mm)
    widths = (0.04, 0.18) + (0.78 / 11,) * 11
    align = ("center", "left") + ("center",) * 11
    parts = [(PART_I, HEADERS, table_rows(report))]
    agencies = getattr(report, "by_processing_agency", ())
    if agencies:
        parts.append((PART_II, (HEADERS[0], AGENCY_HEADER, *HEADERS[2:]), table_rows(report, agencies)))
    row_pages: list[int] = []  # the page each row of the last table was drawn on

    def on_row(index: int, lefts: list[float], top: float, height: float) -> None:
        row_pages.append(w.pages)

    for index, (title, headers, rows) in enumerate(parts):
        last = index == len(parts) - 1
        split = min(keep, len(rows)) if last else 0
        if split and split == len(rows):  # a short last table goes with the signature whole
            w.new_page()
        w.ensure(60)
        w.line(title, font=SERIF_BOLD, size=10)
        heads = [f"{h} {n}" for h, n in zip(headers, NUMBERS)]
        after = on_row if last else None
        if split and split < len(rows):
            w.table(heads, rows[:-split], widths, size=8.5, align=align, after_row=after)
            w.new_page()
            w.table(heads, rows[-split:], widths, size=8.5, align=align, after_row=after)
        else:
            w.table(heads, rows, widths, size=8.5, align=align, after_row=after)
    for line in notes(report):
        w.line(line, font=SERIF_ITALIC, size=9)
    _signatures(w, place, to_local(report.generated_at), signers)
    with_signature = sum(1 for page in row_pages if page == w.pages)
    return w.pages, with_signature < min(KEEP_WITH_SIGNATURE, len(row_pages))


def _signatures(w: PageWriter, place: str, when: Any, signers: Signers) -> None:
    """Two blocks: NGƯỜI LẬP BIỂU on the left, the place and date then THỦ TRƯỞNG ĐƠN VỊ on the right."""
    from reportlab.lib.units import mm

    body = w.paper.body
    space = 18 * mm  # room to sign, and on the right to stamp over the signature
    # gap, date line, titles, notes, the space, the name and its descenders
    need = body * (0.6 + 2.4 + 1.2 + 0.5) + space
    w.ensure(need)
    half = w.width / 2
    top = w.y - body * 0.6
    date_line = vn_date(when, place)
    right = w.x + half + half / 2
    left = w.x + half / 2
    w.c.setFont(SERIF_ITALIC, fit_size(date_line, SERIF_ITALIC, body, half - 4))
    w.c.drawCentredString(right, top - body, printable(date_line, SERIF_ITALIC))
    titles_y = top - body * 2.4
    for cx, title, note, name in ((left, PREPARER, PREPARER_NOTE, signers.preparer),
                                  (right, HEAD, HEAD_NOTE, signers.head)):
        w.c.setFont(SERIF_BOLD, body)
        w.c.drawCentredString(cx, titles_y, title)
        w.c.setFont(SERIF_ITALIC, body * 0.9)
        w.c.drawCentredString(cx, titles_y - body * 1.2, note)
        if name:
            w.c.setFont(SERIF_BOLD, fit_size(name, SERIF_BOLD, body, half - 4))
            w.c.drawCentredString(cx, titles_y - body * 1.2 - space, printable(name, SERIF_BOLD))
    w.y = w.y - need


def render_report_pdf(report: Any, agency: Any, signers: Signers | None = None) -> bytes:
    fonts.register()
    signers = signers or Signers()
    page = paper_of("A4L")

    def attempt(keep: int) -> tuple[bytes, bool]:
        buffer = io.BytesIO()
        canvas = Canvas(buffer, pagesize=(page.width, page.height), initialFontName=SERIF,
                        initialFontSize=page.body)
        canvas.setTitle(f"{report.period.label} — Biểu II.06a")
        canvas.setCreator("oneStop")
        _, alone = _draw(canvas, report, agency, signers, keep)
        canvas.save()
        return buffer.getvalue(), alone

    data, alone = attempt(0)
    if alone:  # the signature (nearly) alone on its page: take the table's last rows along with it
        data, _ = attempt(KEEP_WITH_SIGNATURE)
    return data


def _table_sheet(workbook: Any, title: str, report: Any, agency: Any, first_header: str, rows: Sequence[Any],
                 heading: str) -> Any:
    from openpyxl.styles import Alignment, Border, Font, Side

    sheet = workbook.create_sheet(title)
    append_row(sheet, [agency.name])
    append_row(sheet, [f"TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH — {report.period.label} — {heading}"])
    append_row(sheet, [f"Từ ngày {report.period.start:%d/%m/%Y} đến ngày {report.period.end:%d/%m/%Y}. "
                       + basis_words(report, agency)])
    append_row(sheet, [HEADERS[0], first_header, *HEADERS[2:]])
    append_row(sheet, list(NUMBERS))
    bold = Font(bold=True)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in (*sheet[4], *sheet[5]):
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
        cell.border = box
    for number, r in enumerate(rows, 1):
        append_row(sheet, [number, r.field or "(chưa rõ)", *(getattr(r, f) for f in FIELDS)])
    append_row(sheet, ["", report.total.field, *(getattr(report.total, f) for f in FIELDS)])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    for row in sheet.iter_rows(min_row=6, max_row=sheet.max_row):
        for cell in row:
            cell.border = box
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[4].height = 60
    sheet.column_dimensions["A"].width = 5
    sheet.column_dimensions["B"].width = 36
    for col in "CDEFGHIJKLM":
        sheet.column_dimensions[col].width = 12
    sheet.freeze_panes = "C6"
    print_setup(sheet, header_rows="4:5", landscape=True)
    return sheet


def report_xlsx(report: Any, agency: Any) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    main = _table_sheet(workbook, "Bieu II.06a", report, agency, HEADERS[1], report.rows, PART_I)
    append_row(main, [])
    for line in notes(report):
        append_row(main, ["", line])
    append_row(main, ["", "Tỉ lệ giải quyết trước hạn và đúng hạn", Percent(on_time_rate(report.total))])
    agencies = getattr(report, "by_processing_agency", ())
    if agencies:
        _table_sheet(workbook, "Theo co quan giai quyet", report, agency, AGENCY_HEADER, agencies, PART_II)
    split = workbook.create_sheet("Kenh (5)")
    append_row(split, ["Lĩnh vực", "Trực tiếp", "Qua bưu chính công ích"])
    for r in (*report.rows, report.total):
        append_row(split, [r.field, r.direct, r.postal])
    split.column_dimensions["A"].width = 36
    split.column_dimensions["B"].width = 14
    split.column_dimensions["C"].width = 22
    print_setup(split, header_rows="1:1", landscape=False)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
