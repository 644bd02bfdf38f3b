"""Biểu II.06a for a month, quarter, six months or year, and the per-official figures for the
same span; exported to XLSX or PDF. All through the task runner."""

from __future__ import annotations


from PySide6.QtCore import QCoreApplication, QDate, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from oneStop.domain.models import User
from oneStop.domain.periods import parse_period
from oneStop.services.app import App
from oneStop.services.printing import PrintedReceipt
from oneStop.services.reports import COLUMNS, PeriodicReport
from oneStop.services.supervision import OfficialFigures
from ui import format as fmt
from ui.files import write_atomically
from ui.receipts import ReceiptPrinting
from ui.tasks import TaskRunner

HEADERS = ("Lĩnh vực", "Tổng số tiếp nhận (3)", "Mới trực tuyến (4)", "Mới trực tiếp, BCCI (5)", "Kỳ trước chuyển qua (6)",
           "Đã giải quyết (7)", "Trước hạn (8)", "Đúng hạn (9)", "Quá hạn (10)", "Đang giải quyết (11)",
           "Chưa đến hạn (12)", "Quá hạn (13)")


def _tr(text: str) -> str:
    return QCoreApplication.translate("ReportView", text)


class ReportView(QWidget):
    loaded = Signal(object)  # (PeriodicReport, list[OfficialFigures])
    exported = Signal(str)
    printed = Signal(str)  # the printer

    def __init__(self, app: App, tasks: TaskRunner, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app, self._tasks, self._user = app, tasks, user
        self.report: PeriodicReport | None = None
        self.kind = QComboBox()
        for label, value in ((_tr("Tháng"), "month"), (_tr("Quý"), "quarter"), (_tr("6 tháng"), "half"),
                             (_tr("Năm"), "year")):
            self.kind.addItem(label, value)
        today = QDate.currentDate()
        self.year = QSpinBox()
        self.year.setRange(2000, 2100)
        self.year.setValue(today.year())
        self.part = QSpinBox()
        self.part.setRange(1, 12)
        self.part.setValue(today.month())
        self.kind.currentIndexChanged.connect(self._limit_part)
        self.show_button = QPushButton(_tr("Lập báo cáo"))
        self.show_button.clicked.connect(self.refresh)
        self.xlsx_button = QPushButton(_tr("Xuất Excel"))
        self.pdf_button = QPushButton(_tr("Lưu PDF…"))
        self.print_button = QPushButton(_tr("In (Ctrl+P)"))
        self.print_button.setShortcut(QKeySequence("Ctrl+P"))
        self.print_button.clicked.connect(self.print_document)
        self.printing = ReceiptPrinting(app, tasks, user, self)
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        top = QHBoxLayout()
        for widget in (QLabel(_tr("Kỳ")), self.kind, QLabel(_tr("số")), self.part, QLabel(_tr("năm")), self.year,
                       self.show_button, self.xlsx_button, self.pdf_button, self.print_button):
            top.addWidget(widget)
        top.addStretch(1)
        self.title = QLabel()
        self.basis = QLabel()  # what is counted where: received here, and when a running period is judged
        self.basis.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels([_tr(h) for h in HEADERS])
        # the same dossiers by processing agency (2025: a centre receives for other agencies)
        self.agencies = QTableWidget(0, len(HEADERS))
        self.agencies.setHorizontalHeaderLabels([_tr("Cơ quan giải quyết"), *(_tr(h) for h in HEADERS[1:])])
        self.officials = QTableWidget(0, 6)
        self.officials.setHorizontalHeaderLabels([_tr(h) for h in (
            "Công chức", "Tiếp nhận", "Trả kết quả", "Đã giải quyết", "Tỉ lệ đúng hạn", "Thời gian xử lý TB (giờ)")])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.title)
        layout.addWidget(self.basis)
        layout.addWidget(self.table, 2)
        layout.addWidget(QLabel(_tr("Theo cơ quan giải quyết")))
        layout.addWidget(self.agencies, 1)
        layout.addWidget(QLabel(_tr("Số liệu theo công chức")))
        layout.addWidget(self.officials, 1)

    def _limit_part(self) -> None:
        limits = {"month": 12, "quarter": 4, "half": 2, "year": 1}
        self.part.setMaximum(limits[self.kind.currentData()])
        self.part.setEnabled(self.kind.currentData() != "year")

    def period_key(self) -> str:
        year, part, kind = self.year.value(), self.part.value(), self.kind.currentData()
        return {"month": f"{year}-{part:02d}", "quarter": f"{year}-Q{part}", "half": f"{year}-H{part}",
                "year": f"{year}"}[kind]

    def refresh(self) -> None:
        app, user, key = self._app, self._user, self.period_key()
        period = parse_period(key)

        def load() -> tuple[PeriodicReport, list[OfficialFigures]]:
            return app.reports.periodic(user, period), app.supervision.officials(user, period.start, period.end)

        self._tasks.submit(load, on_done=self._show, parent=self, progress_label=_tr("Đang lập báo cáo…"))

    def _show(self, result: tuple[PeriodicReport, list[OfficialFigures]]) -> None:
        self.report, figures = result
        self.title.setText(f"{self.report.period.label} ({self.report.period.start:%d/%m/%Y} – "
                           f"{self.report.period.end:%d/%m/%Y})")
        basis = _tr("Hồ sơ tiếp nhận tại đơn vị này (mã %1), kể cả hồ sơ tiếp nhận thay cho cơ quan khác.").replace(
            "%1", self.report.receiving_point)
        if self.report.running and self.report.as_of is not None:
            basis += " " + _tr("Kỳ chưa kết thúc: hồ sơ đang giải quyết tính đến %1.").replace(
                "%1", fmt.date_time(self.report.as_of))
        self.basis.setText(basis)
        for table, rows in ((self.table, [*self.report.rows, self.report.total]),
                            (self.agencies, [*self.report.by_processing_agency, self.report.total])):
            table.setRowCount(len(rows))
            for r, row in enumerate(rows):
                for c, value in enumerate([row.field, *(getattr(row, name) for name in COLUMNS)]):
                    table.setItem(r, c, QTableWidgetItem(str(value)))
        self.officials.setRowCount(len(figures))
        for r, f in enumerate(figures):
            rate = "—" if f.on_time_rate is None else fmt.percent(f.on_time_rate)
            hours = "—" if f.average_handling_hours is None else f"{f.average_handling_hours:.1f}".replace(".", ",")
            for c, value in enumerate((f.full_name, f.received, f.returned, f.finished, rate, hours)):
                self.officials.setItem(r, c, QTableWidgetItem(str(value)))
        for table in (self.table, self.agencies, self.officials):  # headers whole, not cut mid-word
            table.resizeColumnsToContents()
        self.loaded.emit(result)

    @classmethod
    def ask_save_path(cls, parent: QWidget, suggested: str, fmt_name: str) -> str:
        pattern = "Excel (*.xlsx)" if fmt_name == "xlsx" else "PDF (*.pdf)"
        path, _ = QFileDialog.getSaveFileName(parent, _tr("Lưu báo cáo"), suggested, pattern)
        return path

    def print_document(self) -> None:
        """The report on screen to this counter's printer (or the preview)."""
        if self.report is None:
            return
        app, user, report = self._app, self._user, self.report
        key = report.period.key

        def make() -> PrintedReceipt:
            return PrintedReceipt(code=key, pdf=app.reports.export(user, report, "pdf"), reprint=False, paper="A4")

        self.printing.print_document(
            make, self, making=_tr("Đang tạo báo cáo %1…").replace("%1", key),
            not_printed=_tr("Báo cáo %1 chưa in ra giấy. Có thể chọn máy in khác trong cửa sổ xem trước.")
            .replace("%1", key), title=_tr("Báo cáo — %1").replace("%1", key), on_printed=self.printed.emit)

    def export(self, fmt_name: str) -> None:
        if self.report is None:
            return
        path = self.ask_save_path(self, f"bieu-II06a-{self.report.period.key}.{fmt_name}", fmt_name)
        if not path:
            return
        app, user, report = self._app, self._user, self.report

        def write() -> str:
            return write_atomically(path, app.reports.export(user, report, fmt_name))

        self._tasks.submit(write, on_done=self.exported.emit, parent=self, progress_label=_tr("Đang xuất…"))
