"""Errors are types in the core and words here: the one place that turns an exception into
sentences for the person at the counter.

Every error the core raises on purpose (:class:`~oneStop.domain.errors.OneStopError`) already
carries a Vietnamese sentence; a validation error names its field. This module adds the words
for what the core cannot know (a file that cannot be read, a printer that is gone, a bug) and
shows them.
"""

from __future__ import annotations

import logging
import sys
from types import TracebackType

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from oneStop.domain.errors import (
    OneStopError,
    StorageProblem,
    ValidationError,
    ValidationErrors,
)

log = logging.getLogger(__name__)


class PrinterUnavailable(Exception):
    """The UI could not send a document to the printer (the printer, not the core, failed)."""

    def __init__(self, printer: str, reason: str = "") -> None:
        super().__init__(f"{printer}: {reason}" if reason else printer)
        self.printer = printer
        self.reason = reason


def field_errors(exc: BaseException) -> list[ValidationError]:
    """The validation errors inside ``exc``, in form order (empty for other errors)."""
    if isinstance(exc, ValidationErrors):
        return list(exc.errors)
    if isinstance(exc, ValidationError):
        return [exc]
    return []


def describe(exc: BaseException) -> str:
    """What went wrong, in sentences for the official. One line per field for validation errors.

    >>> from oneStop.domain.errors import InvalidCitizenId, InvalidPhone
    >>> print(describe(ValidationErrors([InvalidCitizenId("citizen_id", "phải gồm 12 chữ số"),
    ...                                  InvalidPhone("phone", "sai")])))
    • Số định danh cá nhân (CCCD): phải gồm 12 chữ số
    • Số điện thoại: sai
    """
    fields = field_errors(exc)
    if len(fields) > 1:
        return "\n".join(f"• {e}" for e in fields)
    if fields:
        return str(fields[0])
    if isinstance(exc, PrinterUnavailable):
        text = QCoreApplication.translate("errors", "Không in được trên máy in “%1”.")
        return f"{text.replace('%1', exc.printer or '?')} {exc.reason}".strip()
    if isinstance(exc, OneStopError):
        return str(exc)
    if isinstance(exc, PermissionError):
        text = QCoreApplication.translate("errors", "Không có quyền ghi hoặc đọc tệp: %1")
        return text.replace("%1", str(exc.filename or exc))
    if isinstance(exc, FileNotFoundError):
        text = QCoreApplication.translate("errors", "Không tìm thấy tệp: %1")
        return text.replace("%1", str(exc.filename or exc))
    if isinstance(exc, OSError):
        text = QCoreApplication.translate("errors", "Lỗi đọc, ghi dữ liệu trên đĩa: %1")
        return text.replace("%1", exc.strerror or str(exc))
    text = QCoreApplication.translate(
        "errors", "Đã xảy ra lỗi ngoài dự kiến (%1). Hãy báo quản trị viên; chi tiết đã được ghi lại.")
    return text.replace("%1", type(exc).__name__)


def title(exc: BaseException) -> str:
    """The title of the message box for ``exc``."""
    if field_errors(exc):
        return QCoreApplication.translate("errors", "Thông tin chưa hợp lệ")
    if isinstance(exc, PrinterUnavailable):
        return QCoreApplication.translate("errors", "Không in được")
    if isinstance(exc, (StorageProblem, OSError)):
        return QCoreApplication.translate("errors", "Lỗi lưu trữ")
    if isinstance(exc, OneStopError):
        return QCoreApplication.translate("errors", "Không thực hiện được")
    return QCoreApplication.translate("errors", "Lỗi")


def log_error(exc: BaseException) -> None:
    """Put ``exc`` in the log once: a bug (anything not a refusal by the core) or a disk or
    printer failure with its traceback, a refusal by its type only (its sentence may name
    the applicant)."""
    if getattr(exc, "_onestop_logged", False):
        return
    mark_logged(exc)
    if isinstance(exc, OneStopError):
        log.info("refused: %s", type(exc).__name__)
    else:
        log.error("error shown to the user: %s", type(exc).__name__, exc_info=exc)


def mark_logged(exc: BaseException) -> None:
    """``exc`` is in the log already: :func:`log_error` will not write it again."""
    try:
        exc._onestop_logged = True  # type: ignore[attr-defined]
    except AttributeError:  # pragma: no cover - exceptions with __slots__
        pass


def show_error(parent: QWidget | None, exc: BaseException, *, context: str = "") -> None:
    """Tell the official what went wrong, in a message box; ``context`` is a first sentence
    (for instance: the dossier is saved, only the printing failed). The error is logged."""
    log_error(exc)
    text = describe(exc)
    if context:
        text = f"{context}\n\n{text}"
    box = QMessageBox(QMessageBox.Icon.Warning, title(exc), text, QMessageBox.StandardButton.NoButton, parent)
    box.addButton(QCoreApplication.translate("errors", "Đóng"), QMessageBox.ButtonRole.AcceptRole)
    ErrorBox.show_box(box)


class ErrorBox:
    """Indirection so that tests can record error boxes instead of blocking on them."""

    @classmethod
    def show_box(cls, box: QMessageBox) -> None:
        box.exec()


_showing_uncaught = False


def handle_uncaught(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """``sys.excepthook`` of the desktop program: an exception no code caught (PySide6 hands
    exceptions raised in slots and event handlers here) is logged with its traceback and shown
    to the official; the program goes on."""
    global _showing_uncaught
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    log.critical("uncaught exception: %s", exc_type.__name__, exc_info=(exc_type, exc, tb))
    mark_logged(exc)
    from PySide6.QtWidgets import QApplication

    if _showing_uncaught or QApplication.instance() is None:
        return  # an error inside the error box itself: the log has it
    _showing_uncaught = True
    try:
        show_error(QApplication.activeWindow(), exc)
    finally:
        _showing_uncaught = False
