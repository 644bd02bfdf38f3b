"""Recording what happened to a dossier after reception: one small form per transition, with
only the fields that transition needs. The core checks the state and the role again."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QDateTime, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QFocusEvent, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from oneStop.domain.clock import VN_TZ
from oneStop.domain.lifecycle import Transition
from oneStop.domain.models import Dossier, RequiredDocument
from ui.errors import describe, field_errors
from ui.tasks import TaskRunner
from ui.widgets.common import confirm, set_error
from ui.widgets.documents import form_label, from_data_reason

# Fees typed here stay below this (QSpinBox is 32-bit); the core allows more.
MAX_FEE_ON_SCREEN = 2_000_000_000

#: The payload fields each transition asks for.
FIELDS: dict[Transition, tuple[str, ...]] = {
    Transition.TRANSFERRED: ("to_agency", "note"),
    Transition.RESULT_RECEIVED: ("from_agency", "note"),
    Transition.SUPPLEMENT_REQUESTED: ("documents", "reason"),
    Transition.SUPPLEMENT_RECEIVED: ("fee", "note"),
    Transition.REFUSED: ("reason",),
    Transition.APOLOGISED: ("new_due_at", "reason"),
    Transition.FINANCIAL_REQUESTED: ("amount", "note"),
    Transition.FINANCIAL_MET: ("note",),
    Transition.STOPPED: ("requested_by", "reason"),
    Transition.WITHDRAWN: ("reason",),
    Transition.RESULT_READY: ("note",),
    Transition.RETURNED: ("method", "collected_by", "collected_id", "fee"),
    Transition.DELIVERED: ("recipient",),
    Transition.UNDELIVERABLE: ("reason",),
}

# Written out (not looked up through a helper) so that pyside6-lupdate finds them for the English
# translation; shown through QCoreApplication.translate("TransitionDialog", …).
LABELS = {
    "to_agency": QT_TRANSLATE_NOOP("TransitionDialog", "Chuyển đến cơ quan"),
    "from_agency": QT_TRANSLATE_NOOP("TransitionDialog", "Nhận từ cơ quan"),
    "note": QT_TRANSLATE_NOOP("TransitionDialog", "Ghi chú"),
    "documents": QT_TRANSLATE_NOOP("TransitionDialog", "Giấy tờ cần bổ sung (mỗi dòng một loại)"),
    "reason": QT_TRANSLATE_NOOP("TransitionDialog", "Lý do"),
    "new_due_at": QT_TRANSLATE_NOOP("TransitionDialog", "Ngày hẹn trả mới"),
    "amount": QT_TRANSLATE_NOOP("TransitionDialog", "Số tiền (đồng)"),
    "fee": QT_TRANSLATE_NOOP("TransitionDialog", "Phí, lệ phí thu lúc này"),
    "method": QT_TRANSLATE_NOOP("TransitionDialog", "Trả kết quả"),
    "collected_by": QT_TRANSLATE_NOOP("TransitionDialog", "Họ tên người nhận"),
    "collected_id": QT_TRANSLATE_NOOP("TransitionDialog", "Số định danh người nhận"),
    "recipient": QT_TRANSLATE_NOOP("TransitionDialog", "Người nhận"),
    "requested_by": QT_TRANSLATE_NOOP("TransitionDialog", "Đề nghị"),
}

#: Each step's title: the core's words for it (``Transition.label``), capitalised, translatable.
TITLES = {
    Transition.TRANSFERRED: QT_TRANSLATE_NOOP("TransitionDialog", "Chuyển hồ sơ đến cơ quan giải quyết"),
    Transition.RESULT_RECEIVED: QT_TRANSLATE_NOOP("TransitionDialog", "Nhận kết quả từ cơ quan giải quyết"),
    Transition.SUPPLEMENT_REQUESTED: QT_TRANSLATE_NOOP("TransitionDialog", "Yêu cầu bổ sung, hoàn thiện hồ sơ"),
    Transition.SUPPLEMENT_RECEIVED: QT_TRANSLATE_NOOP("TransitionDialog", "Nhận hồ sơ bổ sung"),
    Transition.REFUSED: QT_TRANSLATE_NOOP("TransitionDialog", "Từ chối tiếp nhận, giải quyết hồ sơ"),
    Transition.APOLOGISED: QT_TRANSLATE_NOOP("TransitionDialog", "Xin lỗi và hẹn lại ngày trả kết quả"),
    Transition.FINANCIAL_REQUESTED: QT_TRANSLATE_NOOP("TransitionDialog", "Yêu cầu thực hiện nghĩa vụ tài chính"),
    Transition.FINANCIAL_MET: QT_TRANSLATE_NOOP("TransitionDialog", "Ghi nhận đã thực hiện nghĩa vụ tài chính"),
    Transition.STOPPED: QT_TRANSLATE_NOOP("TransitionDialog", "Dừng xử lý hồ sơ"),
    Transition.WITHDRAWN: QT_TRANSLATE_NOOP("TransitionDialog", "Ghi nhận công dân rút hồ sơ"),
    Transition.RESULT_READY: QT_TRANSLATE_NOOP("TransitionDialog", "Ghi nhận đã có kết quả"),
    Transition.RETURNED: QT_TRANSLATE_NOOP("TransitionDialog", "Trả kết quả"),
    Transition.DELIVERED: QT_TRANSLATE_NOOP("TransitionDialog", "Ghi nhận bưu chính đã phát kết quả"),
    Transition.UNDELIVERABLE: QT_TRANSLATE_NOOP("TransitionDialog", "Ghi nhận bưu chính không phát được kết quả"),
}


class MoneyField(QSpinBox):
    """Whole đồng. Whatever brings the focus to it (the dialog opening, Tab, a click), its text is
    selected: the digits typed replace the 0 instead of being written before it (30000 typed
    into «0 đ» made 300.000)."""

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt name)
        super().focusInEvent(event)
        self.selectAll()
        QTimer.singleShot(0, self.selectAll)  # after a click has placed the cursor


def _tr(text: str) -> str:
    """A text written out above (LABELS, TITLES) in the interface's language."""
    return QCoreApplication.translate("TransitionDialog", text)


def transition_title(transition: Transition) -> str:
    """The step's name as a title, in the interface's language.

    >>> transition_title(Transition.STOPPED)
    'Dừng xử lý hồ sơ'
    """
    return _tr(TITLES[transition])


class TransitionDialog(QDialog):
    """One step of a dossier's life: only the fields it needs, checked in place.

    With ``record`` (a callable the task runner runs with the payload: the core's transition),
    Ghi nhận keeps the dialog open until the core has taken the step; a refusal shows under the
    fields and nothing typed is lost. ``dossier`` pre-fills who collects a result (the applicant)
    and ``checklist`` (the procedure's documents) lets a supplement request pick documents with
    their form and count (one whose data is taken from VNeID or a national database is shown and
    cannot be picked: it is never asked for). Bringing the supplement and collecting the result
    ask for the fee collected then, in whole đồng. Tab leaves a note, Enter records (Shift+Enter
    for a new line), and a refusal asks for a confirmation.
    """

    def __init__(self, transition: Transition, parent: QWidget | None = None, *,
                 dossier: Dossier | None = None, checklist: Sequence[RequiredDocument] = (),
                 record: Callable[[dict[str, Any]], Any] | None = None, tasks: TaskRunner | None = None) -> None:
        super().__init__(parent)
        self.transition = transition
        self._record, self._tasks = record, tasks
        self.result_value: Any = None
        self.setWindowTitle(transition_title(transition))
        self.inputs: dict[str, Any] = {}
        self.checklist: QListWidget | None = None
        form = QFormLayout(self)
        if transition is Transition.SUPPLEMENT_REQUESTED and checklist:
            self.checklist = self._checklist(checklist)
            # the title over the list and the list across the dialog: beside a long title the
            # documents' names were cut short
            form.addRow(QLabel(self.tr("Giấy tờ của thủ tục cần bổ sung (Dấu cách: chọn)")))
            form.addRow(self.checklist)
        for name in FIELDS[transition]:
            if name in ("reason", "note", "documents"):
                widget: Any = QPlainTextEdit()
                widget.setMaximumHeight(80)
                widget.setTabChangesFocus(True)  # Tab leaves the note, as in every other field
                widget.installEventFilter(self)
            elif name == "new_due_at":
                widget = QDateTimeEdit(QDateTime.currentDateTime().addDays(5))
                widget.setCalendarPopup(True)
                widget.setDisplayFormat("HH:mm dd/MM/yyyy")
            elif name == "requested_by":
                # TT 03/2025 Art. 7: the counter records a stop the applicant asks for (and prints the
                # stop notice); any other stop is a supervisor's, and the core says so
                widget = QCheckBox(self.tr("Theo đề nghị của người nộp hồ sơ (in Thông báo dừng)"))
                widget.setChecked(True)
            elif name == "fee":  # collected now (rules §11.9); 0 is nothing collected
                widget = MoneyField()
                widget.setRange(0, MAX_FEE_ON_SCREEN)
                widget.setSingleStep(1000)
                widget.setGroupSeparatorShown(True)
                widget.setSuffix(" đ")
                widget.setToolTip(self.tr("Số tiền phí, lệ phí thu của người nộp ở bước này (đồng); "
                                          "để 0 nếu không thu"))
            elif name == "method":
                widget = QComboBox()
                widget.addItem(self.tr("Tại Bộ phận Một cửa"), "counter")
                widget.addItem(self.tr("Qua bưu chính công ích"), "post")
            else:
                widget = QLineEdit()
            widget.setObjectName(name)
            self.inputs[name] = widget
            if name == "documents" and self.checklist is not None:
                label = self.tr("Giấy tờ khác cần bổ sung (mỗi dòng một loại)")
            else:
                label = _tr(LABELS[name])
            form.addRow(label, widget)
        if transition is Transition.RETURNED and dossier is not None:  # most results go to the applicant
            self.inputs["collected_by"].setText(dossier.applicant.name)
            if "*" not in dossier.applicant.citizen_id:  # never a masked number
                self.inputs["collected_id"].setText(dossier.applicant.citizen_id)
            if dossier.returned_by_post:
                self.inputs["method"].setCurrentIndex(self.inputs["method"].findData("post"))
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setProperty("role", "field-error")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        form.addRow(self.error)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Ghi nhận"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Huỷ"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)

    def _checklist(self, documents: Sequence[RequiredDocument]) -> QListWidget:
        """The procedure's documents to tick; one whose data the state holds (Chỉ thị 24/CT-TTg)
        is listed but cannot be asked for. Wide enough for the names on this screen."""
        checklist = QListWidget()
        checklist.setObjectName("checklist")
        for document in documents:
            if document.from_data:
                text = self.tr("%1 — khai thác dữ liệu").replace("%1", document.name)
            else:
                text = f"{document.name} — {form_label(document.form)} × {document.count}"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, {"name": document.name, "form": document.form.value,
                                                    "count": document.count})
            if document.from_data:
                item.setFlags(Qt.ItemFlag.NoItemFlags)  # shown, never ticked: nothing to ask for
                item.setForeground(QBrush(QColor("#555555")))
                item.setToolTip(f"{document.name}\n{from_data_reason()}")
            else:
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                item.setToolTip(text)
            checklist.addItem(item)
        screen = self.screen() or QGuiApplication.primaryScreen()
        room = int(screen.availableGeometry().width() * 0.8) if screen is not None else 1000
        widest = max((checklist.fontMetrics().horizontalAdvance(checklist.item(row).text())
                      for row in range(checklist.count())), default=0)
        checklist.setMinimumWidth(min(widest + 60, room))  # the check box, the margins, a scroll bar
        checklist.setMaximumHeight(140)
        return checklist

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if isinstance(watched, QPlainTextEdit) and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
                    event.modifiers() & Qt.KeyboardModifier.ShiftModifier):  # type: ignore[attr-defined]
                self._submit()
                return True
        return False

    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, widget in self.inputs.items():
            if isinstance(widget, QPlainTextEdit):
                text = widget.toPlainText()
                if name == "documents":
                    out[name] = [*self._checked(), *(line.strip() for line in text.splitlines() if line.strip())]
                else:
                    out[name] = text
            elif isinstance(widget, QDateTimeEdit):
                value: datetime = widget.dateTime().toPython()
                out[name] = value.replace(tzinfo=VN_TZ).isoformat()
            elif isinstance(widget, QComboBox):
                out[name] = widget.currentData()
            elif isinstance(widget, QSpinBox):
                out[name] = widget.value()
            elif isinstance(widget, QCheckBox):
                if widget.isChecked():
                    out[name] = "applicant"
            else:
                out[name] = widget.text()
        return out

    def _checked(self) -> list[dict[str, Any]]:
        if self.checklist is None:
            return []
        items = (self.checklist.item(row) for row in range(self.checklist.count()))
        return [item.data(Qt.ItemDataRole.UserRole) for item in items
                if item.flags() & Qt.ItemFlag.ItemIsUserCheckable and item.checkState() == Qt.CheckState.Checked]

    def _submit(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if not ok.isEnabled():
            return  # a step already on its way
        if self.transition is Transition.REFUSED and not _confirm_refusal(self):
            return
        payload = self.payload()
        if self._record is None or self._tasks is None:
            self.accept()
            return
        record = self._record
        ok.setEnabled(False)
        self._tasks.submit(lambda: record(payload), on_done=self._on_recorded, on_error=self._on_refused,
                           parent=self, quiet=True)

    def _on_recorded(self, result: Any) -> None:
        self.result_value = result
        self.accept()

    def _on_refused(self, exc: BaseException) -> None:
        """The core refused the step: say why here, keep the dialog and what was typed."""
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        errors = field_errors(exc)
        marked = False
        for err in errors:
            widget = self.inputs.get(err.field)
            if widget is not None:
                set_error(widget, err.problem)
                if not marked:
                    widget.setFocus()
                    marked = True
        self.error.setText(describe(exc))
        self.error.setVisible(True)

    @classmethod
    def ask(cls, parent: QWidget | None, transition: Transition, **options: Any) -> dict[str, Any] | None:
        dialog = cls(transition, parent, **options)
        return dialog.payload() if dialog.exec() == QDialog.DialogCode.Accepted else None


def _confirm_refusal(parent: QWidget) -> bool:
    translate = QCoreApplication.translate
    return confirm(parent, translate("TransitionDialog", "Xác nhận từ chối"),
                   translate("TransitionDialog", "Từ chối tiếp nhận, giải quyết hồ sơ này? Việc này được ghi lại "
                                                 "và in Phiếu từ chối (Mẫu 03)."),
                   translate("TransitionDialog", "&Từ chối"), translate("TransitionDialog", "&Không"))
