"""Handover with the postal service at the counter, driven by the scanner.

The scan field keeps the focus; every scan goes to the core through the task runner (one after
another, in the order scanned, never dropped) and comes back as a coloured banner with the
reason, a distinct sound, and the batch's items. Closing and printing the list are buttons.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from oneStop.domain.handover import HandoverBatch, Outcome
from oneStop.domain.models import User
from oneStop.services.app import App
from oneStop.services.handover import PostalUnit, ScanResult
from ui import format as fmt
from ui.sounds import SoundPlayer
from ui.tasks import TaskRunner
from ui.widgets.scan_field import ScanField

COLOURS = {
    Outcome.ACCEPTED: "#2e7d32", Outcome.TRACKING: "#2e7d32", Outcome.DUPLICATE: "#ef6c00",
    Outcome.UNKNOWN: "#c62828", Outcome.NOT_READY: "#c62828", Outcome.WRONG_BATCH: "#c62828",
    Outcome.CLOSED: "#616161",
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("HandoverView", text)


class OpenBatchDialog(QDialog):
    def __init__(self, units: list[PostalUnit], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_tr("Mở lô bàn giao"))
        self.direction = QComboBox()
        self.direction.addItem(_tr("Giao kết quả cho bưu chính"), "out")
        self.direction.addItem(_tr("Nhận hồ sơ từ bưu chính"), "in")
        self.unit = QComboBox()
        for unit in units:
            self.unit.addItem(f"{unit.name} ({unit.code})", unit.code)
        self.staff_name = QLineEdit()
        self.staff_id = QLineEdit()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(_tr("Chiều bàn giao"), self.direction)
        form.addRow(_tr("Đơn vị bưu chính"), self.unit)
        form.addRow(_tr("Nhân viên bưu chính"), self.staff_name)
        form.addRow(_tr("Mã nhân viên"), self.staff_id)
        form.addRow(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None, units: list[PostalUnit]) -> tuple[str, str, str, str] | None:
        dialog = cls(units, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return (dialog.direction.currentData(), dialog.unit.currentData() or "", dialog.staff_name.text(),
                dialog.staff_id.text())


class ReceiveItemDialog(QDialog):
    """An incoming postal item received as a dossier: the procedure, the applicant, and what the
    postal slip says (counted against the documents) and the fee the post collected."""

    FIELDS = ("procedure", "name", "citizen_id", "phone", "address", "postal_fee", "slip_originals", "slip_copies")

    def __init__(self, tracking: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_tr("Tiếp nhận bưu gửi %1").replace("%1", tracking))
        self.inputs = {name: QLineEdit() for name in self.FIELDS}
        labels = (_tr("Mã thủ tục"), _tr("Họ tên người nộp"), _tr("Số định danh"), _tr("Số điện thoại"),
                  _tr("Địa chỉ"), _tr("Phí bưu chính thu hộ (đồng)"), _tr("Số bản chính theo phiếu"),
                  _tr("Số bản sao theo phiếu"))
        form = QFormLayout(self)
        for name, label in zip(self.FIELDS, labels):
            form.addRow(label, self.inputs[name])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict[str, str]:
        return {name: widget.text() for name, widget in self.inputs.items()}

    @classmethod
    def ask(cls, parent: QWidget | None, tracking: str) -> dict[str, str] | None:
        dialog = cls(tracking, parent)
        return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None


class OutcomeDialog(QDialog):
    """What the post says about a result it carried."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_tr("Kết quả phát của bưu chính"))
        self.code = QLineEdit()
        self.delivered = QComboBox()
        self.delivered.addItem(_tr("Đã phát"), True)
        self.delivered.addItem(_tr("Không phát được (trả về quầy)"), False)
        self.detail = QLineEdit()
        self.detail.setPlaceholderText(_tr("người nhận, hoặc lý do không phát được"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(_tr("Mã hồ sơ"), self.code)
        form.addRow(_tr("Kết quả"), self.delivered)
        form.addRow(_tr("Chi tiết"), self.detail)
        form.addRow(buttons)

    @classmethod
    def ask(cls, parent: QWidget | None) -> tuple[str, bool, str] | None:
        dialog = cls(parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.code.text(), bool(dialog.delivered.currentData()), dialog.detail.text()


class HandoverView(QWidget):
    scan_answered = Signal(object)  # ScanResult
    batch_changed = Signal(object)  # HandoverBatch
    list_saved = Signal(str)
    received = Signal(object)  # Dossier received from an incoming item
    outcome_recorded = Signal(object)  # Dossier after a delivery outcome

    def __init__(self, app: App, tasks: TaskRunner, user: User, parent: QWidget | None = None, *,
                 sounds: SoundPlayer | None = None) -> None:
        super().__init__(parent)
        self._app, self._tasks, self._user = app, tasks, user
        self.sounds = sounds or SoundPlayer()
        self.batch: HandoverBatch | None = None
        self.open_button = QPushButton(_tr("Mở lô mới…"))
        self.open_button.clicked.connect(self.open_batch)
        self.batch_label = QLabel(_tr("Chưa mở lô nào."))
        self.scan = ScanField()
        self.scan.scanned.connect(self.submit_scan)
        self.banner = QLabel(" ")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("font-size: 16pt; padding: 10px;")
        self.items = QTableWidget(0, 5)
        self.items.setHorizontalHeaderLabels([_tr("Mã hồ sơ"), _tr("Số hiệu bưu gửi"), _tr("Tình trạng"),
                                              _tr("Người quét"), _tr("Lúc")])
        self.unresolved = QLabel()
        self.close_button = QPushButton(_tr("Đóng lô"))
        self.print_button = QPushButton(_tr("In danh sách bàn giao"))
        self.receive_button = QPushButton(_tr("Tiếp nhận hồ sơ…"))
        self.receive_button.clicked.connect(self.receive_selected)
        self.outcome_button = QPushButton(_tr("Kết quả phát…"))
        self.outcome_button.clicked.connect(self.record_outcome)
        self.close_button.clicked.connect(self.close_batch)
        self.print_button.clicked.connect(self.save_list)
        top = QHBoxLayout()
        top.addWidget(self.open_button)
        top.addWidget(self.batch_label, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.unresolved, 1)
        bottom.addWidget(self.receive_button)
        bottom.addWidget(self.outcome_button)
        bottom.addWidget(self.close_button)
        bottom.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.scan)
        layout.addWidget(self.banner)
        layout.addWidget(self.items, 1)
        layout.addLayout(bottom)
        self._enable()

    def _enable(self) -> None:
        live = self.batch is not None and not self.batch.closed
        self.scan.setEnabled(live)
        self.close_button.setEnabled(live)
        self.print_button.setEnabled(self.batch is not None)
        self.receive_button.setEnabled(live and self.batch is not None and self.batch.direction.value == "in")

    # --- batches -------------------------------------------------------------------------------------

    def open_batch(self) -> None:
        app = self._app
        self._tasks.submit(app.handover.postal_units, on_done=self._ask_open, parent=self, quiet=True)

    def _ask_open(self, units: list[PostalUnit]) -> None:
        answer = OpenBatchDialog.ask(self, units)
        if answer is None:
            return
        direction, unit, staff, staff_id = answer
        app, user = self._app, self._user
        self._tasks.submit(lambda: app.handover.open(user, direction, unit, staff, staff_id), on_done=self._show_batch,
                           parent=self)

    def use_batch(self, ref: str) -> None:
        app, user = self._app, self._user
        self._tasks.submit(lambda: app.handover.get(user, ref), on_done=self._show_batch, parent=self)

    def _show_batch(self, batch: HandoverBatch) -> None:
        self.batch = batch
        state = _tr("đã đóng") if batch.closed else _tr("đang mở")
        self.batch_label.setText(f"{batch.number} · {batch.direction.label} · {batch.staff_name} · {state}")
        self.items.setRowCount(len(batch.items))
        for row, item in enumerate(batch.items):
            for column, text in enumerate((item.code or "—", item.tracking or "—", _STATES.get(item.state, item.state),
                                           item.added_by, fmt.date_time(item.added_at))):
                self.items.setItem(row, column, QTableWidgetItem(text))
        waiting = len(batch.unresolved())
        self.unresolved.setText(_tr("còn %1 mục chưa xong").replace("%1", str(waiting)) if waiting else "")
        self._enable()
        self.scan.setFocus()
        self.batch_changed.emit(batch)

    # --- scans ---------------------------------------------------------------------------------------

    def submit_scan(self, text: str) -> None:
        if self.batch is None:
            return
        app, user, ref = self._app, self._user, self.batch.id
        self._tasks.submit(lambda: (app.handover.scan(user, ref, text), app.handover.get(user, ref)),
                           on_done=self._on_scanned, parent=self, quiet=True)

    def _on_scanned(self, result: tuple[ScanResult, HandoverBatch]) -> None:
        answer, batch = result
        self.banner.setText(f"{answer.outcome.label}: {answer.reason}")
        self.banner.setStyleSheet(f"font-size: 16pt; padding: 10px; color: white; background: {COLOURS[answer.outcome]};")
        self.sounds.play(answer.outcome.value)
        self._show_batch(batch)
        self.scan_answered.emit(answer)

    def close_batch(self) -> None:
        if self.batch is None:
            return
        app, user, ref = self._app, self._user, self.batch.id

        def refused(exc: BaseException) -> None:
            self.banner.setText(str(exc))
            self.banner.setStyleSheet("font-size: 16pt; padding: 10px; color: white; background: #c62828;")
            self.sounds.play("not-ready")

        self._tasks.submit(lambda: app.handover.close(user, ref), on_done=self._show_batch, on_error=refused,
                           parent=self)

    def receive_selected(self) -> None:
        """Receive the selected (or the first waiting) incoming item as a postal dossier."""
        if self.batch is None:
            return
        waiting = [i for i in self.batch.live_items() if i.state == "awaiting_reception"]
        row = self.items.currentRow()
        chosen = next((i for i in waiting if row >= 0 and i.id == self.batch.items[row].id), waiting[0] if waiting else None)
        if chosen is None:
            return
        answer = ReceiveItemDialog.ask(self, chosen.tracking)
        if answer is None:
            return
        from oneStop.domain.models import Applicant, DossierDraft

        app, user, ref = self._app, self._user, self.batch.id

        def number(text: str) -> int | None:
            return int(text) if text.strip().isdigit() else None

        def receive():  # type: ignore[no-untyped-def]
            draft = DossierDraft(procedure_code=answer["procedure"].strip(), applicant=Applicant(
                name=answer["name"], citizen_id=answer["citizen_id"], phone=answer["phone"], address=answer["address"]))
            dossier = app.handover.receive_item(user, ref, chosen.tracking, draft,
                                                postal_fee=number(answer["postal_fee"]) or 0,
                                                slip_originals=number(answer["slip_originals"]),
                                                slip_copies=number(answer["slip_copies"]))
            return dossier, app.handover.get(user, ref)

        def done(result) -> None:  # type: ignore[no-untyped-def]
            dossier, batch = result
            self.banner.setText(_tr("Đã tiếp nhận %1, hẹn trả %2").replace("%1", dossier.code)
                                .replace("%2", fmt.date_time(dossier.due_at)))
            self.banner.setStyleSheet("font-size: 16pt; padding: 10px; color: white; background: #2e7d32;")
            self._show_batch(batch)
            self.received.emit(dossier)

        self._tasks.submit(receive, on_done=done, parent=self)

    def record_outcome(self) -> None:
        answer = OutcomeDialog.ask(self)
        if answer is None:
            return
        code, delivered, detail = answer
        app, user = self._app, self._user
        self._tasks.submit(lambda: app.handover.outcome(user, code, delivered=delivered, detail=detail),
                           on_done=self.outcome_recorded.emit, parent=self)

    @classmethod
    def ask_save_path(cls, parent: QWidget, suggested: str) -> str:
        path, _ = QFileDialog.getSaveFileName(parent, _tr("Lưu danh sách bàn giao"), suggested, "PDF (*.pdf)")
        return path

    def save_list(self) -> None:
        if self.batch is None:
            return
        path = self.ask_save_path(self, f"{self.batch.number}.pdf")
        if not path:
            return
        app, user, ref = self._app, self._user, self.batch.id

        def write() -> str:
            target = Path(path)
            tmp = target.with_name(target.name + ".tmp")
            tmp.write_bytes(app.handover.print_list(user, ref))
            tmp.replace(target)
            return str(target)

        self._tasks.submit(write, on_done=self.list_saved.emit, parent=self)


_STATES = {
    "needs_tracking": "chờ số hiệu bưu gửi",
    "awaiting_reception": "chờ tiếp nhận",
    "ready": "xong",
    "removed": "đã bỏ",
}
