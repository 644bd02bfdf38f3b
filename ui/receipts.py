"""Documents from the core to paper: a dossier's receipt (the reception view, a dossier's
detail), its other forms, the handover list, the tracking book and the periodic report. The core
makes the PDF (and records the print), then the UI sends it to this counter's printer without a
dialog, or shows the preview while no printer is chosen or when the printer fails. Everything
blocking runs in the task runner, quietly: the status bar tells, the keyboard stays where it is."""

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



#: The forms' numbers, as the official knows them.
FORM_NUMBERS = {"supplement": "02", "refusal": "03", "apology": "04", "stop": "05 (2025)", "control-sheet": "05"}


def _say(parent: QWidget | None, text: str, timeout_ms: int = 0) -> None:
    """Show ``text`` in the status bar of ``parent``'s main window, if it has one (never a
    dialog: it would take the keyboard)."""
    window = parent.window() if parent is not None else None
    while window is not None and not isinstance(window, QMainWindow):  # a dialog: its main window
        owner = window.parentWidget()
        window = owner.window() if owner is not None else None
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
        self.print_document(
            lambda: app.printing.receipt(user, code), parent,
            making=self.tr("Đang tạo phiếu tiếp nhận %1…").replace("%1", code),
            not_printed=self.tr("Phiếu của hồ sơ %1 đã được tạo nhưng chưa in ra giấy. "
                                "Có thể chọn máy in khác trong cửa sổ xem trước.").replace("%1", code),
            on_made=self.receipt_made.emit)

    def print_form(self, code: str, kind: str, parent: QWidget | None, *, title: str,
                   on_printed: Callable[[str], None] | None = None) -> None:
        """Form ``kind`` (Mẫu 02–05) of dossier ``code``, made and recorded by the core, to this
        counter's printer (or the preview), as :meth:`print_document` does."""
        app, user = self.app, self.user

        def make() -> PrintedReceipt:
            form = app.printing.form(user, kind, code)
            number = FORM_NUMBERS.get(kind, kind)
            return PrintedReceipt(code=f"{form.code} (mẫu {number})", pdf=form.pdf, reprint=False, paper=form.paper)

        self.print_document(
            make, parent, making=self.tr("Đang tạo phiếu của hồ sơ %1…").replace("%1", code),
            not_printed=self.tr("Phiếu của hồ sơ %1 đã được tạo nhưng chưa in ra giấy. Có thể chọn máy in khác "
                                "trong cửa sổ xem trước.").replace("%1", code),
            title=title, on_printed=on_printed)

    def print_document(self, make: Callable[[], PrintedReceipt], parent: QWidget | None, *, making: str,
                       not_printed: str, title: str | None = None,
                       on_made: Callable[[PrintedReceipt], None] | None = None,
                       on_printed: Callable[[str], None] | None = None) -> None:
        """Make a document (``make`` runs in the task runner; the core records the print) and put
        it on this counter's printer without a dialog; the preview opens while no printer is chosen
        or when the printer fails (``not_printed`` says so). Quiet: no progress dialog, which would
        take the keyboard; the status bar tells (``making``)."""
        app = self.app

        def job() -> tuple[PrintedReceipt, str]:
            return make(), app.settings.get(S.PRINTER)

        def made(result: tuple[PrintedReceipt, str]) -> None:
            document, printer = result
            if on_made is not None:
                on_made(document)
            self.print_made(document, printer, parent, not_printed=not_printed, title=title, on_printed=on_printed)

        def failed(exc: BaseException) -> None:
            _say(parent, "")
            show_error(parent, exc)

        _say(parent, making)
        self.tasks.submit(job, on_done=made, on_error=failed, parent=parent, quiet=True)

    def print_made(self, document: PrintedReceipt, printer: str, parent: QWidget | None, *, not_printed: str,
                   title: str | None = None, on_printed: Callable[[str], None] | None = None) -> None:
        """``document`` to ``printer``, or to the preview (no printer chosen, or it failed)."""
        def preview(chosen: str) -> None:
            dialog = self.preview(document, chosen, parent, title=title)
            if on_printed is not None:
                dialog.printed.connect(on_printed)

        if not printer:
            _say(parent, "")
            preview("")
            return

        def failed(exc: BaseException) -> None:
            show_error(parent, exc, context=not_printed)
            preview(printer)

        self.send_to_printer(document, printer, parent=parent, on_done=on_printed, on_error=failed)

    def send_to_printer(self, receipt: PrintedReceipt, printer: str, *, parent: QWidget | None = None,
                        on_done: Callable[[str], None] | None = None,
                        on_error: Callable[[BaseException], None] | None = None) -> None:
        """Put the receipt's pages on ``printer`` (in the task runner)."""

        def job(progress: Callable[[int, int], None]) -> int:
            return printing.print_pdf(receipt.pdf, printing.printer_named(printer), title=receipt.code,
                                      progress=progress)

        def done(_pages: int) -> None:
            _say(parent, QCoreApplication.translate("ReceiptPrinting", "Đã gửi %1 tới máy in %2.").replace(
                "%1", receipt.code).replace("%2", printer), 8000)
            self.printed.emit(receipt, printer)
            if on_done is not None:
                on_done(printer)

        def failed(exc: BaseException) -> None:
            _say(parent, "")
            if on_error is not None:
                on_error(exc)
            else:
                show_error(parent, exc)

        _say(parent, QCoreApplication.translate("ReceiptPrinting", "Đang in %1…").replace("%1", receipt.code))
        # printing goes on in the background: the official types on meanwhile
        self.tasks.submit(job, on_done=done, on_error=failed, parent=parent, quiet=True)

    def remember_printer(self, printer: str) -> None:
        """Keep ``printer`` as this counter's printer (the ``print.printer`` setting)."""
        app, user = self.app, self.user
        self.tasks.submit(lambda: app.settings.set(user, S.PRINTER, printer), quiet=True)

    def preview(self, receipt: PrintedReceipt, printer: str, parent: QWidget | None, *,
                title: str | None = None) -> PrintPreviewDialog:
        dialog = PrintPreviewDialog.present(self, receipt, printer, parent)
        if title:
            dialog.setWindowTitle(title)
        self.previewed.emit(dialog)
        return dialog
