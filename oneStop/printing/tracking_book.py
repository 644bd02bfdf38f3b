"""Mẫu 06, Sổ theo dõi hồ sơ: the tracking book as an A4-landscape PDF and as an XLSX workbook
with the same columns and totals."""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Callable, Sequence

from reportlab.pdfgen.canvas import Canvas

from oneStop.domain.profiles import TRACKING_COLUMNS
from oneStop.printing import fonts
from oneStop.printing.spreadsheet import Percent, append_row, print_setup, vn_percent
from oneStop.printing.layout import SERIF, SERIF_BOLD, SERIF_ITALIC, PageWriter, paper as paper_of, vn_date

TITLE = "SỔ THEO DÕI HỒ SƠ"


def _d(value: datetime | None) -> str:
    return f"{value:%H:%M %d/%m/%Y}" if value else ""


@dataclass(frozen=True)
class Column:
    """One column of the book: its heading, its share of the PDF's width, its width in the
    workbook, how it is aligned, and the cell of a LogRow (``value`` typed for the workbook)."""

    header: str
    share: float
    xlsx_width: int
    text: Callable[[Any], str]
    value: Callable[[Any], Any] | None = None  # the workbook's typed cell; None: the text
    align: str = "left"
    text_format: bool = False  # kept as text in the workbook (a code edited there stays text)


#: Every column the book may have, keyed as regulation profiles name them (``TRACKING_COLUMNS``).
COLUMNS: dict[str, Column] = {
    "number": Column("STT", 0.03, 5, lambda r: str(r.number), lambda r: r.number, "center"),
    "register": Column("Quyển số/ Số thứ tự", 0.045, 12, lambda r: r.register, align="center", text_format=True),
    "code": Column("Mã hồ sơ", 0.125, 28, lambda r: r.code, text_format=True),
    "procedure": Column("Tên thủ tục hành chính", 0.09, 30, lambda r: r.procedure_name),
    "sets": Column("Số lượng hồ sơ (bộ)", 0.04, 8, lambda r: str(r.sets), lambda r: r.sets, "center"),
    "applicant": Column("Tên cá nhân, tổ chức", 0.075, 22, lambda r: r.applicant),
    "contact": Column("Địa chỉ, số điện thoại", 0.08, 30, lambda r: ", ".join(x for x in (r.address, r.phone) if x)),
    "agency": Column("Cơ quan chủ trì giải quyết", 0.065, 22, lambda r: r.agency),
    "received": Column("Nhận hồ sơ", 0.052, 16, lambda r: _d(r.received_at), lambda r: r.received_at),
    "due": Column("Hẹn trả kết quả", 0.052, 16, lambda r: _d(r.due_at), lambda r: r.due_at),
    "transferred": Column("Chuyển hồ sơ đến cơ quan giải quyết", 0.052, 16, lambda r: _d(r.transferred_at),
                          lambda r: r.transferred_at),
    "result_received": Column("Nhận kết quả từ cơ quan giải quyết", 0.052, 16, lambda r: _d(r.result_at),
                              lambda r: r.result_at),
    "returned": Column("Trả kết quả", 0.052, 16, lambda r: _d(r.returned_at), lambda r: r.returned_at),
    "return_method": Column("Phương thức nhận kết quả", 0.06, 18, lambda r: r.return_method),
    "status": Column("Tình trạng", 0.05, 24,
                     lambda r: "; ".join(x for x in (r.status_label, r.timeliness_label) if x)),
    "signature": Column("Ký nhận", 0.04, 10, lambda r: ""),
    "note": Column("Ghi chú", 0.04, 20, lambda r: r.note),
}
assert tuple(COLUMNS) == TRACKING_COLUMNS

#: The 2018 book's headings, in order (every column).
HEADERS = tuple(c.header for c in COLUMNS.values())


def _columns(keys: Sequence[str] = ()) -> list[Column]:
    return [COLUMNS[k] for k in (keys or TRACKING_COLUMNS)]


def book_rows(rows: Sequence[Any], columns: Sequence[str] = ()) -> list[list[str]]:
    """The table cells of each LogRow (the same in the PDF and the workbook)."""
    chosen = _columns(columns)
    return [[c.text(r) for c in chosen] for r in rows]


def by_field(rows: Sequence[Any]) -> list[tuple[str, list[Any]]]:
    """The rows in groups by field (lĩnh vực), fields in the order they first appear, each group
    numbered from 1 as a book kept per field is (TT 03/2025, Mẫu 07)."""
    groups: dict[str, list[Any]] = {}
    for r in rows:
        groups.setdefault(r.field or "(chưa có lĩnh vực)", []).append(r)
    return [(name, [replace(r, number=n) for n, r in enumerate(group, 1)]) for name, group in groups.items()]


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
    log: Any, *, managing_agency: str, unit: str, place: str, form_number: str = "Mẫu số 06", title: str = TITLE,
    columns: Sequence[str] = (), per_field: bool = False,
) -> bytes:
    """The book as an A4-landscape PDF: the profile's ``columns`` (every one by default) and,
    ``per_field``, one part per field numbered from 1."""
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
    chosen = _columns(columns)
    total = sum(c.share for c in chosen)
    widths = tuple(c.share / total for c in chosen)
    headers = tuple(c.header for c in chosen)
    aligns = tuple(c.align for c in chosen)
    empty = [[""] * len(chosen)]
    empty[0][min(1, len(chosen) - 1)] = "(không có hồ sơ)"
    parts = by_field(log.rows) if per_field and log.rows else [("", list(log.rows))]
    for name, rows in parts:
        if name:
            w.line(f"Lĩnh vực: {name}", font=SERIF_BOLD, size=10)
        w.table(headers, book_rows(rows, columns) or empty, widths, size=7, align=aligns)
        w.skip(4)
    for line in totals_lines(log.totals):
        w.line(line, size=9)
    canvas.save()
    return buffer.getvalue()


def to_date(value: datetime) -> datetime:
    from oneStop.domain.clock import to_local

    return to_local(value)


def _label(enum: Any, key: str) -> str:
    """The Vietnamese label of a channel, status or timeliness key (the key itself if unknown)."""
    try:
        return enum(key).label
    except ValueError:
        return key


def tracking_book_xlsx(log: Any, *, unit: str, title: str = TITLE, columns: Sequence[str] = (),
                       per_field: bool = False) -> bytes:
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
    chosen = _columns(columns)
    append_row(sheet, [c.header for c in chosen])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    text_columns = tuple(i for i, c in enumerate(chosen, 1) if c.text_format)
    parts = by_field(log.rows) if per_field and log.rows else [("", list(log.rows))]
    for name, rows in parts:
        if name:
            append_row(sheet, [f"Lĩnh vực: {name}"])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True)
        for r in rows:  # typed cells: numbers, and dates as dates (dd/mm/yyyy hh:mm), not text
            append_row(sheet, [c.value(r) if c.value else c.text(r) for c in chosen], text_columns=text_columns)
    append_row(sheet, [])
    for line in totals_lines(log.totals):
        append_row(sheet, [line])
    for column, c in zip("ABCDEFGHIJKLMNOP", chosen):
        sheet.column_dimensions[column].width = c.xlsx_width
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
