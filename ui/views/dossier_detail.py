"""One dossier: its fields, its history (the events) and a Reprint button."""

from __future__ import annotations

from datetime import datetime
from typing import Mapping, Sequence

from html import escape

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QMenu,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from oneStop.domain.events import Kind
from oneStop.domain.lifecycle import FEE_STAGES, Transition
from oneStop.domain.models import Applicant, DocumentForm, Dossier, Event, RequiredDocument, ReturnMethod, User
from oneStop.domain.permissions import Permission, allowed
from oneStop.services.app import App
from oneStop.services.dossiers import DossierDetail
from oneStop.services.printing import PrintedReceipt
from ui import format as fmt
from ui.dialogs.transition import TransitionDialog
from ui.receipts import FORM_NUMBERS, ReceiptPrinting
from ui.files import write_atomically
from ui.tasks import TaskRunner



def event_label(kind: str) -> str:
    """What an event of ``kind`` means, for the timeline."""
    labels = {
        Kind.DOSSIER_RECEIVED: QCoreApplication.translate("DossierDetailDialog", "Tiếp nhận hồ sơ"),
        Kind.RECEIPT_PRINTED: QCoreApplication.translate("DossierDetailDialog", "In phiếu tiếp nhận"),
        Kind.RECEIPT_REPRINTED: QCoreApplication.translate("DossierDetailDialog", "In lại phiếu tiếp nhận"),
        Kind.ATTACHMENT_ADDED: QCoreApplication.translate("DossierDetailDialog", "Thêm tệp đính kèm"),
        Kind.PERSONAL_DATA_VIEWED: QCoreApplication.translate("DossierDetailDialog", "Xem dữ liệu cá nhân"),
        Kind.FORM_PRINTED: QCoreApplication.translate("DossierDetailDialog", "In phiếu"),
    }
    transition = Transition.of_kind(kind)
    if transition is not None:
        return transition.label.capitalize()
    return labels.get(kind, kind)


class DossierDetailDialog(QDialog):
    """Loads ``app.dossiers.show`` in the task runner and shows it; reloads after a reprint."""

    loaded = Signal(object)  # DossierDetail
    form_saved = Signal(str)  # the PDF written
    form_printed = Signal(str, str)  # the form's kind, the printer
    step_recorded = Signal(str)  # the transition's value, once the core has recorded it

    def __init__(self, app: App, tasks: TaskRunner, user: User, receipts: ReceiptPrinting, code: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._tasks = tasks
        self._user = user
        self._receipts = receipts
        self.code = code
        self.detail: DossierDetail | None = None
        self.allowed: list[Transition] = []
        self.setWindowTitle(self.tr("Hồ sơ %1").replace("%1", code))
        self.resize(760, 680)

        self.heading = QLabel(code)
        self.heading.setObjectName("heading")
        self.heading.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.heading.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fields = QLabel(self.tr("Đang tải…"))
        self.fields.setObjectName("fields")
        self.fields.setWordWrap(True)
        self.fields.setTextFormat(Qt.TextFormat.RichText)
        self.fields.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.timeline = QTableWidget(0, 4)
        self.timeline.setObjectName("timeline")
        self.timeline.setHorizontalHeaderLabels([self.tr("Thời gian"), self.tr("Sự kiện"), self.tr("Người thực hiện"),
                                                 self.tr("Chi tiết")])
        self.timeline.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.timeline.verticalHeader().setVisible(False)
        self.timeline.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.timeline.horizontalHeader().setStretchLastSection(True)
        self.reprint_button = QPushButton(self.tr("In lại phiếu (Ctrl+P)"))
        self.reprint_button.setShortcut("Ctrl+P")
        self.reprint_button.setEnabled(False)
        self.close_button = QPushButton(self.tr("Đóng"))
        self.action_button = QPushButton(self.tr("Cập nhật quá trình giải quyết…"))
        self.action_button.setEnabled(False)
        self.action_menu = QMenu(self)
        self.action_button.setMenu(self.action_menu)
        self.forms_button = QPushButton(self.tr("In phiếu…"))
        self.forms_menu = QMenu(self)
        # named without their numbers: a form's number is the dossier's profile's (the control
        # sheet is Mẫu 05 of 2018 and Mẫu 06 of 2025), printed on the form itself
        forms = (("supplement", self.tr("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")),
                 ("refusal", self.tr("Phiếu từ chối tiếp nhận giải quyết hồ sơ")),
                 ("apology", self.tr("Văn bản xin lỗi, hẹn lại (gia hạn)")),
                 ("control-sheet", self.tr("Phiếu kiểm soát quá trình giải quyết hồ sơ")),
                 ("stop", self.tr("Thông báo dừng giải quyết hồ sơ")))
        for kind, label in forms:  # to this counter's printer, as the receipt goes
            self.forms_menu.addAction(label, lambda k=kind: self.print_form(k))
        save_menu = self.forms_menu.addMenu(self.tr("Lưu thành tệp PDF"))
        for kind, label in forms:
            save_menu.addAction(label, lambda k=kind: self.save_form(k))
        self.forms_button.setMenu(self.forms_menu)
        # not offered what the role may not do (the core refuses it anyway)
        self.reprint_button.setVisible(allowed(user.role, Permission.PRINT))
        self.forms_button.setVisible(allowed(user.role, Permission.PRINT))
        self.action_button.setVisible(allowed(user.role, Permission.PROCESS) or allowed(user.role, Permission.SUPERVISE))
        self.reprint_button.clicked.connect(self.reprint)
        self.close_button.clicked.connect(self.close)

        buttons = QHBoxLayout()
        buttons.addWidget(self.action_button)
        buttons.addWidget(self.forms_button)
        buttons.addStretch(1)
        buttons.addWidget(self.reprint_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.fields)
        layout.addWidget(QLabel(self.tr("Lịch sử hồ sơ")))
        layout.addWidget(self.timeline, 1)
        layout.addLayout(buttons)
        receipts.receipt_made.connect(self._on_receipt_made)
        self.reload()

    def reload(self) -> None:
        app, user, code = self._app, self._user, self.code
        self._tasks.submit(lambda: app.dossiers.show(user, code), on_done=self._on_loaded, parent=self,
                           progress_label=self.tr("Đang tải hồ sơ…"))

    def _on_loaded(self, detail: DossierDetail) -> None:
        self.detail = detail
        d = detail.dossier
        central = self.tr("đã lên trung tâm") if d.synced else self.tr("chưa gửi lên trung tâm")
        self.heading.setText(f"{d.code} — {d.status.label} · {central}")
        self.fields.setText(self._fields_html(d, detail.masked, detail.names))
        self.timeline.setRowCount(len(detail.events))
        for row, event in enumerate(detail.events):
            actor = detail.names.get(event.actor, event.actor)  # the person, not the user name
            for column, text in enumerate((fmt.date_time(event.business_time), event_label(event.kind), actor,
                                           self._event_detail(event))):
                item = QTableWidgetItem(text)
                item.setToolTip(text)  # the whole of a long detail
                self.timeline.setItem(row, column, item)
        self.reprint_button.setEnabled(True)
        self._load_actions()
        self.loaded.emit(detail)

    # --- lifecycle and forms -------------------------------------------------------------------------

    def _load_actions(self) -> None:
        app, user, code = self._app, self._user, self.code
        self._tasks.submit(lambda: app.lifecycle.allowed(user, code), on_done=self._on_actions, parent=self, quiet=True)

    def _on_actions(self, transitions: list[Transition]) -> None:
        self.action_menu.clear()
        self.allowed = list(transitions)
        for transition in transitions:
            self.action_menu.addAction(transition.label.capitalize(), lambda t=transition: self.record(t))
        self.action_button.setEnabled(bool(transitions))

    def record(self, transition: Transition) -> None:
        """The step's dialog; the core records it from there (a refusal keeps the dialog open).
        A supplement request offers the procedure's checklist, read first in the task runner."""
        dossier = self.detail.dossier if self.detail is not None else None
        if transition is Transition.SUPPLEMENT_REQUESTED and dossier is not None:
            app, procedure = self._app, dossier.procedure.code
            self._tasks.submit(lambda: app.catalog.get(procedure).documents,
                               on_done=lambda documents: self._open_step(transition, documents),
                               on_error=lambda _exc: self._open_step(transition, ()), parent=self, quiet=True)
            return
        self._open_step(transition, ())

    def _open_step(self, transition: Transition, checklist: Sequence[RequiredDocument]) -> None:
        app, user, code = self._app, self._user, self.code
        dialog = TransitionDialog(
            transition, self, dossier=self.detail.dossier if self.detail is not None else None, checklist=checklist,
            record=lambda payload: app.lifecycle.transition(user, code, transition, payload), tasks=self._tasks)
        if dialog.exec() == TransitionDialog.DialogCode.Accepted:
            self.step_recorded.emit(transition.value)
            self.reload()

    @classmethod
    def ask_save_path(cls, parent: QWidget, suggested: str) -> str:
        path, _ = QFileDialog.getSaveFileName(parent, QCoreApplication.translate("DossierDetailDialog", "Lưu phiếu"),
                                              suggested, "PDF (*.pdf)")
        return path

    def print_form(self, kind: str) -> None:
        """The form ``kind`` (made and recorded by the core) to this counter's printer, or to the
        preview while no printer is chosen or when it fails."""
        self._receipts.print_form(self.code, kind, self, title=self.tr("Phiếu của hồ sơ %1").replace("%1", self.code),
                                  on_printed=lambda printer: self.form_printed.emit(kind, printer))

    def save_form(self, kind: str) -> None:
        path = self.ask_save_path(self, f"{kind}-{self.code}.pdf")
        if not path:
            return
        app, user, code = self._app, self._user, self.code

        def write() -> str:
            form = app.printing.form(user, kind, code)
            return write_atomically(path, form.pdf)

        self._tasks.submit(write, on_done=lambda p: self.form_saved.emit(p), parent=self)

    def reprint(self) -> None:
        """Print the receipt again; the core marks it "BẢN IN LẠI" and records the reprint."""
        self.reprint_button.setEnabled(False)
        self._receipts.print_receipt(self.code, self)

    def _on_receipt_made(self, receipt: PrintedReceipt) -> None:
        if receipt.code == self.code:
            self.reload()

    def done(self, result: int) -> None:
        try:
            self._receipts.receipt_made.disconnect(self._on_receipt_made)
        except (RuntimeError, TypeError):
            pass
        super().done(result)

    # --- text ---------------------------------------------------------------------------------------

    def _event_detail(self, event: Event) -> str:
        """What the step was: where it went, which documents, the fee collected, why, who collected
        the result."""
        payload = event.payload or {}
        if event.kind in (Kind.RECEIPT_PRINTED, Kind.RECEIPT_REPRINTED):
            return self.tr("Khổ %1, %2 liên").replace("%1", str(payload.get("paper", "?"))).replace(
                "%2", str(payload.get("copies", "?")))
        parts: list[str] = []
        if payload.get("to_agency"):
            parts.append(self.tr("đến %1").replace("%1", str(payload["to_agency"])))
        if payload.get("from_agency"):
            parts.append(self.tr("từ %1").replace("%1", str(payload["from_agency"])))
        for item in payload.get("documents") or ():
            if isinstance(item, dict):
                form = item.get("form")
                try:
                    form_label = DocumentForm.parse(str(form)).label if form else ""
                except ValueError:
                    form_label = str(form)
                parts.append(f"{item.get('name', '')} — {form_label} × {item.get('count', 1)}")
            else:
                parts.append(str(item))
        if payload.get("new_due_at"):
            try:
                parts.append(self.tr("hẹn mới %1").replace(
                    "%1", fmt.appointment(datetime.fromisoformat(str(payload["new_due_at"])))))
            except ValueError:
                pass
        if payload.get("amount"):
            parts.append(fmt.money(int(payload["amount"])))
        if payload.get("fee") and Transition.of_kind(event.kind) in FEE_STAGES:  # collected at this step
            parts.append(self.tr("thu phí, lệ phí %1").replace("%1", fmt.money(int(payload["fee"]))))
        if payload.get("method") == "post":
            parts.append(self.tr("qua bưu chính"))
        if payload.get("collected_by"):
            who = str(payload["collected_by"])
            if payload.get("collected_id"):
                who += f" ({payload['collected_id']})"
            parts.append(self.tr("người nhận: %1").replace("%1", who))
        if payload.get("recipient"):
            parts.append(self.tr("người nhận: %1").replace("%1", str(payload["recipient"])))
        if payload.get("form"):
            form = FORM_NUMBERS.get(str(payload["form"]), str(payload["form"]))
            parts.append(self.tr("mẫu %1, khổ %2").replace("%1", form).replace("%2", str(payload.get("paper", ""))))
        for key in ("reason", "note"):
            if payload.get(key):
                parts.append(str(payload[key]))
        return " · ".join(p for p in parts if p)

    def _time_left(self, d: Dossier) -> str:
        """" — còn 2 ngày 3 giờ" or " — quá hạn 1 ngày" while the dossier is open (calendar time)."""
        if d.finished_at is not None or d.status.value in ("returned", "refused", "withdrawn", "stopped"):
            return ""
        now = self._app.clock()
        if d.paused_since is not None:
            return self.tr(" — tạm dừng chờ bổ sung")
        seconds = int((d.due_at - now).total_seconds())
        days, rest = divmod(abs(seconds), 86400)
        span = (self.tr("%1 ngày ").replace("%1", str(days)) if days else "") + self.tr("%1 giờ").replace(
            "%1", str(rest // 3600))
        return (self.tr(" — còn %1") if seconds >= 0 else self.tr(" — quá hạn %1")).replace("%1", span.strip())

    def _fields_html(self, d: Dossier, masked: bool, names: Mapping[str, str] | None = None) -> str:
        """The dossier's fields as an HTML table (every value escaped)."""
        rows: list[tuple[str, str]] = [
            (self.tr("Thủ tục"), f"{d.procedure.name} ({d.procedure.code})"),
            (self.tr("Người nộp"), _person(d.applicant)),
        ]
        if d.owner is not None:
            owner = d.owner
            rows.append((self.tr("Chủ hồ sơ"), " — ".join(x for x in (_person(owner), owner.address, owner.phone,
                                                                      owner.email) if x)))
            if d.authorisation:
                rows.append((self.tr("Văn bản ủy quyền"), d.authorisation))
        delivery = f": {d.delivery_address}" if d.return_method is ReturnMethod.POST else ""
        rows += [
            (self.tr("Điện thoại"), d.applicant.phone or "—"),
            (self.tr("Thư điện tử"), d.applicant.email or "—"),
            (self.tr("Địa chỉ"), d.applicant.address or "—"),
            (self.tr("Kênh tiếp nhận"), d.channel.label + (f" — {d.postal_tracking}" if d.postal_tracking else "")),
            (self.tr("Nhận lúc"), fmt.appointment(d.received_at)),
            (self.tr("Hẹn trả"), fmt.appointment(d.due_at) + self._time_left(d)),
            (self.tr("Nhận kết quả"), d.return_method.label + delivery),
            (self.tr("Số bộ"), str(d.sets)),
            (self.tr("Phí, lệ phí"), fmt.money(d.fee)),
            (self.tr("Thành phần hồ sơ"), "\n".join(
                f"{x.name} — " + (self.tr("khai thác dữ liệu") if x.from_data else f"{x.form.label} × {x.count}")
                for x in d.documents) or "—"),
            (self.tr("Người tiếp nhận"), (names or {}).get(d.received_by, d.received_by)),
            (self.tr("Sổ theo dõi"), self.tr("quyển %1, số %2").replace("%1", d.register_volume).replace(
                "%2", str(d.register_number))),
            (self.tr("Số lần in"), self.tr("%1 (in lại %2)").replace("%1", str(d.print_count)).replace(
                "%2", str(d.reprint_count))),
        ]
        if d.original_due_at is not None and d.original_due_at != d.due_at:
            rows.insert(rows.index((self.tr("Hẹn trả"), fmt.appointment(d.due_at) + self._time_left(d))) + 1,
                        (self.tr("Hẹn ban đầu"), fmt.appointment(d.original_due_at) + self.tr(" (đã xin lỗi, hẹn lại)")))
        if d.fee_collected:  # what was collected, when, as recorded then (rules §11.9)
            rows.insert(rows.index((self.tr("Phí, lệ phí"), fmt.money(d.fee))) + 1, (self.tr("Đã thu"), "\n".join(
                self.tr("%1 — %2, %3 (%4)").replace("%1", fmt.money(f.amount)).replace("%2", f.stage.label.lower())
                .replace("%3", fmt.appointment(f.at)).replace("%4", f.channel.label.lower()) for f in d.fee_collected)))
        if d.cross_boundary:
            rows.insert(rows.index((self.tr("Nhận lúc"), fmt.appointment(d.received_at))),
                        (self.tr("Địa giới"), self.tr("Tiếp nhận không phụ thuộc địa giới hành chính")))
        if d.priority:
            rows.append((self.tr("Ưu tiên"), d.priority_reason or self.tr("có")))
        if d.notes:
            rows.append((self.tr("Ghi chú"), d.notes))
        if d.attachments:
            rows.append((self.tr("Tệp đính kèm"), ", ".join(a.filename for a in d.attachments)))
        cells = "".join(
            f"<tr><td style='padding-right:12px; color:#555'>{escape(label)}</td>"
            f"<td>{escape(value).replace(chr(10), '<br>')}</td></tr>"
            for label, value in rows
        )
        masked_note = self.tr("Dữ liệu cá nhân được che theo vai trò của bạn.")
        note = f"<p><i>{escape(masked_note)}</i></p>" if masked else ""
        return f"<table>{cells}</table>{note}"


def _person(a: Applicant) -> str:
    return f"{a.name} — {a.citizen_id}" if a.citizen_id else a.name
