"""Cells of every spreadsheet the program writes (XLSX and CSV): text stays text.

A name, an address or a note that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return would be read by Excel or LibreOffice as a formula (CSV/formula injection). Every export
goes through this module:

* XLSX: text is stored as a string cell (``data_type 's'``) with the *quote prefix* style, the
  workbook's own "this is text" mark, so the value read back is the text itself;
* CSV: such text gets a leading apostrophe (``'``), which spreadsheet programs show as text.

Characters XML cannot hold (controls, lone surrogates, U+FFFE/U+FFFF), which older data may
still contain, are replaced by U+FFFD so that a workbook is always valid.

>>> csv_cell("=1+1"), csv_cell("-5"), csv_cell("Nguyễn Văn An"), csv_cell(-5)
("'=1+1", "'-5", 'Nguyễn Văn An', -5)
>>> is_formula_like("@SUM(A1)"), is_formula_like("\\tx"), is_formula_like("a=b")
(True, True, False)
>>> xml_safe("a\\x00b\\uffff")
'a\\ufffdb\\ufffd'
"""

from __future__ import annotations

import re
from typing import Any, Iterable

__all__ = ["FORMULA_STARTS", "append_row", "csv_cell", "csv_row", "is_formula_like", "xml_safe"]

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


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """``sheet.append(values)``, with every text cell stored as text, never as a formula."""
    values = [xml_safe(v) if isinstance(v, str) else v for v in values]
    sheet.append(values)
    row = sheet.max_row
    for column, value in enumerate(values, start=1):
        if isinstance(value, str) and value:
            cell = sheet.cell(row=row, column=column)
            cell.data_type = "s"
            if is_formula_like(value):
                cell.quotePrefix = True
