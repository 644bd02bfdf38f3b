"""Reporting periods: a month, a quarter, six months or a year.

>>> parse_period("2026-10")
Period(label='Tháng 10 năm 2026', start=datetime.date(2026, 10, 1), end=datetime.date(2026, 10, 31), key='2026-10')
>>> parse_period("2026-Q3").start, parse_period("2026-q3").end
(datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))
>>> parse_period("2026-H1").label
'6 tháng đầu năm 2026'
>>> parse_period("2026").end
datetime.date(2026, 12, 31)
>>> parse_period("2026-13")
Traceback (most recent call last):
...
oneStop.domain.errors.InvalidFormat: Kỳ báo cáo: «2026-13» không hợp lệ; dùng 2026-10 (tháng), 2026-Q3 (quý), 2026-H1 (6 tháng) hoặc 2026 (năm)
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from oneStop.domain.errors import InvalidFormat


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date
    key: str


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_period(text: str) -> Period:
    key = (text or "").strip().upper()
    bad = InvalidFormat(
        "period",
        f"«{text}» không hợp lệ; dùng 2026-10 (tháng), 2026-Q3 (quý), 2026-H1 (6 tháng) hoặc 2026 (năm)",
    )
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2}|Q[1-4]|H[12]))?", key)
    if not m:
        raise bad
    year = int(m[1])
    if not 2000 <= year <= 2100:
        raise bad
    part = m[2]
    if part is None:
        return Period(f"Năm {year}", date(year, 1, 1), date(year, 12, 31), f"{year}")
    if part.startswith("Q"):
        q = int(part[1])
        return Period(f"Quý {['I', 'II', 'III', 'IV'][q - 1]} năm {year}", date(year, 3 * q - 2, 1),
                      _month_end(year, 3 * q), f"{year}-Q{q}")
    if part.startswith("H"):
        h = int(part[1])
        label = f"6 tháng đầu năm {year}" if h == 1 else f"6 tháng cuối năm {year}"
        return Period(label, date(year, 1 if h == 1 else 7, 1), _month_end(year, 6 if h == 1 else 12), f"{year}-H{h}")
    month = int(part)
    if not 1 <= month <= 12:
        raise bad
    return Period(f"Tháng {month} năm {year}", date(year, month, 1), _month_end(year, month), f"{year}-{month:02d}")
