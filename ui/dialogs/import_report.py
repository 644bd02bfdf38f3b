"""The outcome of a catalog import: the counts, or every row error (nothing was imported)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from oneStop.services.catalog import ImportReport
from ui.widgets.common import dialog_buttons


class ImportReportDialog(QDialog):
    def __init__(self, report: ImportReport, filename: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Nhập danh mục thủ tục"))
        self.resize(640, 420 if report.errors else 160)
        if report.ok:
            text = self.tr("Đã nhập %1: %2 thủ tục thêm mới, %3 cập nhật, %4 không đổi.")
            text = text.replace("%1", filename).replace("%2", str(report.added)).replace(
                "%3", str(report.updated)).replace("%4", str(report.unchanged))
        else:
            text = self.tr("Không nhập tệp %1: có %2 lỗi, danh mục giữ nguyên. Sửa các dòng dưới đây rồi nhập lại.")
            text = text.replace("%1", filename).replace("%2", str(len(report.errors)))
        self.summary = QLabel(text)
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        self.errors = QPlainTextEdit("\n".join(str(e) for e in report.errors))
        self.errors.setObjectName("row_errors")
        self.errors.setReadOnly(True)
        self.errors.setVisible(bool(report.errors))
        layout.addWidget(self.errors, 1)
        buttons = dialog_buttons(self.tr("Đóng"), cancel=False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @classmethod
    def show_report(cls, parent: QWidget | None, report: ImportReport, filename: str) -> None:
        cls(report, filename, parent).exec()
