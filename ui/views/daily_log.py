"""The supervisor's tracking book (Sổ theo dõi hồ sơ, Mẫu 06) and the day's review and sign-off.

Everything that touches the database or the disk goes through the task runner: loading the
book and the review, exporting, signing off. The window never waits.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDate,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from oneStop.domain.clock import local_date
from oneStop.domain.models import Channel, DossierStatus, User
from oneStop.services.app import App
from oneStop.services.printing import PrintedReceipt
from oneStop.services.supervision import DailyLog, DayReview, LogFilter, LogRow
from ui import format as fmt
from ui.files import write_atomically
from ui.receipts import ReceiptPrinting
from ui.tasks import TaskRunner

Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("DailyLogView", text)


class DailyLogModel(QAbstractTableModel):
    """The book's rows; overdue and late rows are tinted."""

    COLUMNS = ("STT", "Mã hồ sơ", "Thủ tục", "Số bộ", "Người nộp", "Địa chỉ, điện thoại", "Cơ quan giải quyết",
               "Nhận", "Hẹn trả", "Chuyển", "Nhận kết quả", "Trả", "Nhận kết quả tại", "Trạng thái", "Tiến độ")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[LogRow] = []

    def set_rows(self, rows: list[LogRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt name)
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _tr(self.COLUMNS[section])
        return None

    def _cells(self, r: LogRow) -> tuple[str, ...]:
        def when(value: Any) -> str:
            return fmt.date_time(value) if value else ""

        return (str(r.number), r.code, r.procedure_name, str(r.sets), r.applicant,
                ", ".join(x for x in (r.address, r.phone) if x), r.agency, when(r.received_at), when(r.due_at),
                when(r.transferred_at), when(r.result_at), when(r.returned_at), r.return_method, r.status_label,
                r.timeliness_label)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells(r)[index.column()]
        if role == Qt.ItemDataRole.BackgroundRole and r.timeliness in ("overdue", "late"):
            return QBrush(QColor("#fde2e1"))
        if role == Qt.ItemDataRole.UserRole:
            return r
        return None


#: Columns are sized to the content of this many rows (all of a day's, not of a year's).
RESIZE_PRECISION_ROWS = 500


class SignOffDialog(QDialog):
    """The supervisor's comment on the day."""

    def __init__(self, day: date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_tr("Ký duyệt ngày %1").replace("%1", f"{day:%d/%m/%Y}"))
        self.comment = QPlainTextEdit()
        self.comment.setPlaceholderText(_tr("Nhận xét (không bắt buộc)"))
        self.comment.setTabChangesFocus(True)  # Tab leaves the comment; Enter signs (Shift+Enter: new line)
        self.comment.installEventFilter(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_tr("Ký duyệt"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_tr("Huỷ"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_tr("Ký duyệt sổ theo dõi hồ sơ %1. Mọi thay đổi sau khi ký sẽ được báo.")
                                .replace("%1", fmt.span(day, day))))
        layout.addWidget(self.comment)
        layout.addWidget(buttons)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if watched is self.comment and event.type() == QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (  # type: ignore[attr-defined]
                    event.modifiers() & Qt.KeyboardModifier.ShiftModifier):  # type: ignore[attr-defined]
                self.accept()
                return True
        return False

    @classmethod
    def ask(cls, parent: QWidget | None, day: date) -> str | None:
        dialog = cls(day, parent)
        return dialog.comment.toPlainText() if dialog.exec() == QDialog.DialogCode.Accepted else None


class DailyLogView(QWidget):
    """Dates and filters, the book, its totals, the day's review and the sign-off."""

    loaded = Signal(object)  # DailyLog
    reviewed = Signal(object)  # DayReview
    exported = Signal(str)
    printed = Signal(str)  # the printer  # the file written

    def __init__(self, app: App, tasks: TaskRunner, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._tasks = tasks
        self._user = user
        self.log: DailyLog | None = None
        self.review: DayReview | None = None

        day = local_date(app.clock())  # Vietnam's business day, whatever the PC's own time zone
        today = QDate(day.year, day.month, day.day)
        self.date_from = QDateEdit(today)
        self.date_to = QDateEdit(today)
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        self.channel = QComboBox()
        self.channel.addItem(_tr("Mọi kênh"), None)
        for channel in Channel:
            self.channel.addItem(channel.label, channel.value)
        self.status = QComboBox()
        self.status.addItem(_tr("Mọi trạng thái"), None)
        for status in DossierStatus:
            self.status.addItem(status.label, status.value)
        self.counter = QSpinBox()
        self.counter.setRange(0, 999)
        self.counter.setSpecialValueText(_tr("Mọi quầy"))
        self.official = QLineEdit()
        self.official.setPlaceholderText(_tr("tên đăng nhập"))
        self.procedure = QLineEdit()
        self.procedure.setPlaceholderText(_tr("mã thủ tục"))
        self.field = QLineEdit()
        self.field.setPlaceholderText(_tr("lĩnh vực"))
        self.overdue = QCheckBox(_tr("Chỉ hồ sơ quá hạn"))
        self.show_button = QPushButton(_tr("Xem sổ"))
        self.show_button.clicked.connect(self.refresh)

        filters = QHBoxLayout()
        for label, widget in ((_tr("Từ ngày"), self.date_from), (_tr("đến"), self.date_to), (_tr("Kênh"), self.channel),
                              (_tr("Trạng thái"), self.status), (_tr("Quầy"), self.counter)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addStretch(1)
        more = QHBoxLayout()
        for label, widget in ((_tr("Công chức"), self.official), (_tr("Thủ tục"), self.procedure),
                              (_tr("Lĩnh vực"), self.field)):
            more.addWidget(QLabel(label))
            more.addWidget(widget)
        more.addWidget(self.overdue)
        more.addWidget(self.show_button)
        more.addStretch(1)

        self.model = DailyLogModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setResizeContentsPrecision(RESIZE_PRECISION_ROWS)
        self.table.setAlternatingRowColors(True)
        self.totals = QLabel()
        self.totals.setWordWrap(True)
        self.review_label = QLabel()
        self.review_label.setWordWrap(True)
        self.review_label.setTextFormat(Qt.TextFormat.RichText)

        self.xlsx_button = QPushButton(_tr("Xuất Excel"))
        self.pdf_button = QPushButton(_tr("Lưu PDF…"))
        self.print_button = QPushButton(_tr("In (Ctrl+P)"))
        self.print_button.setShortcut(QKeySequence("Ctrl+P"))
        self.print_button.clicked.connect(self.print_document)
        self.printing = ReceiptPrinting(app, tasks, user, self)
        self.sign_button = QPushButton(_tr("Ký duyệt ngày"))
        self.xlsx_button.clicked.connect(lambda: self.export("xlsx"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.sign_button.clicked.connect(self.sign_off)
        actions = QHBoxLayout()
        actions.addWidget(self.xlsx_button)
        actions.addWidget(self.pdf_button)
        actions.addWidget(self.print_button)
        actions.addStretch(1)
        actions.addWidget(self.sign_button)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(more)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)
        layout.addLayout(actions)
        layout.addWidget(self.review_label)

    # --- loading ---------------------------------------------------------------------------------

    def current_filter(self) -> LogFilter:
        return LogFilter(counter=self.counter.value() or None, official=self.official.text().strip() or None,
                         procedure=self.procedure.text().strip() or None, field=self.field.text().strip() or None,
                         channel=self.channel.currentData(), status=self.status.currentData(),
                         overdue=self.overdue.isChecked())

    def _dates(self) -> tuple[date, date]:
        return self.date_from.date().toPython(), self.date_to.date().toPython()

    def refresh(self) -> None:
        app, user, flt = self._app, self._user, self.current_filter()
        start, end = self._dates()

        def load() -> tuple[DailyLog, DayReview]:
            return app.supervision.daily_log(user, start, end, flt), app.supervision.day_review(user, start)

        self._tasks.submit(load, on_done=self._on_loaded, parent=self, progress_label=_tr("Đang tải sổ theo dõi…"))

    def _on_loaded(self, result: tuple[DailyLog, DayReview]) -> None:
        self.log, self.review = result
        self.model.set_rows(list(self.log.rows))
        self.table.resizeColumnsToContents()  # whole codes and dates (the first rows measure it)
        t = self.log.totals
        rate = t.get("on_time_rate")
        start, end = self._dates()
        self.totals.setText(
            fmt.span(start, end).capitalize() + ": " +
            _tr("Tổng số %1 hồ sơ · trực tiếp %2 · bưu chính %3 · trực tuyến %4 · quá hạn đang giải quyết %5%6")
            .replace("%1", str(t["dossiers"])).replace("%2", str(t["by_channel"]["direct"]))
            .replace("%3", str(t["by_channel"]["postal"])).replace("%4", str(t["by_channel"]["online"]))
            .replace("%5", str(t["by_timeliness"]["overdue"]))
            .replace("%6", "" if rate is None else _tr(" · đúng hạn %1").replace("%1", fmt.percent(rate)))
        )
        self.review_label.setText(self._review_html(self.review))
        self.loaded.emit(self.log)
        self.reviewed.emit(self.review)

    @staticmethod
    def _review_html(review: DayReview) -> str:
        parts = []
        for c in review.counters:
            parts.append(_tr("Quầy %1: nhận %2, trả %3, từ chối %4, in lại %5, giao bưu chính %6")
                         .replace("%1", str(c.counter)).replace("%2", str(c.received)).replace("%3", str(c.returned))
                         .replace("%4", str(c.refused)).replace("%5", str(c.reprinted)).replace("%6", str(c.to_post)))
        parts.append(_tr("Đến hạn ngày làm việc tới: %1 · quá hạn: %2")
                     .replace("%1", str(len(review.due_next_working_day))).replace("%2", str(len(review.overdue))))
        if review.sign_off is None:
            parts.append(_tr("<b>Chưa ký duyệt.</b>"))
        else:
            s = review.sign_off
            parts.append(_tr("<b>Đã ký duyệt</b> bởi %1 lúc %2. Nhận xét: %3")
                         .replace("%1", s.by_name or s.by).replace("%2", f"{s.at:%H:%M %d/%m/%Y}")
                         .replace("%3", s.comment or "—"))
        if review.changed_after_sign_off:
            kinds = ", ".join(sorted({c["kind"] for c in review.changed_after_sign_off}))
            parts.append('<span style="color:#b00020"><b>' + _tr("Có %1 thay đổi sau khi ký duyệt (%2).")
                         .replace("%1", str(len(review.changed_after_sign_off))).replace("%2", kinds) + "</b></span>")
        return "<br>".join(parts)

    # --- export and sign-off -------------------------------------------------------------------------

    @classmethod
    def ask_save_path(cls, parent: QWidget, suggested: str, fmt_name: str) -> str:
        pattern = "Excel (*.xlsx)" if fmt_name == "xlsx" else "PDF (*.pdf)"
        path, _ = QFileDialog.getSaveFileName(parent, _tr("Lưu sổ theo dõi"), suggested, pattern)
        return path

    def export(self, fmt_name: str) -> None:
        if self.log is None:
            return
        start, end = self._dates()
        suggested = f"so-theo-doi-{start:%Y%m%d}" + ("" if start == end else f"-{end:%Y%m%d}") + f".{fmt_name}"
        path = self.ask_save_path(self, suggested, fmt_name)
        if not path:
            return
        app, user, log = self._app, self._user, self.log

        def write() -> str:
            return write_atomically(path, app.supervision.export_log(user, log, fmt_name))

        self._tasks.submit(write, on_done=self.exported.emit, parent=self, progress_label=_tr("Đang xuất…"))

    def print_document(self) -> None:
        """The tracking book on screen to this counter's printer (or the preview)."""
        if self.log is None:
            return
        start, end = self._dates()
        span = f"{start:%d/%m/%Y}" + ("" if start == end else f"–{end:%d/%m/%Y}")
        app, user, log = self._app, self._user, self.log

        def make() -> PrintedReceipt:
            return PrintedReceipt(code=span, pdf=app.supervision.export_log(user, log, "pdf"), reprint=False,
                                  paper="A4")

        self.printing.print_document(
            make, self, making=_tr("Đang tạo sổ theo dõi %1…").replace("%1", span),
            not_printed=_tr("Sổ theo dõi %1 chưa in ra giấy. Có thể chọn máy in khác trong cửa sổ xem trước.")
            .replace("%1", span), title=_tr("Sổ theo dõi hồ sơ — %1").replace("%1", span),
            on_printed=self.printed.emit)

    def sign_off(self) -> None:
        day = self._dates()[0]
        comment = SignOffDialog.ask(self, day)
        if comment is None:
            return
        app, user = self._app, self._user
        self._tasks.submit(lambda: app.supervision.sign_off(user, day, comment), on_done=lambda _s: self.refresh(),
                           parent=self)
