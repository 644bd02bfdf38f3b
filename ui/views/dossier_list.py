"""The dossier list: search by a scanned barcode, a name, a citizen ID or a phone; open one.

Every search goes to ``app.dossiers.find`` in the task runner. Scanning a receipt's barcode
(the scanner types the code and Enter) opens that dossier straight away.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from oneStop.domain.clock import local_date
from oneStop.domain.models import Dossier, User
from oneStop.services.app import App
from oneStop.services.dossiers import scanned_code
from ui import format as fmt
from ui.receipts import ReceiptPrinting
from ui.tasks import TaskRunner
from ui.views.dossier_detail import DossierDetailDialog


Index = QModelIndex | QPersistentModelIndex

#: Rows fetched per search (newest first).
SEARCH_LIMIT = 500


class DossierTableModel(QAbstractTableModel):
    """Dossiers as rows: code, received, applicant, procedure, due, status."""

    CODE, RECEIVED, APPLICANT, PROCEDURE, DUE, STATUS, CENTRAL = range(7)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dossiers: list[Dossier] = []
        self._own_agency = ""
        self._headers = (self.tr("Mã hồ sơ"), self.tr("Ngày nhận"), self.tr("Người nộp"), self.tr("Thủ tục"),
                         self.tr("Hẹn trả"), self.tr("Trạng thái"), self.tr("Trung tâm"))

    def set_dossiers(self, dossiers: list[Dossier], own_agency: str = "") -> None:
        """``own_agency``: this PC's; a dossier another agency received (and shares with this
        one: cross-boundary reception) is marked as such."""
        self.beginResetModel()
        self._dossiers = list(dossiers)
        self._own_agency = own_agency
        self.endResetModel()

    def is_shared(self, d: Dossier) -> bool:
        return bool(self._own_agency) and d.agency_code != self._own_agency

    def dossier(self, row: int) -> Dossier:
        return self._dossiers[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else len(self._dossiers)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else len(self._headers)

    def headerData(  # noqa: N802 (Qt name)
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        d = self._dossiers[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.CODE:
                return d.code
            if column == self.RECEIVED:
                return fmt.date_time(d.received_at)
            if column == self.APPLICANT:
                return d.applicant.name
            if column == self.PROCEDURE:
                return d.procedure.name
            if column == self.DUE:
                return fmt.date_time(d.due_at)
            if column == self.STATUS:
                return d.status.label
            if column == self.CENTRAL:
                return self.tr("đã gửi") if d.synced else self.tr("chờ gửi")
        if column == self.CODE and self.is_shared(d):
            if role == Qt.ItemDataRole.ToolTipRole:
                return self.tr("Hồ sơ do cơ quan %1 tiếp nhận, được chia sẻ để xử lý "
                               "(tiếp nhận không phụ thuộc địa giới hành chính)").replace("%1", d.agency_code)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor("#1f5fa8")
        if role == Qt.ItemDataRole.ToolTipRole and column == self.PROCEDURE:
            return d.procedure.name
        if role == Qt.ItemDataRole.ToolTipRole and column == self.CENTRAL:
            return (self.tr("Mọi bước của hồ sơ đã lên cơ sở dữ liệu trung tâm") if d.synced
                    else self.tr("Còn bước chưa gửi lên cơ sở dữ liệu trung tâm (sẽ gửi ở lần đồng bộ tới)"))
        if role == Qt.ItemDataRole.ForegroundRole and column == self.CENTRAL and not d.synced:
            return QColor("#b26a00")
        if role == Qt.ItemDataRole.UserRole:
            return d
        return None


class DossierListView(QWidget):
    """Search box, date filter and the table; Enter or a double-click opens the dossier."""

    searched = Signal(int)  # rows found
    detail_opened = Signal(object)  # DossierDetailDialog

    def __init__(self, app: App, tasks: TaskRunner, user: User, receipts: ReceiptPrinting,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._tasks = tasks
        self._user = user
        self._receipts = receipts
        self._stale = True

        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(
            self.tr("Quét mã vạch trên phiếu, hoặc gõ mã hồ sơ, họ tên, số CCCD, điện thoại"))
        self.search.setClearButtonEnabled(True)
        self.by_date = QCheckBox(self.tr("Ngày nhận"))
        self.by_date.setObjectName("by_date")
        self.date = QDateEdit()
        self.date.setObjectName("date")
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("dd/MM/yyyy")
        self.date.setEnabled(False)
        self.search_button = QPushButton(self.tr("Tìm (Enter)"))
        self.status = QLabel()
        self.status.setObjectName("list_status")
        self.model = DossierTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("dossiers")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DossierTableModel.PROCEDURE, QHeaderView.ResizeMode.Stretch)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.by_date)
        bar.addWidget(self.date)
        bar.addWidget(self.search_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

        self.search.returnPressed.connect(self.run_search)
        self.search_button.clicked.connect(self.run_search)
        self.by_date.toggled.connect(self.date.setEnabled)
        self.by_date.toggled.connect(lambda _checked: self.run_search())
        self.date.dateChanged.connect(lambda _d: self.run_search() if self.by_date.isChecked() else None)
        self.table.activated.connect(self._on_row_activated)
        self.table.doubleClicked.connect(self._on_row_activated)

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        if self._stale:
            self.date.setDate(_qdate(local_date(self._app.clock())))
            self.run_search()

    def mark_stale(self) -> None:
        """A dossier was added elsewhere: search again when the list is shown next."""
        self._stale = True
        if self.isVisible():
            self.run_search()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def run_search(self) -> None:
        """Search with what is typed (and the date, if ticked), in the task runner."""
        self._stale = False
        text = self.search.text()
        day = self.date.date().toPython() if self.by_date.isChecked() else None
        app, user = self._app, self._user
        self.status.setText(self.tr("Đang tìm…"))
        self._tasks.submit(lambda: (app.dossiers.find(user, text, day=day, limit=SEARCH_LIMIT),
                                    app.setup.counter().agency_code),
                           on_done=lambda result: self._on_found(text, *result), parent=self,
                           progress_label=self.tr("Đang tìm hồ sơ…"))

    def _on_found(self, text: str, found: list[Dossier], own_agency: str = "") -> None:
        self.model.set_dossiers(found, own_agency)
        if found:
            self.table.selectRow(0)
        if not found:
            self.status.setText(self.tr("Không tìm thấy hồ sơ nào."))
        elif len(found) >= SEARCH_LIMIT:
            self.status.setText(self.tr("%1 hồ sơ mới nhất; hãy thu hẹp tìm kiếm.").replace("%1", str(len(found))))
        else:
            self.status.setText(self.tr("%1 hồ sơ.").replace("%1", str(len(found))))
        shared = sum(1 for d in found if self.model.is_shared(d))
        if shared:
            self.status.setText(self.status.text() + " " + self.tr("%1 hồ sơ của cơ quan khác (màu xanh).")
                                .replace("%1", str(shared)))
        self.searched.emit(len(found))
        if len(found) == 1 and scanned_code(text):
            self.open_detail(found[0].code)

    def _on_row_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_detail(self.model.dossier(index.row()).code)

    def open_detail(self, code: str) -> DossierDetailDialog:
        """Open a dossier's detail in its own window (it loads in the task runner)."""
        dialog = DossierDetailDialog(self._app, self._tasks, self._user, self._receipts, code, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.detail_opened.emit(dialog)
        return dialog


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)
