"""The dossier list: search by a scanned barcode, a name, a citizen ID or a phone; open one.

Every search goes to ``app.dossiers.find`` in the task runner. Scanning a receipt's barcode
(the scanner types the code and Enter) opens that dossier straight away.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
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
from oneStop.domain.models import Dossier, DossierStatus, User
from oneStop.domain.text import search_key
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


class DossierFilter(QSortFilterProxyModel):
    """Sorts by any column (dates as dates) and keeps the rows that pass the filters on screen:
    status, overdue, procedure (accent-insensitive), official who received."""

    def __init__(self, clock: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._clock = clock
        self.status: DossierStatus | None = None
        self.overdue_only = False
        self.procedure = ""
        self.official = ""

    def set_filters(self, *, status: DossierStatus | None, overdue_only: bool, procedure: str, official: str) -> None:
        self.beginFilterChange()  # Qt 6.10's way (invalidateFilter is deprecated)
        self.status, self.overdue_only = status, overdue_only
        self.procedure, self.official = search_key(procedure), official.strip().lower()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def dossier(self, row: int) -> Dossier:
        return self.index(row, 0).data(Qt.ItemDataRole.UserRole)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:  # noqa: N802 (Qt name)
        d: Dossier = self.sourceModel().dossier(source_row)  # type: ignore[attr-defined]
        if self.status is not None and d.status is not self.status:
            return False
        if self.overdue_only and not (d.finished_at is None and d.status in _OPEN and d.due_at < self._clock()):
            return False
        if self.procedure and self.procedure not in search_key(f"{d.procedure.name} {d.procedure.code}"):
            return False
        if self.official and self.official not in d.received_by.lower():
            return False
        return True

    def lessThan(self, left: Index, right: Index) -> bool:  # noqa: N802 (Qt name)
        a: Dossier = left.data(Qt.ItemDataRole.UserRole)
        b: Dossier = right.data(Qt.ItemDataRole.UserRole)
        key = _SORT_KEYS[left.column()]
        return bool(key(a) < key(b))


_OPEN = frozenset({DossierStatus.RECEIVED, DossierStatus.IN_PROGRESS, DossierStatus.SUPPLEMENT_REQUESTED,
                   DossierStatus.FINANCIAL_OBLIGATION, DossierStatus.RESULT_READY})
_SORT_KEYS: dict[int, Callable[[Dossier], Any]] = {
    DossierTableModel.CODE: lambda d: d.code,
    DossierTableModel.RECEIVED: lambda d: d.received_at,
    DossierTableModel.APPLICANT: lambda d: search_key(d.applicant.name),
    DossierTableModel.PROCEDURE: lambda d: search_key(d.procedure.name),
    DossierTableModel.DUE: lambda d: d.due_at,
    DossierTableModel.STATUS: lambda d: d.status.label,
    DossierTableModel.CENTRAL: lambda d: d.synced,
}


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
        self.rows = DossierFilter(app.clock, self)
        self.rows.setSourceModel(self.model)
        self.status_filter = QComboBox()
        self.status_filter.setObjectName("status_filter")
        self.status_filter.addItem(self.tr("Mọi trạng thái"), None)
        for status in DossierStatus:
            self.status_filter.addItem(status.label, status.value)
        self.overdue_filter = QCheckBox(self.tr("Chỉ hồ sơ quá hạn"))
        self.overdue_filter.setObjectName("overdue_filter")
        self.procedure_filter = QLineEdit()
        self.procedure_filter.setObjectName("procedure_filter")
        self.procedure_filter.setPlaceholderText(self.tr("Lọc theo thủ tục"))
        self.official_filter = QLineEdit()
        self.official_filter.setObjectName("official_filter")
        self.official_filter.setPlaceholderText(self.tr("Lọc theo người tiếp nhận"))
        self.table = QTableView()
        self.table.setObjectName("dossiers")
        self.table.setModel(self.rows)
        self.table.setSortingEnabled(True)  # a click on a header sorts by it
        self.table.sortByColumn(DossierTableModel.RECEIVED, Qt.SortOrder.DescendingOrder)
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
        filters = QHBoxLayout()
        for widget in (self.status_filter, self.overdue_filter, self.procedure_filter, self.official_filter):
            filters.addWidget(widget)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)

        self.search.returnPressed.connect(self.run_search)
        self.search_button.clicked.connect(self.run_search)
        self.by_date.toggled.connect(self.date.setEnabled)
        self.by_date.toggled.connect(lambda _checked: self.run_search())
        self.date.dateChanged.connect(lambda _d: self.run_search() if self.by_date.isChecked() else None)
        self.status_filter.currentIndexChanged.connect(lambda _i: self._apply_filters())
        self.overdue_filter.toggled.connect(lambda _c: self._apply_filters())
        self.procedure_filter.textChanged.connect(lambda _t: self._apply_filters())
        self.official_filter.textChanged.connect(lambda _t: self._apply_filters())
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

    def _apply_filters(self) -> None:
        value = self.status_filter.currentData()
        self.rows.set_filters(status=DossierStatus(value) if value else None,
                              overdue_only=self.overdue_filter.isChecked(),
                              procedure=self.procedure_filter.text(), official=self.official_filter.text())
        self.status.setText(self.tr("Đang hiện %1 / %2 hồ sơ.").replace("%1", str(self.rows.rowCount())).replace(
            "%2", str(self.model.rowCount())))

    def _on_row_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_detail(index.data(Qt.ItemDataRole.UserRole).code)

    def open_detail(self, code: str) -> DossierDetailDialog:
        """Open a dossier's detail in its own window (it loads in the task runner)."""
        dialog = DossierDetailDialog(self._app, self._tasks, self._user, self._receipts, code, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.detail_opened.emit(dialog)
        return dialog


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)
