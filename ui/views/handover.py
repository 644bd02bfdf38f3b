"""Handover with the postal service at the counter, driven by the scanner.

Open a batch (or pick one of today's), then scan: the scan field keeps the focus, every scan
goes to the core through the task runner (quietly, one after another in the order scanned,
never dropped) and comes back as a large coloured banner with the core's reason, a distinct
sound, and the batch's items with the unfinished ones highlighted. An incoming item is received
as a dossier from its row; closing asks for the postal worker's name; the handover list goes to
this counter's printer (or the preview, as receipts do); the post's word on a delivery is
recorded on a dossier code.
"""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from oneStop.domain.clock import local_date
from oneStop.domain.errors import OneStopError
from oneStop.domain.handover import Direction, HandoverBatch, HandoverItem, Outcome
from oneStop.domain.models import Applicant, Dossier, DossierDraft, Procedure, User
from oneStop.services.app import App
from oneStop.services.dossiers import scanned_code
from oneStop.services.handover import PostalUnit, ScanResult
from oneStop.services.printing import PrintedReceipt
from ui import format as fmt
from ui.errors import describe, field_errors, show_error
from ui.receipts import ReceiptPrinting
from ui.sounds import SoundPlayer
from ui.tasks import TaskRunner
from ui.widgets.common import dialog_buttons
from ui.widgets.procedure_picker import ProcedurePicker
from ui.widgets.scan_field import ScanField

Index = QModelIndex | QPersistentModelIndex
Names = dict[str, str]  # username → full name

#: Banner background per outcome: green done, amber duplicate, red refused, grey closed.
COLOURS = {
    Outcome.ACCEPTED: "#2e7d32", Outcome.TRACKING: "#2e7d32", Outcome.DUPLICATE: "#ffb300",
    Outcome.UNKNOWN: "#c62828", Outcome.NOT_READY: "#c62828", Outcome.WRONG_BATCH: "#c62828",
    Outcome.CLOSED: "#616161",
}
_DARK_TEXT = {Outcome.DUPLICATE}  # amber needs black text to be read from a distance
#: Background of an item row that still waits for something.
UNRESOLVED_BACKGROUND = "#fff3cd"
#: Fees typed at the counter stay below this (QSpinBox is 32-bit); the core allows more.
MAX_FEE_ON_SCREEN = 2_000_000_000


def outcome_label(outcome: Outcome) -> str:
    labels = {
        Outcome.ACCEPTED: QCoreApplication.translate("HandoverView", "Đã nhận"),
        Outcome.TRACKING: QCoreApplication.translate("HandoverView", "Đã gắn số hiệu bưu gửi"),
        Outcome.DUPLICATE: QCoreApplication.translate("HandoverView", "Quét trùng"),
        Outcome.UNKNOWN: QCoreApplication.translate("HandoverView", "Không nhận ra"),
        Outcome.NOT_READY: QCoreApplication.translate("HandoverView", "Chưa thể bàn giao"),
        Outcome.WRONG_BATCH: QCoreApplication.translate("HandoverView", "Thuộc lô khác"),
        Outcome.CLOSED: QCoreApplication.translate("HandoverView", "Lô đã đóng"),
    }
    return labels[outcome]


def direction_label(direction: Direction) -> str:
    if direction is Direction.OUT:
        return QCoreApplication.translate("HandoverView", "Giao kết quả cho bưu chính")
    return QCoreApplication.translate("HandoverView", "Nhận hồ sơ từ bưu chính")


def state_label(state: str) -> str:
    labels = {
        "needs_tracking": QCoreApplication.translate("HandoverView", "chờ số hiệu bưu gửi"),
        "awaiting_reception": QCoreApplication.translate("HandoverView", "chờ tiếp nhận"),
        "ready": QCoreApplication.translate("HandoverView", "xong"),
        "removed": QCoreApplication.translate("HandoverView", "đã bỏ khỏi lô"),
    }
    return labels.get(state, state)


def batch_title(batch: HandoverBatch) -> str:
    state = (QCoreApplication.translate("HandoverView", "đã đóng") if batch.closed
             else QCoreApplication.translate("HandoverView", "đang mở"))
    return f"{batch.number} · {direction_label(batch.direction)} · {batch.postal_unit} · {batch.staff_name} · {state}"


def _names_of(app: App, batch: HandoverBatch, known: frozenset[str]) -> Names:
    """Full names of the officials who scanned the batch's items (worker thread)."""
    names: Names = {}
    for username in {i.added_by for i in batch.items} - known:
        try:
            names[username] = app.auth.get_user(username).full_name
        except OneStopError:
            names[username] = username
    return names


# --- the items of a batch ------------------------------------------------------------------------


class HandoverItemsModel(QAbstractTableModel):
    """A batch's items: code, tracking number, state, who scanned it and when, the note.
    Items still waiting for something have a highlighted background; removed ones are grey."""

    CODE, TRACKING, STATE, BY, AT, NOTE = range(6)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._items: list[HandoverItem] = []
        self._names: Names = {}
        self._headers = (self.tr("Mã hồ sơ"), self.tr("Số hiệu bưu gửi"), self.tr("Tình trạng"), self.tr("Người quét"),
                         self.tr("Lúc quét"), self.tr("Ghi chú"))

    def set_items(self, items: tuple[HandoverItem, ...], names: Names) -> None:
        self.beginResetModel()
        self._items = list(items)
        self._names = names
        self.endResetModel()

    def item(self, row: int) -> HandoverItem:
        return self._items[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802 (Qt name)
        return 0 if parent.isValid() else len(self._items)

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
        item = self._items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.CODE:
                return item.code or "—"
            if column == self.TRACKING:
                return item.tracking or "—"
            if column == self.STATE:
                return state_label(item.state)
            if column == self.BY:
                return self._names.get(item.added_by, item.added_by)
            if column == self.AT:
                return fmt.date_time(item.added_at)
            if column == self.NOTE:
                return item.note
        if role == Qt.ItemDataRole.BackgroundRole and item.state not in ("ready", "removed"):
            return QColor(UNRESOLVED_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and item.state == "removed":
            return QColor("#9e9e9e")
        if role == Qt.ItemDataRole.UserRole:
            return item
        return None


# --- dialogs -----------------------------------------------------------------------------------------


class OpenBatchDialog(QDialog):
    """Which way, which post office, which postal worker."""

    def __init__(self, units: list[PostalUnit], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Mở lô bàn giao"))
        self.direction = QComboBox()
        self.direction.addItem(direction_label(Direction.OUT), Direction.OUT.value)
        self.direction.addItem(direction_label(Direction.IN), Direction.IN.value)
        self.unit = QComboBox()
        for unit in units:
            self.unit.addItem(f"{unit.name} ({unit.code})", unit.code)
        self.staff_name = QLineEdit()
        self.staff_id = QLineEdit()
        buttons = dialog_buttons(self.tr("Mở lô"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Chiều bàn giao"), self.direction)
        form.addRow(self.tr("Đơn vị bưu chính"), self.unit)
        form.addRow(self.tr("Nhân viên bưu chính"), self.staff_name)
        form.addRow(self.tr("Mã nhân viên"), self.staff_id)
        form.addRow(buttons)

    def values(self) -> tuple[str, str, str, str]:
        return (self.direction.currentData(), self.unit.currentData() or "", self.staff_name.text(),
                self.staff_id.text())

    @classmethod
    def ask(cls, parent: QWidget | None, units: list[PostalUnit]) -> tuple[str, str, str, str] | None:
        """(direction "out"/"in", postal unit code, staff name, staff ID), or None if cancelled."""
        dialog = cls(units, parent)
        return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None


class CloseBatchDialog(QDialog):
    """Closing: the postal worker who takes (or brings) the batch, confirmed or corrected."""

    def __init__(self, batch: HandoverBatch, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Đóng lô %1").replace("%1", batch.number))
        count = len(batch.live_items())
        summary = QLabel(self.tr("%1 mục. Sau khi đóng, lô chỉ thay đổi bằng điều chỉnh có lý do.")
                         .replace("%1", str(count)))
        summary.setWordWrap(True)
        self.staff_name = QLineEdit(batch.staff_name)
        self.staff_id = QLineEdit(batch.staff_id)
        buttons = dialog_buttons(self.tr("Đóng lô"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(summary)
        form.addRow(self.tr("Nhân viên bưu chính"), self.staff_name)
        form.addRow(self.tr("Mã nhân viên"), self.staff_id)
        form.addRow(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, batch: HandoverBatch) -> tuple[str, str] | None:
        """(staff name, staff ID), or None if cancelled."""
        dialog = cls(batch, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.staff_name.text(), dialog.staff_id.text()


class ReceiveItemDialog(QDialog):
    """An incoming postal item received as a dossier: the procedure, the applicant, what the
    postal slip says (checked against the documents) and the fee the post collected."""

    NOT_ON_SLIP = -1  # the slip says nothing about this count

    def __init__(self, tracking: str, procedures: list[Procedure], initial: dict[str, Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Tiếp nhận bưu gửi %1").replace("%1", tracking))
        self._procedures = {p.code: p for p in procedures}
        self.procedure = ProcedurePicker()
        self.procedure.set_procedures(procedures)
        self.name = QLineEdit()
        self.citizen_id = QLineEdit()
        self.phone = QLineEdit()
        self.address = QLineEdit()
        self.postal_fee = QSpinBox()
        self.postal_fee.setRange(0, MAX_FEE_ON_SCREEN)
        self.postal_fee.setSingleStep(1000)
        self.postal_fee.setGroupSeparatorShown(True)
        self.postal_fee.setSuffix(" đ")
        self.slip_originals = self._count_box()
        self.slip_copies = self._count_box()
        buttons = dialog_buttons(self.tr("Tiếp nhận"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Thủ tục"), self.procedure)
        form.addRow(self.tr("Họ tên người nộp"), self.name)
        form.addRow(self.tr("Số định danh cá nhân"), self.citizen_id)
        form.addRow(self.tr("Số điện thoại"), self.phone)
        form.addRow(self.tr("Địa chỉ"), self.address)
        form.addRow(self.tr("Phí bưu chính đã thu"), self.postal_fee)
        form.addRow(self.tr("Số bản chính ghi trên phiếu gửi"), self.slip_originals)
        form.addRow(self.tr("Số bản sao ghi trên phiếu gửi"), self.slip_copies)
        form.addRow(buttons)
        if initial:
            self._fill(initial)

    def _count_box(self) -> QSpinBox:
        box = QSpinBox()
        box.setRange(self.NOT_ON_SLIP, 999)
        box.setSpecialValueText(self.tr("không ghi"))
        box.setValue(self.NOT_ON_SLIP)
        return box

    def _fill(self, values: dict[str, Any]) -> None:
        procedure = self._procedures.get(values.get("procedure", ""))
        if procedure is not None:
            self.procedure.choose(procedure)
        for name in ("name", "citizen_id", "phone", "address"):
            getattr(self, name).setText(values.get(name, ""))
        self.postal_fee.setValue(int(values.get("postal_fee") or 0))
        for name in ("slip_originals", "slip_copies"):
            value = values.get(name)
            getattr(self, name).setValue(self.NOT_ON_SLIP if value is None else int(value))

    def values(self) -> dict[str, Any]:
        """What :meth:`HandoverService.receive_item` needs, typed."""

        def count(box: QSpinBox) -> int | None:
            return None if box.value() == self.NOT_ON_SLIP else box.value()

        chosen = self.procedure.chosen
        return {"procedure": chosen.code if chosen else self.procedure.edit.text().strip(),
                "name": self.name.text(), "citizen_id": self.citizen_id.text(), "phone": self.phone.text(),
                "address": self.address.text(), "postal_fee": self.postal_fee.value(),
                "slip_originals": count(self.slip_originals), "slip_copies": count(self.slip_copies)}

    @classmethod
    def ask(cls, parent: QWidget | None, tracking: str, procedures: list[Procedure],
            initial: dict[str, Any] | None = None) -> dict[str, Any] | None:
        dialog = cls(tracking, procedures, initial, parent)
        return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None


class OutcomeDialog(QDialog):
    """What the post says about a result it carried: delivered to whom, or why not."""

    def __init__(self, code: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Kết quả phát của bưu chính"))
        self.code = QLineEdit(code)
        self.code.setPlaceholderText(self.tr("quét hoặc gõ mã hồ sơ"))
        self.delivered = QComboBox()
        self.delivered.addItem(self.tr("Đã phát"), True)
        self.delivered.addItem(self.tr("Không phát được (trả về quầy)"), False)
        self.detail_label = QLabel()
        self.detail = QLineEdit()
        buttons = dialog_buttons(self.tr("Ghi nhận"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Mã hồ sơ"), self.code)
        form.addRow(self.tr("Kết quả"), self.delivered)
        form.addRow(self.detail_label, self.detail)
        form.addRow(buttons)
        self.delivered.currentIndexChanged.connect(self._on_delivered_changed)
        self._on_delivered_changed()

    def _on_delivered_changed(self, _index: int = 0) -> None:
        delivered = bool(self.delivered.currentData())
        self.detail_label.setText(self.tr("Người nhận") if delivered else self.tr("Lý do không phát được"))

    @classmethod
    def ask(cls, parent: QWidget | None, code: str = "") -> tuple[str, bool, str] | None:
        """(dossier code as typed or scanned, delivered?, recipient or reason), or None."""
        dialog = cls(code, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.code.text(), bool(dialog.delivered.currentData()), dialog.detail.text()


class RemoveItemDialog(QDialog):
    """Why an item leaves the batch (a scan by mistake; in a closed batch, a correction)."""

    def __init__(self, item: HandoverItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Bỏ khỏi lô: %1").replace("%1", item.code or item.tracking))
        self.reason = QLineEdit()
        buttons = dialog_buttons(self.tr("Bỏ khỏi lô"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Lý do"), self.reason)
        form.addRow(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, item: HandoverItem) -> str | None:
        dialog = cls(item, parent)
        return dialog.reason.text() if dialog.exec() == QDialog.DialogCode.Accepted else None


# --- the view ------------------------------------------------------------------------------------------


class HandoverView(QWidget):
    scan_answered = Signal(object)  # ScanResult, once the banner shows it and its sound played
    batch_changed = Signal(object)  # HandoverBatch now on screen
    batches_listed = Signal(list)  # today's batches, for the picker
    list_made = Signal(bytes)  # the handover list's PDF, made and recorded by the core
    list_printed = Signal(str)  # … and sent to this printer
    received = Signal(object)  # Dossier received from an incoming item
    outcome_recorded = Signal(object)  # Dossier after the post's word on a delivery

    def __init__(self, app: App, tasks: TaskRunner, user: User, parent: QWidget | None = None, *,
                 sounds: SoundPlayer | None = None) -> None:
        super().__init__(parent)
        self._app, self._tasks, self._user = app, tasks, user
        self.sounds = sounds or SoundPlayer()
        self.printing = ReceiptPrinting(app, tasks, user, self)
        self.batch: HandoverBatch | None = None
        self._names: Names = {}
        self._procedures: list[Procedure] | None = None
        self._drafts: dict[str, dict[str, Any]] = {}  # what was typed for an item whose reception failed
        self.pending_scans = 0

        self.open_button = QPushButton(self.tr("Mở lô mới…"))
        self.today = QComboBox()
        self.today.setObjectName("today_batches")
        self.today.setMinimumContentsLength(40)
        self.today.setPlaceholderText(self.tr("Lô của hôm nay"))
        self.batch_label = QLabel(self.tr("Chưa mở lô nào: bấm “Mở lô mới…” hoặc chọn một lô của hôm nay."))
        self.batch_label.setObjectName("batch_label")
        self.scan = ScanField()
        self.banner = QLabel(" ")
        self.banner.setObjectName("handover_banner")
        self.banner.setWordWrap(True)
        self.banner.setMinimumHeight(90)
        self._set_banner(" ", None)
        self.model = HandoverItemsModel(self)
        self.items = QTableView()
        self.items.setObjectName("handover_items")
        self.items.setModel(self.model)
        self.items.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.items.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.items.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.items.verticalHeader().setVisible(False)
        header = self.items.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(HandoverItemsModel.NOTE, QHeaderView.ResizeMode.Stretch)
        self.unresolved = QLabel()
        self.unresolved.setObjectName("unresolved")
        self.pending_label = QLabel()
        self.receive_button = QPushButton(self.tr("Tiếp nhận hồ sơ…"))
        self.remove_button = QPushButton(self.tr("Bỏ khỏi lô…"))
        self.outcome_button = QPushButton(self.tr("Kết quả phát…"))
        self.close_button = QPushButton(self.tr("Đóng lô"))
        self.print_button = QPushButton(self.tr("In danh sách bàn giao"))

        # every action has its keys (the focus stays in the scan field, so no mnemonics), and a
        # click does not take the focus from the scan field (which would take it back, and the
        # click with it, while the button is still held down)
        for button, name, keys in ((self.open_button, "open", "Ctrl+N"), (self.receive_button, "receive", "Ctrl+R"),
                                   (self.remove_button, "remove", "Ctrl+D"), (self.outcome_button, "outcome", "Ctrl+K"),
                                   (self.close_button, "close", "Ctrl+L"), (self.print_button, "print", "Ctrl+P")):
            button.setObjectName(f"handover_{name}")
            button.setShortcut(QKeySequence(keys))
            button.setToolTip(f"{button.text()} ({keys})")
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)

        top = QHBoxLayout()
        top.addWidget(self.open_button)
        top.addWidget(QLabel(self.tr("hoặc lô của hôm nay:")))
        top.addWidget(self.today, 1)
        counts = QHBoxLayout()
        counts.addWidget(self.unresolved, 1)
        counts.addWidget(self.pending_label)
        bottom = QHBoxLayout()
        bottom.addWidget(self.receive_button)
        bottom.addWidget(self.remove_button)
        bottom.addWidget(self.outcome_button)
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        bottom.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.batch_label)
        layout.addWidget(self.scan)
        layout.addWidget(self.banner)
        layout.addLayout(counts)
        layout.addWidget(self.items, 1)
        layout.addLayout(bottom)

        self.open_button.clicked.connect(self.open_batch)
        self.today.activated.connect(self._on_today_activated)
        self.scan.scanned.connect(self.submit_scan)
        self.items.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self.items.doubleClicked.connect(self._on_item_double_clicked)
        self.receive_button.clicked.connect(self.receive_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.outcome_button.clicked.connect(self.record_outcome)
        self.close_button.clicked.connect(self.close_batch)
        self.print_button.clicked.connect(self.print_list)
        self._enable()

    def showEvent(self, event: Any) -> None:  # noqa: N802 (Qt name)
        super().showEvent(event)
        self.refresh_today()

    # --- state on screen ----------------------------------------------------------------------------

    def selected_item(self) -> HandoverItem | None:
        rows = self.items.selectionModel().selectedRows()
        return self.model.item(rows[0].row()) if rows else None

    def _awaiting(self) -> HandoverItem | None:
        """The incoming item to receive: the selected one if it waits, else the first waiting."""
        if self.batch is None or self.batch.closed or self.batch.direction is not Direction.IN:
            return None
        chosen = self.selected_item()
        if chosen is not None and chosen.state == "awaiting_reception":
            return chosen
        return next((i for i in self.batch.live_items() if i.state == "awaiting_reception"), None)

    def _enable(self) -> None:
        batch = self.batch
        live = batch is not None and not batch.closed
        selected = self.selected_item()
        self.close_button.setEnabled(live)
        self.print_button.setEnabled(batch is not None and bool(batch.live_items()))
        self.receive_button.setVisible(batch is not None and batch.direction is Direction.IN)
        self.receive_button.setEnabled(self._awaiting() is not None)
        self.remove_button.setEnabled(batch is not None and selected is not None and not selected.removed)

    def _set_banner(self, text: str, outcome: Outcome | None) -> None:
        background = COLOURS[outcome] if outcome is not None else "#eceff1"
        colour = "black" if outcome is None or outcome in _DARK_TEXT else "white"
        self.banner.setText(text)
        self.banner.setProperty("outcome", outcome.value if outcome is not None else "")
        self.banner.setStyleSheet(f"QLabel {{ font-size: 18pt; font-weight: bold; padding: 12px; "
                                  f"color: {colour}; background: {background}; }}")

    def _announce(self, outcome: Outcome, reason: str, *, sound: str | None = None) -> None:
        self._set_banner(f"{outcome_label(outcome)}\n{reason}", outcome)
        self.sounds.play(sound or outcome.value)

    def _show_batch(self, batch: HandoverBatch, names: Names | None = None) -> None:
        self._names.update(names or {})
        selected = self.selected_item()
        self.batch = batch
        self.batch_label.setText(batch_title(batch))
        self.model.set_items(batch.items, dict(self._names))
        row = next((r for r, i in enumerate(batch.items) if selected is not None and i.id == selected.id), -1)
        if row >= 0:
            self.items.selectRow(row)
        elif batch.items:
            self.items.scrollToBottom()
        waiting = len(batch.unresolved())
        if batch.closed and batch.closed_at is not None:
            text = self.tr("Lô đã đóng lúc %1 với %2 mục.").replace("%1", fmt.date_time(batch.closed_at)).replace(
                "%2", str(len(batch.live_items())))
        elif waiting:
            text = self.tr("còn %1 mục chưa xong").replace("%1", str(waiting))
        else:
            text = self.tr("%1 mục, đều đã xong").replace("%1", str(len(batch.live_items())))
        self.unresolved.setText(text)
        index = self.today.findData(batch.id)
        if index >= 0:
            self.today.setItemText(index, batch_title(batch))
            self.today.setCurrentIndex(index)
        self._enable()
        self.scan.take_focus()
        self.batch_changed.emit(batch)

    def _show_pending(self) -> None:
        self.pending_label.setText(
            self.tr("đang xử lý %1 lần quét…").replace("%1", str(self.pending_scans)) if self.pending_scans else "")

    def _load(self, fn: Callable[[], HandoverBatch], on_done: Callable[[HandoverBatch, Names], None], *,
              on_error: Callable[[BaseException], None] | None = None, quiet: bool = False) -> None:
        """Run ``fn`` (a core call answering a batch) and fetch the names of who scanned."""
        app, known = self._app, frozenset(self._names)

        def job() -> tuple[HandoverBatch, Names]:
            batch = fn()
            return batch, _names_of(app, batch, known)

        self._tasks.submit(job, on_done=lambda result: on_done(*result), on_error=on_error, parent=self, quiet=quiet)

    # --- batches -----------------------------------------------------------------------------------------

    def refresh_today(self) -> None:
        """List today's batches (open ones first) in the picker."""
        app, user = self._app, self._user
        day = local_date(app.clock())
        self._tasks.submit(lambda: app.handover.batches(user, day), on_done=self._on_today_listed, parent=self,
                           quiet=True)

    def _on_today_listed(self, batches: list[HandoverBatch]) -> None:
        ordered = sorted(batches, key=lambda b: (b.closed, b.number))
        self.today.clear()
        for batch in ordered:
            self.today.addItem(batch_title(batch), batch.id)
        self.today.setCurrentIndex(self.today.findData(self.batch.id) if self.batch is not None else -1)
        self.batches_listed.emit(ordered)

    def _on_today_activated(self, index: int) -> None:
        ref = self.today.itemData(index)
        if ref and (self.batch is None or ref != self.batch.id):
            self.use_batch(ref)

    def use_batch(self, ref: str) -> None:
        """Show the batch ``ref`` (its id or number) and scan into it."""
        app, user = self._app, self._user
        self._load(lambda: app.handover.get(user, ref), self._on_batch_loaded)

    def _on_batch_loaded(self, batch: HandoverBatch, names: Names) -> None:
        self._set_banner(" ", None)
        self._show_batch(batch, names)

    def open_batch(self) -> None:
        """Ask which way, which post office and which postal worker, then open the batch."""
        self._tasks.submit(self._app.handover.postal_units, on_done=self._ask_open, parent=self, quiet=True)

    def _ask_open(self, units: list[PostalUnit]) -> None:
        if not units:
            self._set_banner(self.tr("Chưa có đơn vị bưu chính nào trong danh mục; quản trị viên cần thêm trước."),
                             Outcome.UNKNOWN)
            return
        answer = OpenBatchDialog.ask(self, units)
        if answer is None:
            return
        direction, unit, staff, staff_id = answer
        app, user = self._app, self._user
        self._load(lambda: app.handover.open(user, direction, unit, staff, staff_id), self._on_opened)

    def _on_opened(self, batch: HandoverBatch, names: Names) -> None:
        self._set_banner(self.tr("Đã mở lô %1. Quét mã vạch.").replace("%1", batch.number), None)
        self._show_batch(batch, names)
        self.refresh_today()

    # --- scans -----------------------------------------------------------------------------------------

    def submit_scan(self, text: str) -> None:
        """One scan into the batch on screen, in the task runner after the scans before it."""
        if self.batch is None:
            self._announce(Outcome.UNKNOWN, self.tr("Chưa chọn lô bàn giao: mở lô mới hoặc chọn một lô của hôm nay."))
            return
        app, user, ref = self._app, self._user, self.batch.id
        known = frozenset(self._names)

        def job() -> tuple[ScanResult, HandoverBatch, Names]:
            answer = app.handover.scan(user, ref, text)
            batch = app.handover.get(user, ref)
            return answer, batch, _names_of(app, batch, known)

        self.pending_scans += 1
        self._show_pending()
        self._tasks.submit(job, on_done=self._on_scanned, on_error=self._on_scan_failed, parent=self, quiet=True)

    def _on_scanned(self, result: tuple[ScanResult, HandoverBatch, Names]) -> None:
        answer, batch, names = result
        self.pending_scans -= 1
        self._show_pending()
        reason = answer.reason
        if answer.first_scanned_by and answer.first_scanned_by not in reason:
            reason += " " + self.tr("Quét lần đầu bởi %1.").replace("%1", answer.first_scanned_by)
        self._announce(answer.outcome, reason)
        if self.batch is None or self.batch.id == batch.id:
            self._show_batch(batch, names)
            row = next((r for r, i in enumerate(batch.items) if answer.item_id and i.id == answer.item_id), -1)
            if row >= 0:
                self.items.scrollTo(self.model.index(row, 0))
        self.scan_answered.emit(answer)

    def _on_scan_failed(self, exc: BaseException) -> None:
        """The scan could not be made at all (not a refusal: those are outcomes)."""
        self.pending_scans -= 1
        self._show_pending()
        self._announce(Outcome.UNKNOWN, describe(exc))

    # --- closing, printing -------------------------------------------------------------------------------

    def close_batch(self) -> None:
        """Close the batch with the postal worker's name; the core refuses while items wait."""
        batch = self.batch
        if batch is None or batch.closed:
            return
        staff: tuple[str, str] | None = None
        if not batch.unresolved() and batch.live_items():  # else the core says why it cannot close
            staff = CloseBatchDialog.ask(self, batch)
            if staff is None:
                return
        app, user, ref = self._app, self._user, batch.id
        name, staff_id = staff or (None, None)
        self._load(lambda: app.handover.close(user, ref, staff_name=name, staff_id=staff_id), self._on_closed,
                   on_error=self._on_close_refused)

    def _on_closed(self, batch: HandoverBatch, names: Names) -> None:
        self._set_banner(self.tr("Đã đóng lô %1: %2 mục, nhân viên bưu chính %3.").replace("%1", batch.number)
                         .replace("%2", str(len(batch.live_items()))).replace("%3", batch.staff_name),
                         Outcome.ACCEPTED)
        self._show_batch(batch, names)
        self.refresh_today()

    def _on_close_refused(self, exc: BaseException) -> None:
        if isinstance(exc, OneStopError) and not field_errors(exc):
            self._announce(Outcome.NOT_READY, str(exc))
        else:
            show_error(self, exc)

    def print_list(self) -> None:
        """The handover list (made and recorded by the core) to this counter's printer, or to the
        preview while no printer is chosen or when the printer fails, as receipts go."""
        if self.batch is None:
            return
        app, user, ref, number = self._app, self._user, self.batch.id, self.batch.number

        def make() -> PrintedReceipt:
            return PrintedReceipt(code=number, pdf=app.handover.print_list(user, ref), reprint=False, paper="A4")

        self.printing.print_document(
            make, self, making=self.tr("Đang tạo danh sách bàn giao %1…").replace("%1", number),
            not_printed=self.tr("Danh sách bàn giao %1 chưa in ra giấy. Có thể chọn máy in khác "
                                "trong cửa sổ xem trước.").replace("%1", number),
            title=self.tr("Danh sách bàn giao — %1").replace("%1", number),
            on_made=lambda document: self.list_made.emit(document.pdf), on_printed=self.list_printed.emit)

    # --- incoming items, removals, delivery outcomes ------------------------------------------------------

    def _on_item_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid() and self.model.item(index.row()).state == "awaiting_reception":
            self.receive_selected()

    def receive_selected(self) -> None:
        """Receive the selected (or the first waiting) incoming item as a postal dossier."""
        item = self._awaiting()
        if item is None:
            return
        if self._procedures is None:
            catalog = self._app.catalog

            def loaded(procedures: list[Procedure]) -> None:
                self._procedures = [p for p in procedures if p.active]
                self._ask_receive(item)

            self._tasks.submit(catalog.all, on_done=loaded, parent=self, quiet=True)
            return
        self._ask_receive(item)

    def _ask_receive(self, item: HandoverItem) -> None:
        assert self.batch is not None
        answer = ReceiveItemDialog.ask(self, item.tracking, self._procedures or [], self._drafts.get(item.tracking))
        if answer is None:
            return
        self._drafts[item.tracking] = answer  # typed again only if the core refuses it
        app, user, ref, tracking = self._app, self._user, self.batch.id, item.tracking
        draft = DossierDraft(procedure_code=answer["procedure"], applicant=Applicant(
            name=answer["name"], citizen_id=answer["citizen_id"], phone=answer["phone"], address=answer["address"]))

        def job() -> tuple[Dossier, HandoverBatch]:
            dossier = app.handover.receive_item(user, ref, tracking, draft, postal_fee=answer["postal_fee"],
                                                slip_originals=answer["slip_originals"],
                                                slip_copies=answer["slip_copies"])
            return dossier, app.handover.get(user, ref)

        self._tasks.submit(job, on_done=lambda result: self._on_received(tracking, *result), parent=self,
                           progress_label=self.tr("Đang tiếp nhận hồ sơ…"))

    def _on_received(self, tracking: str, dossier: Dossier, batch: HandoverBatch) -> None:
        self._drafts.pop(tracking, None)
        self._set_banner(self.tr("Đã tiếp nhận bưu gửi %1 thành hồ sơ %2, hẹn trả %3.").replace("%1", tracking)
                         .replace("%2", dossier.code).replace("%3", fmt.appointment(dossier.due_at)), Outcome.ACCEPTED)
        self._show_batch(batch)
        self.received.emit(dossier)

    def remove_selected(self) -> None:
        """Take the selected item out of the batch, with a reason."""
        item = self.selected_item()
        if self.batch is None or item is None or item.removed:
            return
        reason = RemoveItemDialog.ask(self, item)
        if reason is None:
            return
        app, user, ref = self._app, self._user, self.batch.id

        def removed(batch: HandoverBatch, names: Names) -> None:
            self._set_banner(self.tr("Đã bỏ %1 khỏi lô.").replace("%1", item.code or item.tracking), None)
            self._show_batch(batch, names)

        self._load(lambda: app.handover.remove_item(user, ref, item.id, reason), removed)

    def record_outcome(self) -> None:
        """The post's word on a result it carried, for the selected (or a scanned) dossier code."""
        selected = self.selected_item()
        answer = OutcomeDialog.ask(self, selected.code if selected is not None else "")
        if answer is None:
            return
        typed, delivered, detail = answer
        code = scanned_code(typed) or typed.strip()
        app, user = self._app, self._user
        self._tasks.submit(lambda: app.handover.outcome(user, code, delivered=delivered, detail=detail),
                           on_done=lambda dossier: self._on_outcome(dossier, delivered, detail), parent=self)

    def _on_outcome(self, dossier: Dossier, delivered: bool, detail: str) -> None:
        if delivered:
            text = self.tr("Đã ghi nhận: kết quả hồ sơ %1 đã phát cho %2.").replace("%2", detail)
        else:
            text = self.tr("Đã ghi nhận: kết quả hồ sơ %1 không phát được, trở lại quầy để trả.")
        self._set_banner(text.replace("%1", dossier.code), Outcome.ACCEPTED if delivered else Outcome.DUPLICATE)
        self.outcome_recorded.emit(dossier)
