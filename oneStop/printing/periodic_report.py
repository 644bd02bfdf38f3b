"""Biểu II.06a/VPCP/KSTT as an A4-landscape PDF and an XLSX workbook, with the same numbers."""

from __future__ import annotations

import io
from typing import Any

from reportlab.pdfgen.canvas import Canvas

from oneStop.domain.clock import to_local
from oneStop.printing import fonts
from oneStop.printing.spreadsheet import append_row
from oneStop.printing.layout import SERIF, SERIF_BOLD, SERIF_ITALIC, PageWriter, paper as paper_of, vn_date

HEADERS = (
    "STT", "Lĩnh vực", "Tổng số hồ sơ tiếp nhận", "Số mới tiếp nhận trực tuyến",
    "Số mới tiếp nhận trực tiếp hoặc qua BCCI", "Số kỳ trước chuyển qua", "Tổng số đã giải quyết", "Trước hạn",
    "Đúng hạn", "Quá hạn", "Tổng số đang giải quyết", "Chưa đến hạn", "Quá hạn",
)
NUMBERS = tuple(f"({i})" for i in range(1, 14))
FIELDS = ("received", "online", "direct_or_postal", "carried_over", "resolved", "early", "on_time", "late",
          "in_progress", "within_deadline", "overdue")


def table_rows(report: Any) -> list[list[str]]:
    rows = []
    for number, r in enumerate(report.rows, 1):
        rows.append([str(number), r.field, *(str(getattr(r, f)) for f in FIELDS)])
    rows.append(["", report.total.field, *(str(getattr(report.total, f)) for f in FIELDS)])
    return rows


def render_report_pdf(report: Any, agency: Any) -> bytes:
    from reportlab.lib.units import mm

    fonts.register()
    page = paper_of("A4L")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(page.width, page.height), initialFontName=SERIF, initialFontSize=page.body)
    canvas.setTitle(f"{report.period.label} — Biểu II.06a")
    canvas.setCreator("oneStop")
    w = PageWriter(canvas, page, on_new_page=lambda w: w.line("Biểu II.06a (tiếp theo)", font=SERIF_ITALIC, size=8))
    w.header(agency.managing_agency, agency.name, vn_date(to_local(report.generated_at), agency.place or agency.province),
             form_number="Biểu II.06a/VPCP/KSTT")
    w.line(f"TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI {agency.name.upper()}", font=SERIF_BOLD,
           size=page.title * 0.85, align="center")
    w.line(f"Kỳ báo cáo: {report.period.label} (Từ ngày {report.period.start:%d/%m/%Y} đến ngày "
           f"{report.period.end:%d/%m/%Y})", font=SERIF_ITALIC, align="center")
    w.line("Đơn vị tính: Số hồ sơ TTHC", font=SERIF_ITALIC, size=9, align="right")
    w.skip(2 * mm)
    widths = (0.04, 0.18) + (0.78 / 11,) * 11
    w.table([f"{h} {n}" for h, n in zip(HEADERS, NUMBERS)], table_rows(report), widths, size=8.5,
            align=("center", "left") + ("center",) * 11)
    canvas.save()
    return buffer.getvalue()


def report_xlsx(report: Any, agency: Any) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Bieu II.06a"
    append_row(sheet, [agency.name])
    append_row(sheet, [f"TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH — {report.period.label}"])
    append_row(sheet, [f"Từ ngày {report.period.start:%d/%m/%Y} đến ngày {report.period.end:%d/%m/%Y}"])
    append_row(sheet, list(HEADERS))
    append_row(sheet, list(NUMBERS))
    for cell in (*sheet[4], *sheet[5]):
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    for number, r in enumerate(report.rows, 1):
        append_row(sheet, [number, r.field, *(getattr(r, f) for f in FIELDS)])
    append_row(sheet, ["", report.total.field, *(getattr(report.total, f) for f in FIELDS)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["B"].width = 36
    for col in "CDEFGHIJKLM":
        sheet.column_dimensions[col].width = 13
    sheet.page_setup.orientation = "landscape"
    split = workbook.create_sheet("Kenh (5)")
    append_row(split, ["Lĩnh vực", "Trực tiếp", "Qua bưu chính công ích"])
    for r in (*report.rows, report.total):
        append_row(split, [r.field, r.direct, r.postal])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
