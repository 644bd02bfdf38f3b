"""One way to turn a book or a report into JSON, XLSX or PDF bytes."""

from __future__ import annotations

import json
from typing import Any, Callable

from oneStop.domain.errors import ValidationError

FORMATS = ("json", "xlsx", "pdf")


def export_format(fmt: str) -> str:
    """The format, lower case, or a ValidationError naming the field.

    >>> export_format("PDF")
    'pdf'
    """
    fmt = (fmt or "").strip().lower()
    if fmt not in FORMATS:
        raise ValidationError("format", "phải là json, xlsx hoặc pdf")
    return fmt


def render(fmt: str, *, data: Callable[[], Any], xlsx: Callable[[], bytes], pdf: Callable[[], bytes]) -> bytes:
    """Only the renderer asked for runs; JSON is the same numbers as the printed ones."""
    fmt = export_format(fmt)
    if fmt == "json":
        return json.dumps(data(), ensure_ascii=False, indent=2).encode("utf-8")
    return xlsx() if fmt == "xlsx" else pdf()
