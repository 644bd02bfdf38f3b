"""Cells of every spreadsheet the program writes (XLSX and CSV): text stays text.

A name, an address or a note that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return would be read by Excel or LibreOffice as a formula (CSV/formula injection). Every export
goes through this module:

* XLSX: text is stored as a string cell (``data_type 's'``) with the *quote prefix* style, the
  workbook's own "this is text" mark, so the value read back is the text itself;
* CSV: such text gets a leading apostrophe (``'``), which spreadsheet programs show as text.

Typed cells (XLSX): a date or a time is a real date cell in Vietnam's time with a Vietnamese
number format (``dd/mm/yyyy``, ``dd/mm/yyyy hh:mm``), a rate is a number with a percent format
(:class:`Percent`; Excel and LibreOffice write it with the reader's decimal comma); every sheet
gets a paper size, fit to width, and its header rows repeated on each printed page
(:func:`print_setup`).

Codes in CSV: ``1.013960`` would be read as the number 1.01396, a leading ``0`` would be lost.
:func:`csv_text` writes such a code as the formula-text ``="1.013960"``, which Excel and
LibreOffice both show as the text itself; :func:`csv_uncell` turns it back when the program
reads its own file. Text for people (a PDF, a CSV line) writes a rate with a decimal comma:
:func:`vn_percent`.

Characters XML cannot hold (controls, lone surrogates, U+FFFE/U+FFFF), which older data may
still contain, are replaced by U+FFFD so that a workbook is always valid.

>>> csv_cell("=1+1"), csv_cell("-5"), csv_cell("Nguyễn Văn An"), csv_cell(-5)
("'=1+1", "'-5", 'Nguyễn Văn An', -5)
>>> is_formula_like("@SUM(A1)"), is_formula_like("\\tx"), is_formula_like("a=b")
(True, True, False)
>>> xml_safe("a\\x00b\\uffff")
'a\\ufffdb\\ufffd'
>>> csv_text("1.013960"), csv_uncell('="1.013960"'), csv_text("=cmd"), csv_text('a"b1')
('="1.013960"', '1.013960', "'=cmd", '="a""b1"')
>>> vn_percent(0.125), vn_percent(1), vn_percent(None)
('12,5 %', '100,0 %', '')
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable

__all__ = ["DATETIME_FORMAT", "DATE_FORMAT", "FORMULA_STARTS", "PERCENT_FORMAT", "Percent", "append_row",
           "csv_cell", "csv_row", "csv_text", "csv_uncell", "is_formula_like", "print_setup", "vn_percent",
           "xml_safe"]

DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
#: a rate stored as a number (0.125); the decimal separator is the reader's (Vietnamese: a comma)
PERCENT_FORMAT = "0.0%"
TEXT_FORMAT = "@"

#: The first characters that make a spreadsheet program read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# What XML 1.0 cannot hold: C0 controls but tab/LF/CR, lone surrogates, U+FFFE and U+FFFF.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def xml_safe(text: str) -> str:
    return _XML_ILLEGAL.sub("\ufffd", text)


def csv_cell(value: Any) -> Any:
    """The value as a CSV cell: text that a spreadsheet would run gets a leading ``'``."""
    if isinstance(value, str):
        value = xml_safe(value)
        if is_formula_like(value):
            return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(v) for v in values]


# a code the program validated: letters, digits and the punctuation codes use, nothing a formula needs
_CODE_LIKE = re.compile(r"[0-9A-Za-z][0-9A-Za-z.\-_/ \"]*")


def csv_text(value: Any) -> Any:
    """A code (procedure, dossier, agency) as a CSV cell a spreadsheet keeps as text: the
    formula-text ``="…"`` (quotes doubled inside). Anything else goes through :func:`csv_cell`."""
    if isinstance(value, str) and value and _CODE_LIKE.fullmatch(value):
        return '="' + value.replace('"', '""') + '"'
    return csv_cell(value)


_FORMULA_TEXT = re.compile(r'="((?:[^"]|"")*)"')


def csv_uncell(text: str) -> str:
    """What :func:`csv_text` wrote, as the text it stands for (other text unchanged)."""
    m = _FORMULA_TEXT.fullmatch(text)
    return m[1].replace('""', '"') if m else text


def vn_percent(ratio: float | None, digits: int = 1) -> str:
    """A rate written for a Vietnamese reader: decimal comma, a space before the sign."""
    if ratio is None:
        return ""
    return f"{ratio * 100:.{digits}f}".replace(".", ",") + " %"


@dataclass(frozen=True)
class Percent:
    """A rate (0.125 for 12,5 %) for :func:`append_row`: a number cell with a percent format."""

    value: float | None


def _local_naive(value: datetime) -> datetime:
    """Excel has no time zones: an aware instant is written as Vietnam's wall-clock time."""
    if value.tzinfo is not None:
        from oneStop.domain.clock import VN_TZ

        value = value.astimezone(VN_TZ).replace(tzinfo=None)
    return value


def append_row(sheet: Any, values: Iterable[Any], *, text_columns: Iterable[int] = ()) -> None:
    """``sheet.append(values)``, with every text cell stored as text, never as a formula; a
    date or datetime as a date cell with a Vietnamese format; a :class:`Percent` as a number
    with a percent format. ``text_columns`` (1-based) also get the text format, so that a code
    edited in the spreadsheet stays text."""
    values = list(values)
    formats: dict[int, str] = {}
    cells: list[Any] = []
    for column, v in enumerate(values, start=1):
        if isinstance(v, str):
            v = xml_safe(v)
        elif isinstance(v, datetime):
            v, formats[column] = _local_naive(v), DATETIME_FORMAT
        elif isinstance(v, date):
            formats[column] = DATE_FORMAT
        elif isinstance(v, Percent):
            v, formats[column] = (None if v.value is None else float(v.value)), PERCENT_FORMAT
        cells.append(v)
    sheet.append(cells)
    row = sheet.max_row
    for column in text_columns:
        formats[column] = TEXT_FORMAT
    for column, fmt in formats.items():
        sheet.cell(row=row, column=column).number_format = fmt
    for column, value in enumerate(cells, start=1):
        if isinstance(value, str) and value:
            cell = sheet.cell(row=row, column=column)
            cell.data_type = "s"
            if is_formula_like(value):
                cell.quotePrefix = True


def print_setup(sheet: Any, *, header_rows: str | None = None, landscape: bool = True) -> None:
    """A4, landscape for a wide sheet, fit to the page's width (as many pages down as needed),
    narrow margins, and ``header_rows`` (e.g. ``"4:5"``) printed again on every page."""
    from openpyxl.worksheet.page import PageMargins

    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(left=0.5, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    sheet.print_options.horizontalCentered = True
    if header_rows:
        sheet.print_title_rows = header_rows
