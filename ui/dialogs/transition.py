"""Recording what happened to a dossier after reception: one small form per transition, with
only the fields that transition needs. The core checks the state and the role again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QDateTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from oneStop.domain.clock import VN_TZ
from oneStop.domain.lifecycle import Transition

#: The payload fields each transition asks for.
FIELDS: dict[Transition, tuple[str, ...]] = {
    Transition.TRANSFERRED: ("to_agency", "note"),
    Transition.RESULT_RECEIVED: ("from_agency", "note"),
    Transition.SUPPLEMENT_REQUESTED: ("documents", "reason"),
    Transition.SUPPLEMENT_RECEIVED: ("note",),
    Transition.REFUSED: ("reason",),
    Transition.APOLOGISED: ("new_due_at", "reason"),
    Transition.FINANCIAL_REQUESTED: ("amount", "note"),
    Transition.FINANCIAL_MET: ("note",),
    Transition.STOPPED: ("reason",),
    Transition.WITHDRAWN: ("reason",),
    Transition.RESULT_READY: ("note",),
    Transition.RETURNED: ("method", "collected_by", "collected_id"),
    Transition.DELIVERED: ("recipient",),
    Transition.UNDELIVERABLE: ("reason",),
}

LABELS = {
    "to_agency": "Chuyển đến cơ quan",
    "from_agency": "Nhận từ cơ quan",
    "note": "Ghi chú",
    "documents": "Giấy tờ cần bổ sung (mỗi dòng một loại)",
    "reason": "Lý do",
    "new_due_at": "Ngày hẹn trả mới",
    "amount": "Số tiền (đồng)",
    "method": "Trả kết quả",
    "collected_by": "Họ tên người nhận",
    "collected_id": "Số định danh người nhận",
    "recipient": "Người nhận",
}


def _tr(text: str) -> str:
    return QCoreApplication.translate("TransitionDialog", text)


class TransitionDialog(QDialog):
    def __init__(self, transition: Transition, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.transition = transition
        self.setWindowTitle(transition.label.capitalize())
        self.inputs: dict[str, Any] = {}
        form = QFormLayout(self)
        for name in FIELDS[transition]:
            if name in ("reason", "note", "documents"):
                widget: Any = QPlainTextEdit()
                widget.setMaximumHeight(80)
            elif name == "new_due_at":
                widget = QDateTimeEdit(QDateTime.currentDateTime().addDays(5))
                widget.setCalendarPopup(True)
                widget.setDisplayFormat("HH:mm dd/MM/yyyy")
            elif name == "method":
                widget = QComboBox()
                widget.addItem(_tr("Tại Bộ phận Một cửa"), "counter")
                widget.addItem(_tr("Qua bưu chính công ích"), "post")
            else:
                widget = QLineEdit()
            widget.setObjectName(name)
            self.inputs[name] = widget
            form.addRow(_tr(LABELS[name]), widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_tr("Ghi nhận"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(_tr("Huỷ"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, widget in self.inputs.items():
            if isinstance(widget, QPlainTextEdit):
                text = widget.toPlainText()
                if name == "documents":
                    out[name] = [line.strip() for line in text.splitlines() if line.strip()]
                else:
                    out[name] = text
            elif isinstance(widget, QDateTimeEdit):
                value: datetime = widget.dateTime().toPython()
                out[name] = value.replace(tzinfo=VN_TZ).isoformat()
            elif isinstance(widget, QComboBox):
                out[name] = widget.currentData()
            else:
                out[name] = widget.text()
        return out

    @classmethod
    def ask(cls, parent: QWidget | None, transition: Transition) -> dict[str, Any] | None:
        dialog = cls(transition, parent)
        return dialog.payload() if dialog.exec() == QDialog.DialogCode.Accepted else None
