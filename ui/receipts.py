"""A dossier's receipt from the core to paper, shared by the reception view and a dossier's
detail: the core makes the PDF (and records the print or the reprint), then the UI sends it to
this counter's printer without a dialog, or shows the preview while no printer is chosen or
when the printer fails. Everything blocking runs in the task runner."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QMainWindow, QWidget

from oneStop import settings as S
from oneStop.domain.models import User
from oneStop.services.app import App
from oneStop.services.printing import PrintedReceipt
from ui import printing
from ui.dialogs.print_preview import PrintPreviewDialog
from ui.errors import show_error
from ui.tasks import TaskRunner



def _say(parent: QWidget | None, text: str, timeout_ms: int = 0) -> None:
    """Show ``text`` in the status bar of ``parent``'s main window, if it has one (never a
    dialog: it would take the keyboard)."""
    window = parent.window() if parent is not None else None
    if isinstance(window, QMainWindow):
        window.statusBar().showMessage(text, timeout_ms)


class ReceiptPrinting(QObject):
    """Print (or preview) receipts for one signed-in official."""

    receipt_made = Signal(object)  # PrintedReceipt: the core has made and recorded it
    printed = Signal(object, str)  # PrintedReceipt, printer: it went to the printer
    previewed = Signal(object)  # PrintPreviewDialog: opened because no printer is chosen or it failed

    def __init__(self, app: App, tasks: TaskRunner, user: User, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.tasks = tasks
        self.user = user

    def print_receipt(self, code: str, parent: QWidget | None = None) -> None:
        """Make the receipt of ``code`` (a reprint after the first time) and print it."""
        app, user = self.app, self.user

        def make() -> tuple[PrintedReceipt, str]:
            return app.printing.receipt(user, code), app.settings.get(S.PRINTER)

        _say(parent, self.tr("Đang tạo phiếu tiếp nhận %1…").replace("%1", code))
        # quiet: no progress dialog, which would take the keyboard from the next applicant's form
        self.tasks.submit(make, on_done=lambda result: self._on_made(result, parent), parent=parent, quiet=True)

    def _on_made(self, result: tuple[PrintedReceipt, str], parent: QWidget | None) -> None:
        receipt, printer = result
        self.receipt_made.emit(receipt)
        if not printer:
            self.preview(receipt, "", parent)
            return

        def failed(exc: BaseException) -> None:
            context = self.tr("Phiếu của hồ sơ %1 đã được tạo nhưng chưa in ra giấy. "
                              "Có thể chọn máy in khác trong cửa sổ xem trước.").replace("%1", receipt.code)
            show_error(parent, exc, context=context)
            self.preview(receipt, printer, parent)

        self.send_to_printer(receipt, printer, parent=parent, on_error=failed)

    def send_to_printer(self, receipt: PrintedReceipt, printer: str, *, parent: QWidget | None = None,
                        on_done: Callable[[str], None] | None = None,
                        on_error: Callable[[BaseException], None] | None = None) -> None:
        """Put the receipt's pages on ``printer`` (in the task runner)."""

        def job(progress: Callable[[int, int], None]) -> int:
            return printing.print_pdf(receipt.pdf, printing.printer_named(printer), title=receipt.code,
                                      progress=progress)

        def done(_pages: int) -> None:
            _say(parent, QCoreApplication.translate("ReceiptPrinting", "Đã gửi phiếu %1 tới máy in %2.").replace(
                "%1", receipt.code).replace("%2", printer), 8000)
            self.printed.emit(receipt, printer)
            if on_done is not None:
                on_done(printer)

        _say(parent, QCoreApplication.translate("ReceiptPrinting", "Đang in phiếu %1…").replace("%1", receipt.code))
        # printing goes on in the background: the official types on meanwhile
        def failed(exc: BaseException) -> None:
            _say(parent, "")
            if on_error is not None:
                on_error(exc)
            else:
                show_error(parent, exc)

        self.tasks.submit(job, on_done=done, on_error=failed, parent=parent, quiet=True)

    def remember_printer(self, printer: str) -> None:
        """Keep ``printer`` as this counter's printer (the ``print.printer`` setting)."""
        app, user = self.app, self.user
        self.tasks.submit(lambda: app.settings.set(user, S.PRINTER, printer), quiet=True)

    def preview(self, receipt: PrintedReceipt, printer: str, parent: QWidget | None) -> PrintPreviewDialog:
        dialog = PrintPreviewDialog.present(self, receipt, printer, parent)
        self.previewed.emit(dialog)
        return dialog
