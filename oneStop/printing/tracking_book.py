"""Mẫu 06, Sổ theo dõi hồ sơ: the tracking book as an A4-landscape PDF and as an XLSX workbook
with the same columns and totals."""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Any, Sequence

from reportlab.pdfgen.canvas import Canvas

from oneStop.printing import fonts
from oneStop.printing.spreadsheet import Percent, append_row, print_setup, vn_percent
from oneStop.printing.layout import SERIF, SERIF_BOLD, SERIF_ITALIC, PageWriter, paper as paper_of, vn_date

TITLE = "SỔ THEO DÕI HỒ SƠ"
HEADERS = (
    "STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Số lượng hồ sơ (bộ)", "Tên cá nhân, tổ chức",
    "Địa chỉ, số điện thoại", "Cơ quan chủ trì giải quyết", "Nhận hồ sơ", "Hẹn trả kết quả",
    "Chuyển hồ sơ đến cơ quan giải quyết", "Nhận kết quả từ cơ quan giải quyết", "Trả kết quả",
    "Phương thức nhận kết quả", "Tình trạng", "Ký nhận", "Ghi chú",
)
WIDTHS = (0.03, 0.125, 0.10, 0.04, 0.08, 0.09, 0.075, 0.052, 0.052, 0.052, 0.052, 0.052, 0.06, 0.055, 0.04, 0.045)


def _d(value: datetime | None) -> str:
    return f"{value:%H:%M %d/%m/%Y}" if value else ""


def book_rows(rows: Sequence[Any]) -> list[list[str]]:
    """The table cells of each LogRow (the same in the PDF and the workbook)."""
    out = []
    for r in rows:
        out.append(
            [
                str(r.number), r.code, r.procedure_name, str(r.sets), r.applicant,
                ", ".join(x for x in (r.address, r.phone) if x), r.agency, _d(r.received_at), _d(r.due_at),
                _d(r.transferred_at), _d(r.result_at), _d(r.returned_at), r.return_method,
                "; ".join(x for x in (r.status_label, r.timeliness_label) if x), "", r.note,
            ]
        )
    return out


def period_words(date_from: date, date_to: date) -> str:
    if date_from == date_to:
        return f"Ngày {date_from:%d/%m/%Y}"
    return f"Từ ngày {date_from:%d/%m/%Y} đến ngày {date_to:%d/%m/%Y}"


def totals_lines(totals: dict[str, Any]) -> list[str]:
    t = totals["by_timeliness"]
    rate = totals.get("on_time_rate")
    return [
        f"Tổng số hồ sơ: {totals['dossiers']} ({totals['sets']} bộ). Trực tiếp: {totals['by_channel']['direct']}; "
        f"qua bưu chính công ích: {totals['by_channel']['postal']}; trực tuyến: {totals['by_channel']['online']}. "
        f"Đăng ký nhận kết quả qua bưu chính: {totals['return_by_post']}.",
        f"Đã giải quyết: trước hạn {t['early']}, đúng hạn {t['on_time']}, quá hạn {t['late']}. "
        f"Đang giải quyết: trong hạn {t['in_time']}, quá hạn {t['overdue']}."
        + (f" Tỉ lệ đúng hạn: {vn_percent(rate)}." if rate is not None else ""),
    ]


def render_tracking_book(
    log: Any, *, managing_agency: str, unit: str, place: str, form_number: str = "Mẫu số 06", title: str = TITLE
) -> bytes:
    fonts.register()
    page = paper_of("A4L")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(page.width, page.height), initialFontName=SERIF, initialFontSize=page.body)
    canvas.setTitle(f"{title} — {period_words(log.date_from, log.date_to)}")
    canvas.setCreator("oneStop")
    w = PageWriter(canvas, page, on_new_page=lambda w: w.line(f"{title} (tiếp theo)", font=SERIF_ITALIC, size=8))
    w.header(managing_agency, unit, vn_date(to_date(log.generated_at), place), form_number=form_number)
    w.line(title, font=SERIF_BOLD, size=page.title, align="center", leading=page.title * 1.3)
    w.line(period_words(log.date_from, log.date_to), font=SERIF_ITALIC, align="center")
    w.skip(4)
    w.table(HEADERS, book_rows(log.rows) or [["", "(không có hồ sơ)"] + [""] * (len(HEADERS) - 2)], WIDTHS, size=7,
            align=("center",) + ("left",) * 2 + ("center",) + ("left",) * 12)
    for line in totals_lines(log.totals):
        w.line(line, size=9)
    canvas.save()
    return buffer.getvalue()


def to_date(value: datetime) -> datetime:
    from oneStop.domain.clock import to_local

    return to_local(value)


#: the book's columns that hold an instant: date cells in the workbook, not text
_TIME_COLUMNS = {7: "received_at", 8: "due_at", 9: "transferred_at", 10: "result_at", 11: "returned_at"}


def _label(enum: Any, key: str) -> str:
    """The Vietnamese label of a channel, status or timeliness key (the key itself if unknown)."""
    try:
        return enum(key).label
    except ValueError:
        return key


def tracking_book_xlsx(log: Any, *, unit: str, title: str = TITLE) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from oneStop.domain.lifecycle import Timeliness
    from oneStop.domain.models import Channel, DossierStatus

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "So theo doi"
    append_row(sheet, [unit])
    append_row(sheet, [title])
    append_row(sheet, [period_words(log.date_from, log.date_to)])
    append_row(sheet, HEADERS)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r, cells in zip(log.rows, book_rows(log.rows)):
        cells[0] = r.number
        cells[3] = r.sets
        for index, name in _TIME_COLUMNS.items():  # real date cells (dd/mm/yyyy hh:mm), not text
            cells[index] = getattr(r, name)
        append_row(sheet, cells, text_columns=(2,))
    append_row(sheet, [])
    for line in totals_lines(log.totals):
        append_row(sheet, [line])
    for column, width in zip("ABCDEFGHIJKLMNOP", (5, 28, 30, 8, 22, 30, 22, 16, 16, 16, 16, 16, 18, 24, 10, 20)):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A5"
    print_setup(sheet, header_rows="4:4", landscape=True)
    summary = workbook.create_sheet("Tong hop")
    totals = log.totals
    append_row(summary, ["Chỉ tiêu", "Số lượng"])
    append_row(summary, ["Tổng số hồ sơ", totals["dossiers"]])
    append_row(summary, ["Số bộ hồ sơ", totals["sets"]])
    for key, value in totals["by_channel"].items():
        append_row(summary, [f"Kênh tiếp nhận: {_label(Channel, key)}", value])
    for key, value in totals["by_timeliness"].items():
        append_row(summary, [f"Tiến độ: {_label(Timeliness, key)}", value])
    for key, value in totals["by_status"].items():
        append_row(summary, [f"Trạng thái: {_label(DossierStatus, key)}", value])
    append_row(summary, ["Đăng ký nhận kết quả qua bưu chính", totals["return_by_post"]])
    append_row(summary, ["Tỉ lệ giải quyết đúng hạn (trước hạn và đúng hạn)", Percent(totals.get("on_time_rate"))])
    for cell in summary[1]:
        cell.font = Font(bold=True)
    summary.column_dimensions["A"].width = 52
    summary.column_dimensions["B"].width = 14
    print_setup(summary, header_rows="1:1", landscape=False)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
