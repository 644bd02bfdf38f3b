"""The receipt on screen before it goes to paper: its pages, the printer of this counter, and
Print / Choose printer / Save as PDF / Close."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from oneStop.services.printing import PrintedReceipt
from ui import printing
from ui.errors import show_error
from ui.widgets.common import dialog_buttons, ok_button


if TYPE_CHECKING:
    from ui.receipts import ReceiptPrinting


class PrinterChoiceDialog(QDialog):
    """Pick one of the system's printers."""

    def __init__(self, printers: list[str], current: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Chọn máy in"))
        self.printers = QComboBox()
        self.printers.addItems(printers)
        if current in printers:
            self.printers.setCurrentText(current)
        form = QFormLayout()
        form.addRow(self.tr("Máy in của quầy"), self.printers)
        buttons = dialog_buttons(self.tr("Chọn"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if not printers:
            layout.addWidget(QLabel(self.tr("Máy tính này chưa cài máy in nào.")))
            ok_button(buttons).setEnabled(False)
        layout.addLayout(form)
        layout.addWidget(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, printers: list[str], current: str = "") -> str | None:
        dialog = cls(printers, current, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted or not printers:
            return None
        return dialog.printers.currentText()


class PrintPreviewDialog(QDialog):
    """Shows the pages of a printed receipt; :attr:`printed` is emitted once it went to paper."""

    printed = Signal(str)  # the printer's name

    #: An A5 page at the preview's resolution, the bar under it and the margins.
    PREFERRED_SIZE = QSize(720, 860)
    #: What the window manager adds around a window (title bar, borders) and a taskbar may take.
    FRAME_ROOM = QSize(40, 70)

    def __init__(self, flow: "ReceiptPrinting", receipt: PrintedReceipt, printer: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._flow = flow
        self.receipt = receipt
        self.printer = printer
        title = self.tr("Bản in lại — %1") if receipt.reprint else self.tr("Phiếu tiếp nhận — %1")
        self.setWindowTitle(title.replace("%1", receipt.code))
        self.resize(self.fitting_size(parent))

        self.pages = QWidget()
        self.pages_layout = QVBoxLayout(self.pages)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.pages_layout.addWidget(QLabel(self.tr("Đang dựng trang…")))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.pages)
        scroll.setStyleSheet("QScrollArea { background: #888; }")

        self.printer_label = QLabel()
        self.print_button = QPushButton(self.tr("In (Ctrl+P)"))
        self.print_button.setDefault(True)
        self.choose_button = QPushButton(self.tr("Chọn máy in…"))
        self.save_button = QPushButton(self.tr("Lưu PDF…"))
        self.close_button = QPushButton(self.tr("Đóng"))
        self.print_button.clicked.connect(self._on_print_clicked)
        self.choose_button.clicked.connect(lambda: self._on_choose_clicked())
        self.save_button.clicked.connect(self._on_save_clicked)
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Print, self, self._on_print_clicked)

        bar = QHBoxLayout()
        bar.addWidget(self.printer_label, 1)
        for button in (self.choose_button, self.save_button, self.print_button, self.close_button):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(bar)
        self._show_printer()
        self.rendered_pages = 0
        flow.tasks.submit(lambda: printing.render_pages(receipt.pdf, printing.PREVIEW_DPI),
                          on_done=self._on_rendered, quiet=True, parent=self)

    @classmethod
    def fitting_size(cls, parent: QWidget | None) -> QSize:
        """The preferred size, shrunk to the screen the dialog opens on: on a 1366×768 counter
        screen a 860-pixel window put its buttons (Lưu PDF…, Chọn máy in…) below the screen's
        edge. The page scrolls inside."""
        screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
        if screen is None:
            return cls.PREFERRED_SIZE
        return cls.PREFERRED_SIZE.boundedTo(screen.availableGeometry().size() - cls.FRAME_ROOM)

    @classmethod
    def present(cls, flow: "ReceiptPrinting", receipt: PrintedReceipt, printer: str = "",
                parent: QWidget | None = None) -> "PrintPreviewDialog":
        """Open the preview window-modal without blocking; returns it."""
        dialog = cls(flow, receipt, printer, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def _show_printer(self) -> None:
        self.printer_label.setText(
            self.tr("Máy in: %1").replace("%1", self.printer) if self.printer else self.tr("Chưa chọn máy in")
        )

    def _on_rendered(self, images: list) -> None:  # type: ignore[type-arg]
        while self.pages_layout.count():
            item = self.pages_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        for image in images:
            page = QLabel()
            page.setPixmap(QPixmap.fromImage(image))
            page.setStyleSheet("background: white; border: 1px solid #444;")
            self.pages_layout.addWidget(page)
        self.rendered_pages = len(images)

    def _on_choose_clicked(self, *, then_print: bool = False) -> None:
        """List the printers (in the task runner), let the official pick one, remember it."""
        self._flow.tasks.submit(printing.available_printers, parent=self,
                                on_done=lambda printers: self._on_printers_listed(printers, then_print))

    def _on_printers_listed(self, printers: list[str], then_print: bool) -> None:
        chosen = PrinterChoiceDialog.ask(self, printers, self.printer)
        if not chosen:
            return
        self.printer = chosen
        self._show_printer()
        self._flow.remember_printer(chosen)
        if then_print:
            self._on_print_clicked()

    def _on_print_clicked(self) -> None:
        if not self.printer:
            self._on_choose_clicked(then_print=True)
            return
        self.print_button.setEnabled(False)
        self._flow.send_to_printer(self.receipt, self.printer, parent=self,
                                   on_done=self._on_sent, on_error=self._on_print_failed)

    def _on_print_failed(self, exc: BaseException) -> None:
        self.print_button.setEnabled(True)
        show_error(self, exc)

    def _on_sent(self, printer: str) -> None:
        self.printed.emit(printer)
        self.accept()

    def _on_save_clicked(self) -> None:
        path = self.ask_pdf_path(self, f"{self.receipt.code}.pdf")
        if not path:
            return
        pdf = self.receipt.pdf

        def write() -> None:
            tmp = Path(path).with_name(Path(path).name + ".tmp")
            tmp.write_bytes(pdf)
            tmp.replace(path)

        self._flow.tasks.submit(write, parent=self, progress_label=self.tr("Đang lưu tệp…"))

    @staticmethod
    def ask_pdf_path(parent: QWidget, suggested: str) -> str:
        caption = QCoreApplication.translate("PrintPreviewDialog", "Lưu phiếu thành tệp PDF")
        path, _ = QFileDialog.getSaveFileName(parent, caption, suggested, "PDF (*.pdf)")
        return path
