"""Every setting declared once: key, type, default, Vietnamese help text, scope.

Values live in the local database (``settings`` table). ``agency`` settings are the same on
every counter of the agency (the central database will publish them); ``device`` settings
belong to this PC (its printer, for instance).

>>> RECEIPT_PAPER.parse("a4")
'A4'
>>> CUTOFF.parse("15:30")
'15:30'
>>> CODE_BLOCK_SIZE.parse("0")
Traceback (most recent call last):
...
oneStop.domain.errors.ValidationError: Thiết lập: Khối số hồ sơ của mỗi quầy (mỗi ngày): phải từ 1 đến 9999
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from oneStop.domain.errors import ValidationError
from oneStop.domain.text import forbidden_character


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    help: str
    scope: str  # "agency" | "device"
    parse: Callable[[Any], Any]
    admin_only: bool = False  # a device setting only an administrator changes
    #: a change takes effect from the next day: the counters' blocks of dossier numbers are
    #: fixed for a day once its first code is issued, on every counter alike
    next_day: bool = False
    #: what kind of value it is (:class:`IntRange`, :class:`Choice`, :class:`TimeOfDay`,
    #: :class:`Text`): the window picks its editor from it
    kind: Any = None


REGISTRY: dict[str, Setting] = {}


def _declare(key: str, default: Any, help: str, parse: Callable[[Any], Any], scope: str = "agency",
             *, admin_only: bool = False, next_day: bool = False) -> Setting:
    def checked(value: Any) -> Any:
        try:
            return parse(value)
        except (TypeError, ValueError) as exc:
            raise ValidationError("setting", f"{help}: {exc}") from None

    setting = Setting(key, default, help, scope, checked, admin_only, next_day, parse)
    REGISTRY[key] = setting
    return setting


@dataclass(frozen=True)
class IntRange:
    """A whole number from ``low`` to ``high`` (the window offers a spin box)."""

    low: int
    high: int

    def __call__(self, value: Any) -> int:
        if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
            raise ValueError("phải là số nguyên")
        try:
            number = int(value)
        except (TypeError, ValueError, OverflowError):
            raise ValueError("phải là số nguyên") from None
        if not self.low <= number <= self.high:
            raise ValueError(f"phải từ {self.low} đến {self.high}")
        return number


@dataclass(frozen=True)
class Choice:
    """One of a few words (the window offers a list)."""

    choices: tuple[str, ...]

    def __call__(self, value: Any) -> str:
        text = str(value).strip().upper()
        if text not in self.choices:
            raise ValueError(f"phải là một trong {', '.join(self.choices)}")
        return text


@dataclass(frozen=True)
class TimeOfDay:
    """A time ``HH:MM``; ``optional``: empty means "not applied" (the window offers a tick)."""

    optional: bool

    def __call__(self, value: Any) -> str:
        text = "" if value is None else str(value).strip()
        if self.optional and text == "":
            return ""
        m = re.fullmatch(r"(\d{1,2})[:hH](\d{2})", text)
        if not m or int(m[1]) > 23 or int(m[2]) > 59:
            raise ValueError("phải có dạng giờ:phút, ví dụ 15:00")
        return f"{int(m[1]):02d}:{m[2]}"


@dataclass(frozen=True)
class Text:
    """A line of text of at most ``max_len`` characters, nothing hidden in it."""

    max_len: int

    def __call__(self, value: Any) -> str:
        text = "" if value is None else str(value).strip()
        found = forbidden_character(text)
        if found is not None:
            raise ValueError(f"có ký tự không được phép {found[0]} ({found[1]})")
        if len(text) > self.max_len:
            raise ValueError(f"dài quá {self.max_len} ký tự")
        return text


@dataclass(frozen=True)
class TrackingFormats(Text):
    """The postal tracking-number patterns besides S10 (``oneStop.domain.tracking``)."""

    def __call__(self, value: Any) -> str:
        from oneStop.domain import tracking

        text = super().__call__(value)
        try:
            tracking.parse_formats(text)
        except ValidationError as exc:
            raise ValueError(exc.problem) from None
        return ";".join(p.strip() for p in text.split(";") if p.strip())


RECEIPT_PAPER = _declare("receipt.paper", "A5", "Khổ giấy in phiếu tiếp nhận", Choice(("A5", "A4")))
WORK_START = _declare("calendar.work_start", "07:30", "Giờ bắt đầu làm việc", TimeOfDay(False))
WORK_END = _declare("calendar.work_end", "17:00", "Giờ kết thúc làm việc", TimeOfDay(False))
CUTOFF = _declare(
    "calendar.cutoff",
    "15:00",
    "Giờ chốt tiếp nhận: hồ sơ nhận sau giờ này tính từ ngày làm việc tiếp theo (để trống: không áp dụng)",
    TimeOfDay(True),
)
CODE_BLOCK_SIZE = _declare(
    "codes.block_size", 1000, "Khối số hồ sơ của mỗi quầy (mỗi ngày)", IntRange(1, 9999), next_day=True
)
CODE_DIGITS = _declare("codes.digits", 4, "Số chữ số của số thứ tự trong mã hồ sơ", IntRange(4, 7),
                       next_day=True)
MAX_BACKDATE_DAYS = _declare(
    "reception.max_backdate_days", 30,
    "Số ngày tối đa được ghi thời điểm tiếp nhận lùi về trước (hồ sơ nhận khi máy chưa ghi được)",
    IntRange(0, 366),
)
PRINTER = _declare("print.printer", "", "Máy in phiếu của quầy này", Text(200), scope="device")
PRINT_COPIES = _declare("print.copies", 2, "Số liên phiếu tiếp nhận", IntRange(1, 3))
EARLY_DAYS = _declare(
    "lifecycle.early_days", 1, "Số ngày làm việc trước hẹn để tính là trả trước hạn", IntRange(1, 30)
)
MAX_EXTENSIONS = _declare(
    "lifecycle.max_extensions", 1,
    "Số lần tối đa xin lỗi và hẹn lại (gia hạn) thời gian giải quyết một hồ sơ", IntRange(1, 3)
)
TARGET_POSTAL_IN = _declare(
    "targets.postal_in_percent", 5, "Chỉ tiêu tỉ lệ hồ sơ tiếp nhận qua bưu chính công ích (%)", IntRange(0, 100)
)
TARGET_POSTAL_OUT = _declare(
    "targets.postal_out_percent", 20, "Chỉ tiêu tỉ lệ kết quả trả qua bưu chính công ích (%)", IntRange(0, 100)
)
DUE_SOON_DAYS = _declare("targets.due_soon_days", 2, "Số ngày làm việc tới để cảnh báo hồ sơ sắp đến hạn",
                         IntRange(1, 10))
REPORT_HEAD_NAME = _declare("report.head_name", "",
                            "Họ tên thủ trưởng cơ quan, đơn vị: ký báo cáo định kỳ và văn bản xin lỗi, gia hạn (để trống: ghi tay)", Text(100))
TRACKING_FORMATS = _declare(
    "postal.tracking_formats", "",
    "Các dạng số hiệu bưu gửi khác S10 được chấp nhận (chữ, số, \\d, ., [A-Z0-9], {n}, {n,m}, ?; cách nhau bởi ;)",
    TrackingFormats(500),
)
MAX_CLOCK_SKEW = _declare(
    "sync.max_clock_skew_minutes", 5, "Độ lệch đồng hồ tối đa so với máy chủ trung tâm (phút)", IntRange(1, 120)
)
LANGUAGE = _declare("ui.language", "vi", "Ngôn ngữ giao diện", Text(10), scope="device")
BACKUP_FOLDER = _declare(
    "backup.folder", "", "Thư mục lưu bản sao dữ liệu (để trống: thư mục backups trong thư mục dữ liệu)",
    Text(500), scope="device", admin_only=True,
)
BACKUP_KEEP_DAYS = _declare(
    "backup.keep_days", 30, "Số ngày giữ các bản sao dữ liệu trong thư mục sao lưu", IntRange(1, 3650),
    scope="device", admin_only=True,
)


def get(key: str) -> Setting:
    try:
        return REGISTRY[key]
    except KeyError:
        raise ValidationError("setting", f"không có thiết lập {key}") from None
