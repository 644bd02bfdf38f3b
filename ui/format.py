"""How dates, times and money are written on screen (business time is Asia/Ho_Chi_Minh)."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QCoreApplication

from oneStop.domain.clock import to_local


def _weekday(index: int) -> str:
    names = (
        QCoreApplication.translate("format", "thứ Hai"),
        QCoreApplication.translate("format", "thứ Ba"),
        QCoreApplication.translate("format", "thứ Tư"),
        QCoreApplication.translate("format", "thứ Năm"),
        QCoreApplication.translate("format", "thứ Sáu"),
        QCoreApplication.translate("format", "thứ Bảy"),
        QCoreApplication.translate("format", "Chủ nhật"),
    )
    return names[index]


def date_time(value: datetime) -> str:
    """``09:15 23/11/2026`` in Vietnam time."""
    return f"{to_local(value):%H:%M %d/%m/%Y}"


def appointment(value: datetime) -> str:
    """``09:15, thứ Ba 01/12/2026``: the appointment as the official reads it out."""
    local = to_local(value)
    return f"{local:%H:%M}, {_weekday(local.weekday())} {local:%d/%m/%Y}"


def money(amount: int) -> str:
    """Whole đồng with dots between thousands: ``20.000 đ``."""
    return f"{amount:,}".replace(",", ".") + " đ"


def percent(fraction: float, digits: int = 1) -> str:
    """A share as Vietnamese write it: a decimal comma.

    >>> percent(0.935), percent(1.0)
    ('93,5%', '100,0%')
    """
    return f"{fraction * 100:.{digits}f}".replace(".", ",") + "%"


def span(start: date, end: date) -> str:
    """The days a page covers: one day, or from … to ….

    >>> span(date(2026, 12, 5), date(2026, 12, 5)), span(date(2026, 12, 1), date(2026, 12, 5))
    ('ngày 05/12/2026', 'từ 01/12/2026 đến 05/12/2026')
    """
    if start == end:
        return QCoreApplication.translate("format", "ngày %1").replace("%1", f"{start:%d/%m/%Y}")
    return QCoreApplication.translate("format", "từ %1 đến %2").replace("%1", f"{start:%d/%m/%Y}").replace(
        "%2", f"{end:%d/%m/%Y}")
