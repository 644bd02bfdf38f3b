"""Receiving a dossier at the counter, built for speed.

Keyboard first: the tab order follows the form and Enter moves to the next field. Type a few
words of the procedure without accents; the checklist, the fee and the appointment follow. A
chip ID card's QR code read by a scanner into the ID or the name field fills the applicant; a
returning applicant's details are filled from the citizen ID. Ctrl+S or F9 saves, then prints:
the save comes first, so a dossier confirmed on screen is never lost to a printer problem.
"""

from __future__ import annotations

import mimetypes
from dataclasses import replace
from datetime import datetime
from html import escape
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from oneStop.domain import citizen_id as cid
from oneStop.domain.clock import local_date
from oneStop.domain.drafts import MAX_SETS, normalise_draft
from oneStop.domain.errors import InvalidLength, ValidationError, ValidationErrors
from oneStop.domain.models import (
    Applicant,
    AttachmentDraft,
    Channel,
    Dossier,
    DossierDraft,
    Procedure,
    ReturnMethod,
    User,
)
from oneStop.domain.lifecycle import Transition
from oneStop.services.app import App
from ui import format as fmt
from ui.dialogs.missing_documents import RECEIVE, REFUSE, SUPPLEMENT, MissingDocumentsDialog
from ui.errors import describe, field_errors, show_error
from ui.receipts import ReceiptPrinting
from ui.tasks import TaskRunner
from ui.widgets.common import EnterMovesFocus, set_error
from ui.widgets.documents import DocumentChecklistModel, DocumentChecklistView
from ui.widgets.procedure_picker import ProcedurePicker

#: How often the live appointment is recomputed (the clock moves, the cut-off passes).
APPOINTMENT_REFRESH_MS = 30_000
#: A scanner types the whole QR code within a few milliseconds per character; the code is read
#: once the typing has paused this long.
SCAN_PAUSE_MS = 150
#: Fees typed at the counter stay below this (QSpinBox is 32-bit); the core allows more.
MAX_FEE_ON_SCREEN = 2_000_000_000


class ReceptionView(QWidget):
    """The reception form. Emits :attr:`dossier_saved` once the core has recorded a dossier."""

    dossier_saved = Signal(object)  # Dossier
    form_printed = Signal(str, str)  # the form's kind (supplement, refusal), the printer
    applicant_filled = Signal(str)  # "chip" | "returning": the form was filled for the official
    appointment_changed = Signal(object)  # datetime | None

    def __init__(self, app: App, tasks: TaskRunner, user: User, receipts: ReceiptPrinting,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._tasks = tasks
        self._user = user
        self._receipts = receipts
        self._saving = False
        self._looked_up = ""  # the citizen ID last looked up
        self._returning: Applicant | None = None
        self._attachments: list[Path] = []
        self._fee_proposed = 0  # the fee the catalog proposed (a different value was typed by the official)
        self.appointment: datetime | None = None  # the live appointment shown
        self.last_saved: Dossier | None = None
        self._build()
        self._wire()
        self._appointment_timer = QTimer(self)
        self._appointment_timer.setInterval(APPOINTMENT_REFRESH_MS)
        self._appointment_timer.timeout.connect(self.refresh_appointment)
        self._appointment_timer.start()

    # --- building -------------------------------------------------------------------------------------

    def _build(self) -> None:
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setProperty("role", "banner")
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.setVisible(False)
        self.errors = QLabel()
        self._errors_shown: list[ValidationError] = []
        self.errors.setObjectName("errors")
        self.errors.setProperty("role", "field-error")
        self.errors.setWordWrap(True)
        self.errors.setVisible(False)

        # procedure
        self.picker = ProcedurePicker()
        self.procedure_info = QLabel(self.tr("Chưa chọn thủ tục"))
        self.procedure_info.setWordWrap(True)
        self.hours_warning = QLabel()
        self.hours_warning.setObjectName("hours_warning")
        self.hours_warning.setStyleSheet("color: #b26a00; font-weight: bold;")
        self.hours_warning.setWordWrap(True)
        self.hours_warning.setVisible(False)
        self.appointment_label = QLabel()
        self.appointment_label.setObjectName("appointment")
        self.appointment_label.setProperty("role", "appointment")
        procedure_box = QGroupBox(self.tr("Thủ tục hành chính (F2)"))
        procedure_layout = QVBoxLayout(procedure_box)
        procedure_layout.addWidget(self.picker)
        procedure_layout.addWidget(self.procedure_info)
        procedure_layout.addWidget(self.appointment_label)
        procedure_layout.addWidget(self.hours_warning)

        # applicant
        self.citizen_id = self._line("citizen_id", self.tr("12 chữ số, hoặc quét mã QR trên CCCD gắn chíp"))
        self.name = self._line("name", self.tr("Họ và tên người nộp"))
        self.phone = self._line("phone", self.tr("Ví dụ: 0912 345 678"))
        self.email = self._line("email")
        self.address = self._line("address", self.tr("Số nhà, thôn/phố, xã/phường, tỉnh/thành phố"))
        self.organisation = QCheckBox(self.tr("Người nộp là tổ chức"))
        self.organisation.setObjectName("organisation")
        self.tax_code = self._line("tax_code", self.tr("Mã số thuế của tổ chức"))
        self.tax_code.setVisible(False)
        self.returning_hint = QLabel()
        self.returning_hint.setObjectName("returning_hint")
        self.returning_hint.setWordWrap(True)
        self.returning_hint.setVisible(False)
        self.use_returning = QPushButton(self.tr("Dùng thông tin lần trước"))
        self.use_returning.setVisible(False)
        self.owner_differs = QCheckBox(self.tr("Chủ hồ sơ khác người nộp"))
        self.owner_differs.setObjectName("owner_differs")
        self.owner_name = self._line("owner_name")
        self.owner_citizen_id = self._line("owner_citizen_id")
        self.owner_address = self._line("owner_address")
        self.owner_phone = self._line("owner_phone")
        self.owner_email = self._line("owner_email")
        self.authorisation = self._line("authorisation", self.tr("Giấy ủy quyền số …, ngày … (nếu có)"))
        self.owner_box = QGroupBox(self.tr("Chủ hồ sơ"))
        owner_form = QFormLayout(self.owner_box)
        owner_form.addRow(self.tr("Họ tên chủ hồ sơ"), self.owner_name)
        owner_form.addRow(self.tr("Số định danh"), self.owner_citizen_id)
        owner_form.addRow(self.tr("Địa chỉ"), self.owner_address)
        owner_form.addRow(self.tr("Điện thoại"), self.owner_phone)
        owner_form.addRow(self.tr("Thư điện tử"), self.owner_email)
        owner_form.addRow(self.tr("Văn bản ủy quyền"), self.authorisation)
        self.owner_box.setVisible(False)

        applicant_box = QGroupBox(self.tr("Người nộp hồ sơ"))
        applicant_form = QFormLayout(applicant_box)
        applicant_form.addRow(self.tr("Số CCCD"), self.citizen_id)
        self.name_label = QLabel(self.tr("Họ và tên"))
        applicant_form.addRow(self.name_label, self.name)
        applicant_form.addRow(self.tr("Điện thoại"), self.phone)
        applicant_form.addRow(self.tr("Thư điện tử"), self.email)
        applicant_form.addRow(self.tr("Địa chỉ"), self.address)
        applicant_form.addRow("", self.organisation)
        applicant_form.addRow(self.tr("Mã số thuế"), self.tax_code)
        applicant_form.labelForField(self.tax_code).setVisible(False)
        self._tax_label = applicant_form.labelForField(self.tax_code)
        returning_row = QHBoxLayout()
        returning_row.addWidget(self.returning_hint, 1)
        returning_row.addWidget(self.use_returning)
        applicant_form.addRow(returning_row)
        applicant_form.addRow("", self.owner_differs)
        applicant_form.addRow(self.owner_box)

        # documents
        self.documents_model = DocumentChecklistModel(self)
        self.documents = DocumentChecklistView(self.documents_model)
        self.documents.setMinimumHeight(150)
        self.add_document = QPushButton(self.tr("Thêm giấy tờ khác"))
        self.add_document.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.missing = QLabel()
        self.missing.setObjectName("missing")
        self.missing.setWordWrap(True)
        self.missing.setProperty("role", "field-error")
        documents_box = QGroupBox(self.tr("Thành phần hồ sơ (Dấu cách: đánh dấu đã nhận)"))
        documents_layout = QVBoxLayout(documents_box)
        documents_layout.addWidget(self.documents)
        row = QHBoxLayout()
        row.addWidget(self.missing, 1)
        row.addWidget(self.add_document)
        documents_layout.addLayout(row)

        # reception details
        self.fee = QSpinBox()
        self.fee.setObjectName("fee")
        self.fee.setRange(0, MAX_FEE_ON_SCREEN)
        self.fee.setSingleStep(1000)
        self.fee.setGroupSeparatorShown(True)
        self.fee.setSuffix(" đ")
        self.sets = QSpinBox()
        self.sets.setObjectName("sets")
        self.sets.setRange(1, MAX_SETS)
        self.channel = QComboBox()
        self.channel.setObjectName("channel")
        for channel in (Channel.DIRECT, Channel.POSTAL, Channel.ONLINE, Channel.VNEID, Channel.ASSISTED):
            self.channel.addItem(self._channel_label(channel), channel.value)
        self.cross_boundary = QCheckBox(self.tr("Tiếp nhận không phụ thuộc địa giới hành chính"))
        self.cross_boundary.setObjectName("cross_boundary")
        self.cross_boundary.setEnabled(False)
        self.tracking = self._line("tracking", self.tr("Số hiệu bưu gửi, ví dụ EE123456789VN"))
        self.return_method = QComboBox()
        self.return_method.setObjectName("return_method")
        for method in (ReturnMethod.COUNTER, ReturnMethod.POST):
            self.return_method.addItem(method.label, method.value)
        self.delivery_address = self._line("delivery_address", self.tr("Để trống: gửi về địa chỉ người nộp"))
        self.priority = QCheckBox(self.tr("Ưu tiên"))
        self.priority.setObjectName("priority")
        self.priority_reason = self._line("priority_reason", self.tr("Lý do: người cao tuổi, người khuyết tật, …"))
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("notes")
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(60)
        self.attachments = QListWidget()
        self.attachments.setObjectName("attachments")
        self.attachments.setFixedHeight(60)
        self.add_attachment = QPushButton(self.tr("Thêm tệp scan…"))
        self.remove_attachment = QPushButton(self.tr("Bỏ tệp"))
        self.remove_attachment.setFocusPolicy(Qt.FocusPolicy.ClickFocus)

        details_box = QGroupBox(self.tr("Tiếp nhận"))
        details = QFormLayout(details_box)
        details.addRow(self.tr("Phí, lệ phí"), self.fee)
        details.addRow(self.tr("Số bộ hồ sơ"), self.sets)
        details.addRow(self.tr("Kênh tiếp nhận"), self.channel)
        details.addRow(self.tr("Địa giới"), self.cross_boundary)
        details.addRow(self.tr("Số hiệu bưu gửi"), self.tracking)
        details.addRow(self.tr("Nhận kết quả"), self.return_method)
        details.addRow(self.tr("Địa chỉ nhận kết quả"), self.delivery_address)
        priority_row = QHBoxLayout()
        priority_row.addWidget(self.priority)
        priority_row.addWidget(self.priority_reason, 1)
        details.addRow(self.tr("Ưu tiên"), priority_row)
        details.addRow(self.tr("Ghi chú"), self.notes)
        attachment_buttons = QVBoxLayout()
        attachment_buttons.addWidget(self.add_attachment)
        attachment_buttons.addWidget(self.remove_attachment)
        attachment_row = QHBoxLayout()
        attachment_row.addWidget(self.attachments, 1)
        attachment_row.addLayout(attachment_buttons)
        details.addRow(self.tr("Tệp đính kèm"), attachment_row)
        self._tracking_label = details.labelForField(self.tracking)
        self._delivery_label = details.labelForField(self.delivery_address)

        self.save_button = QPushButton(self.tr("Lưu và in phiếu (Ctrl+S, F9)"))
        self.save_button.setObjectName("save")
        self.save_button.setDefault(True)
        self.clear_button = QPushButton(self.tr("Nhập hồ sơ mới (Ctrl+N)"))
        self.clear_button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.save_button)

        grid = QGridLayout()
        grid.addWidget(procedure_box, 0, 0, 1, 2)
        grid.addWidget(applicant_box, 1, 0)
        grid.addWidget(documents_box, 1, 1)
        grid.addWidget(details_box, 2, 0, 1, 2)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.addLayout(grid)
        body_layout.addStretch(1)
        scroll = QScrollArea()
        self._scroll = scroll
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.errors)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)

        # tab order: the order the official works in
        chain = [self.picker.edit, self.citizen_id, self.name, self.phone, self.email, self.address,
                 self.organisation, self.tax_code, self.owner_differs, self.owner_name, self.owner_citizen_id,
                 self.owner_address, self.owner_phone, self.owner_email, self.authorisation, self.documents, self.fee, self.sets, self.channel, self.cross_boundary,
                 self.tracking,
                 self.return_method, self.delivery_address, self.priority, self.priority_reason, self.notes,
                 self.add_attachment, self.save_button]
        for first, second in zip(chain, chain[1:]):
            QWidget.setTabOrder(first, second)
        self._enter = EnterMovesFocus(self)
        self._enter.watch(self.citizen_id, self.name, self.phone, self.email, self.address, self.organisation,
                          self.tax_code, self.owner_differs, self.owner_name, self.owner_citizen_id,
                          self.owner_address, self.owner_phone, self.owner_email, self.authorisation,
                          self.fee, self.sets, self.channel, self.cross_boundary, self.tracking,
                          self.return_method,
                          self.delivery_address, self.priority, self.priority_reason)

        # the widget each field key of the core points at
        self._field_widgets: dict[str, QWidget] = {
            "procedure": self.picker.edit, "procedure_code": self.picker.edit,
            "applicant_name": self.name, "organisation": self.name, "citizen_id": self.citizen_id,
            "owner_name": self.owner_name, "owner_citizen_id": self.owner_citizen_id,
            "owner_address": self.owner_address, "owner_phone": self.owner_phone, "owner_email": self.owner_email,
            "authorisation": self.authorisation,
            "phone": self.phone, "email": self.email, "address": self.address,
            "delivery_address": self.delivery_address, "documents": self.documents,
            "document_name": self.documents, "document_count": self.documents, "fee": self.fee,
            "sets": self.sets, "channel": self.channel, "cross_boundary": self.cross_boundary,
            "tracking": self.tracking, "return_method": self.return_method,
            "notes": self.notes, "attachment": self.attachments,
        }
        self._update_visibility()

    def _line(self, name: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        return edit

    def _wire(self) -> None:
        self.picker.procedure_chosen.connect(self._on_procedure_chosen)
        self.citizen_id.textChanged.connect(self._on_citizen_id_changed)
        self.citizen_id.textChanged.connect(lambda text: self._on_maybe_scanned(self.citizen_id, text))
        self.name.textChanged.connect(lambda text: self._on_maybe_scanned(self.name, text))
        self._scan_timer = QTimer(self)
        self._scan_timer.setSingleShot(True)
        self._scan_timer.setInterval(SCAN_PAUSE_MS)
        self._scan_timer.timeout.connect(self._on_scan_finished)
        self._scan_source: QLineEdit | None = None
        self.use_returning.clicked.connect(lambda: self._fill_returning(overwrite=True))
        self.organisation.toggled.connect(self._update_visibility)
        self.owner_differs.toggled.connect(self._update_visibility)
        self.channel.currentIndexChanged.connect(self._update_visibility)
        self.channel.currentIndexChanged.connect(self._on_channel_changed)
        self.return_method.currentIndexChanged.connect(self._update_visibility)
        self.priority.toggled.connect(self._update_visibility)
        for changed in (self.documents_model.dataChanged, self.documents_model.modelReset,
                        self.documents_model.rowsInserted):
            changed.connect(lambda *_: self._update_missing())
        self.add_document.clicked.connect(self._on_add_document_clicked)
        self.add_attachment.clicked.connect(self._on_add_attachment_clicked)
        self.remove_attachment.clicked.connect(self._on_remove_attachment_clicked)
        self.save_button.clicked.connect(self.save)
        self.clear_button.clicked.connect(self.clear_form)
        for keys in (QKeySequence.StandardKey.Save, QKeySequence(Qt.Key.Key_F9)):
            shortcut = QShortcut(keys, self, self.save)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new = QShortcut(QKeySequence.StandardKey.New, self, self.clear_form)
        new.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _update_visibility(self) -> None:
        organisation = self.organisation.isChecked()
        self.name_label.setText(self.tr("Tên tổ chức") if organisation else self.tr("Họ và tên"))
        self.tax_code.setVisible(organisation)
        self._tax_label.setVisible(organisation)
        self.owner_box.setVisible(self.owner_differs.isChecked())
        postal_in = self.channel.currentData() == Channel.POSTAL.value
        self.tracking.setVisible(postal_in)
        self._tracking_label.setVisible(postal_in)
        by_post = self.return_method.currentData() == ReturnMethod.POST.value
        self.delivery_address.setVisible(by_post)
        self._delivery_label.setVisible(by_post)
        self.priority_reason.setEnabled(self.priority.isChecked())

    # --- the catalog -----------------------------------------------------------------------------------

    def set_procedures(self, procedures: list[Procedure]) -> None:
        self.picker.set_procedures(procedures)

    # --- the procedure, fee and appointment -----------------------------------------------------------------

    def _on_procedure_chosen(self, procedure: Procedure | None) -> None:
        if procedure is None:
            self.procedure_info.setText(self.tr("Chưa chọn thủ tục"))
            self.documents_model.clear()
            self._propose_fee(0)
            self._offer_cross_boundary(None)
            self._set_appointment(None)
            self._set_outside_hours(None)
            return
        if procedure.processing_days:
            term = self.tr("%1 ngày làm việc").replace("%1", str(procedure.processing_days))
            if procedure.processing_hours:
                term += self.tr(" %1 giờ").replace("%1", str(procedure.processing_hours))
        elif procedure.processing_hours:
            term = self.tr("%1 giờ làm việc").replace("%1", str(procedure.processing_hours))
        else:
            term = self.tr("trả ngay trong ngày")
        term_label = self.tr("Thời hạn giải quyết")
        info = (f"<b>{escape(procedure.name)}</b> — {escape(procedure.field)} · {escape(procedure.code)}"
                f"<br>{escape(term_label)}: {escape(term)}")
        if procedure.fee_note:
            info += f"<br><i>{escape(procedure.fee_note)}</i>"
        self.procedure_info.setText(info)
        self.documents_model.set_required(procedure.documents)
        _enable_choice(self.channel, Channel.POSTAL.value, procedure.postal_in)
        self._propose_fee(procedure.fee_for(self._chosen_channel()))
        self._offer_cross_boundary(procedure)
        _enable_choice(self.return_method, ReturnMethod.POST.value, procedure.postal_out)
        self.refresh_appointment()

    def _chosen_channel(self) -> Channel:
        return Channel(self.channel.currentData())

    def _channel_label(self, channel: Channel) -> str:
        return {
            Channel.DIRECT: self.tr("Trực tiếp"),
            Channel.ONLINE: self.tr("Trực tuyến"),
            Channel.POSTAL: self.tr("Qua dịch vụ bưu chính công ích"),
            Channel.VNEID: self.tr("Trực tuyến qua VNeID"),
            Channel.ASSISTED: self.tr("Trực tuyến có hỗ trợ tại quầy"),
        }[channel]

    def _propose_fee(self, amount: int) -> None:
        """Put the catalog's fee in the fee field, and remember it was proposed, not typed."""
        self._fee_proposed = min(amount, MAX_FEE_ON_SCREEN)
        self.fee.setValue(self._fee_proposed)

    def _on_channel_changed(self) -> None:
        """The fee follows the channel (the catalog's fee of that channel), unless the official
        typed one of their own."""
        procedure = self.picker.chosen
        if procedure is None or self.fee.value() != self._fee_proposed:
            return
        self._propose_fee(procedure.fee_for(self._chosen_channel()))

    def _offer_cross_boundary(self, procedure: Procedure | None) -> None:
        """Cross-boundary reception is offered only for a procedure open to it today (§11.7)."""
        self.cross_boundary.setChecked(False)
        if procedure is None:
            self.cross_boundary.setEnabled(False)
            self.cross_boundary.setToolTip("")
            return
        today = local_date(self._app.clock())
        open_ = procedure.open_cross_boundary(today)
        self.cross_boundary.setEnabled(open_)
        since = procedure.cross_boundary_from
        if open_:
            tip = self.tr("Người nộp ở ngoài địa bàn, hoặc hồ sơ của cơ quan nơi khác: thủ tục được tiếp nhận "
                          "không phụ thuộc địa giới hành chính từ ngày %1.").replace("%1", f"{since:%d/%m/%Y}")
        elif since is not None:
            tip = self.tr("Thủ tục này được tiếp nhận không phụ thuộc địa giới hành chính từ ngày %1.").replace(
                "%1", f"{since:%d/%m/%Y}")
        else:
            tip = self.tr("Thủ tục này không thuộc danh mục tiếp nhận không phụ thuộc địa giới hành chính.")
        self.cross_boundary.setToolTip(tip)

    def refresh_appointment(self) -> None:
        """Recompute the appointment of the chosen procedure for a dossier received now."""
        procedure = self.picker.chosen
        if procedure is None:
            return
        app = self._app

        def compute() -> tuple[Procedure, datetime, tuple[str, datetime] | None]:
            now = app.clock()
            return (procedure, app.reception.appointment(procedure.processing_days, procedure.processing_hours, now),
                    app.reception.outside_hours(now))

        self._tasks.submit(compute, on_done=self._on_appointment, quiet=True, parent=self)

    def _on_appointment(self, result: tuple[Procedure, datetime, tuple[str, datetime] | None]) -> None:
        procedure, due, outside = result
        if procedure is self.picker.chosen:
            self._set_appointment(due)
            self._set_outside_hours(outside)

    def _set_outside_hours(self, outside: tuple[str, datetime] | None) -> None:
        """Warn that this is not reception time: the time limit starts later than now."""
        if outside is None:
            self.hours_warning.setVisible(False)
            return
        reason, start = outside
        self.hours_warning.setText(self.tr("Đang ngoài giờ tiếp nhận: %1. Thời hạn giải quyết tính từ %2.")
                                   .replace("%1", reason).replace("%2", fmt.appointment(start)))
        self.hours_warning.setVisible(True)

    def _set_appointment(self, due: datetime | None) -> None:
        self.appointment = due
        text = self.tr("Hẹn trả kết quả: %1").replace("%1", fmt.appointment(due)) if due is not None else ""
        self.appointment_label.setText(text)
        self.appointment_changed.emit(due)

    def _update_missing(self) -> None:
        missing = self.documents_model.missing()
        self.missing.setText(
            self.tr("Chưa đánh dấu giấy tờ bắt buộc: %1").replace("%1", "; ".join(missing)) if missing else ""
        )

    def _on_add_document_clicked(self) -> None:
        index = self.documents_model.add_row()
        self.documents.setCurrentIndex(index)
        self.documents.edit(index)

    # --- the applicant: chip card and returning applicants ---------------------------------------------------

    def _on_maybe_scanned(self, source: QLineEdit, text: str) -> None:
        if "|" in text:
            self._scan_source = source
            self._scan_timer.start()

    def _on_scan_finished(self) -> None:
        source = self._scan_source
        if source is None:
            return
        self.fill_from_chip_qr(source.text(), source)

    def fill_from_chip_qr(self, text: str, source: QLineEdit | None = None) -> bool:
        """Fill ID, name and address from a chip card's QR text; False if it is not one."""
        card = cid.parse_chip_qr(text)
        if card is None:
            if source is not None:
                problem = self.tr("Không đọc được mã QR trên CCCD; hãy quét lại")
                set_error(source, problem)
                source.setToolTip(problem)
            return False
        if source is not None:
            set_error(source, None)
            source.setToolTip("")
        self.name.setText(card.full_name)
        self.address.setText(card.address)
        self.citizen_id.setText(card.citizen_id or card.old_id)
        self.applicant_filled.emit("chip")
        self.phone.setFocus()
        return True

    def _on_citizen_id_changed(self, text: str) -> None:
        if "|" in text:
            return
        number = cid.compact(text)
        if len(number) != cid.LENGTH or not number.isdigit() or number == self._looked_up:
            return
        self._looked_up = number
        app, user = self._app, self._user
        self._tasks.submit(lambda: (number, app.dossiers.last_applicant(user, number)),
                           on_done=self._on_returning_found, on_error=lambda _exc: None, quiet=True, parent=self)

    def _on_returning_found(self, result: tuple[str, Applicant | None]) -> None:
        number, applicant = result
        if applicant is None or cid.compact(self.citizen_id.text()) != number:
            return
        self._returning = applicant
        self._fill_returning(overwrite=False)

    def _fill_returning(self, *, overwrite: bool) -> None:
        """Fill the empty fields (or all of them) with what the applicant gave last time."""
        last = self._returning
        if last is None:
            return
        differs = False
        for edit, value in ((self.name, last.name), (self.phone, last.phone), (self.email, last.email),
                            (self.address, last.address)):
            if overwrite or not edit.text().strip():
                edit.setText(value)
            elif value and edit.text().strip() != value:
                differs = True
        if last.is_organisation and (overwrite or not self.organisation.isChecked()):
            self.organisation.setChecked(True)
            self.tax_code.setText(last.tax_code)
        hint = self.tr("Người này đã nộp hồ sơ tại đây; đã điền thông tin lần trước.")
        if differs:
            hint = self.tr("Lần trước: %1, %2, %3").replace("%1", last.name).replace("%2", last.phone or "—").replace(
                "%3", last.address or "—")
        self.returning_hint.setText(hint)
        self.returning_hint.setVisible(True)
        self.use_returning.setVisible(differs)
        self.applicant_filled.emit("returning")

    # --- attachments ---------------------------------------------------------------------------------------

    def _on_add_attachment_clicked(self) -> None:
        for path in self.ask_attachment_files(self):
            if Path(path) not in self._attachments:
                self._attachments.append(Path(path))
                self.attachments.addItem(Path(path).name)

    def _on_remove_attachment_clicked(self) -> None:
        row = self.attachments.currentRow()
        if row >= 0:
            self.attachments.takeItem(row)
            del self._attachments[row]

    @staticmethod
    def ask_attachment_files(parent: QWidget) -> list[str]:
        caption = QCoreApplication.translate("ReceptionView", "Chọn tệp scan giấy tờ")
        files, _ = QFileDialog.getOpenFileNames(parent, caption, "",
                                                "PDF, ảnh (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;*")
        return files

    # --- saving ---------------------------------------------------------------------------------------------

    def draft(self) -> DossierDraft:
        """What is on screen, as the core's draft (attachments are read when saving)."""
        procedure = self.picker.chosen
        if procedure is None:
            raise ValidationErrors([InvalidLength("procedure", self.tr("chưa chọn thủ tục"))])
        organisation = self.organisation.isChecked()
        applicant = Applicant(
            name=self.name.text(),
            citizen_id=self.citizen_id.text(),
            phone=self.phone.text(),
            email=self.email.text(),
            address=self.address.text(),
            is_organisation=organisation,
            tax_code=self.tax_code.text() if organisation else "",
        )
        owner = None
        if self.owner_differs.isChecked():
            owner = Applicant(name=self.owner_name.text(), citizen_id=self.owner_citizen_id.text(),
                              address=self.owner_address.text(), phone=self.owner_phone.text(),
                              email=self.owner_email.text())
        channel = Channel(self.channel.currentData())
        return_method = ReturnMethod(self.return_method.currentData())
        return DossierDraft(
            procedure_code=procedure.code,
            applicant=applicant,
            owner=owner,
            authorisation=self.authorisation.text() if owner is not None else "",
            channel=channel,
            sets=self.sets.value(),
            documents=self.documents_model.received(),
            fee=self.fee.value(),
            cross_boundary=self.cross_boundary.isEnabled() and self.cross_boundary.isChecked(),
            return_method=return_method,
            delivery_address=self.delivery_address.text() if return_method is ReturnMethod.POST else "",
            priority=self.priority.isChecked(),
            priority_reason=self.priority_reason.text() if self.priority.isChecked() else "",
            notes=self.notes.toPlainText(),
            postal_tracking=self.tracking.text() if channel is Channel.POSTAL else "",
        )

    def save(self) -> None:
        """Save the dossier (Ctrl+S, F9), then print its receipt."""
        if self._saving:
            return  # a second F9 while the first save runs
        self._show_errors([])
        try:
            draft = self.draft()
        except ValidationErrors as exc:
            self._show_errors(exc.errors)
            return
        missing = self.documents_model.missing_rows()
        outcome, reason = RECEIVE, ""
        if missing:
            try:  # the fields first, all at once (the core checks them again when it saves)
                normalise_draft(draft, self.picker.chosen, today=local_date(self._app.clock()))
            except ValidationErrors as exc:
                self._show_errors(exc.errors)
                return
            except ValidationError as exc:
                self._show_errors([exc])
                return
            answer = MissingDocumentsDialog.ask(self, missing)
            if answer is None:
                return  # back to the form, as it was
            outcome, reason, note = answer
            if outcome == RECEIVE:
                draft = replace(draft, notes="\n".join(filter(None, (draft.notes.strip(), note))))
        files = list(self._attachments)
        app, user = self._app, self._user
        wanted = [{"name": r.name, "form": r.form.value, "count": r.count} for r in missing]

        def receive() -> Dossier:
            dossier = app.reception.receive(user, replace(draft, attachments=_read_attachments(files)))
            if outcome == SUPPLEMENT:  # Mẫu 02 for exactly what is missing
                dossier = app.lifecycle.transition(user, dossier.code, Transition.SUPPLEMENT_REQUESTED, {
                    "documents": wanted, "reason": "Hồ sơ chưa đầy đủ khi tiếp nhận"})
            elif outcome == REFUSE:
                dossier = app.lifecycle.transition(user, dossier.code, Transition.REFUSED, {"reason": reason})
            return dossier

        self._saving = True
        self.save_button.setEnabled(False)
        # quiet: a progress dialog would take the keyboard from the next applicant's form
        self._tasks.submit(receive, on_done=lambda dossier: self._on_saved(dossier, outcome),
                           on_error=self._on_save_failed, parent=self, quiet=True)

    def _on_saved(self, dossier: Dossier, outcome: str = RECEIVE) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        if outcome == SUPPLEMENT:
            text = self.tr("Hồ sơ %1: đã in Phiếu yêu cầu bổ sung (Mẫu 02), chưa hẹn trả").replace("%1", dossier.code)
        elif outcome == REFUSE:
            text = self.tr("Hồ sơ %1: đã từ chối tiếp nhận, in Phiếu từ chối (Mẫu 03)").replace("%1", dossier.code)
        else:
            text = self.tr("Đã tiếp nhận hồ sơ %1 — hẹn trả %2").replace("%1", dossier.code).replace(
                "%2", fmt.appointment(dossier.due_at))
        self.banner.setText(text)
        self.banner.setVisible(True)
        self.last_saved = dossier
        self.clear_form()
        self.dossier_saved.emit(dossier)
        if outcome == RECEIVE:
            self._receipts.print_receipt(dossier.code, self)
        else:
            self._print_form(dossier.code, "supplement" if outcome == SUPPLEMENT else "refusal")

    def _print_form(self, code: str, kind: str) -> None:
        title = self.tr("Phiếu yêu cầu bổ sung — %1") if kind == "supplement" else self.tr("Phiếu từ chối tiếp nhận — %1")
        self._receipts.print_form(code, kind, self, title=title.replace("%1", code),
                                  on_printed=lambda printer: self.form_printed.emit(kind, printer))

    def _on_save_failed(self, exc: BaseException) -> None:
        self._saving = False
        self.save_button.setEnabled(True)
        errors = field_errors(exc)
        if errors:
            self._show_errors(errors)
        else:
            show_error(self, exc)

    def _show_errors(self, errors: list[ValidationError]) -> None:
        """Mark the fields the core refused, list the reasons, and put the cursor on the first."""
        messages: dict[QWidget, list[str]] = {widget: [] for widget in self._field_widgets.values()}
        for err in errors:
            if err.field in self._field_widgets:
                messages[self._field_widgets[err.field]].append(str(err))
        self._errors_shown = list(errors)
        if errors:  # the last dossier's "saved" banner is not about this one
            self.banner.setVisible(False)
        for widget, texts in messages.items():
            set_error(widget, "\n".join(texts) or None, on_cleared=self._on_error_cleared)
            widget.setToolTip("\n".join(texts))
        self._show_error_summary()
        first = next((self._field_widgets[e.field] for e in errors if e.field in self._field_widgets), None)
        if first is not None:
            first.setFocus()
            self._scroll.ensureWidgetVisible(first)  # the cursor is where the official can see it

    def _on_error_cleared(self, widget: QWidget) -> None:
        """A field in error was edited: its reasons leave the list (the core checks it again on saving)."""
        self._errors_shown = [e for e in self._errors_shown if self._field_widgets.get(e.field) is not widget]
        self._show_error_summary()

    def _show_error_summary(self) -> None:
        errors = self._errors_shown
        self.errors.setText(describe(ValidationErrors(errors)) if errors else "")
        self.errors.setVisible(bool(errors))

    def clear_form(self) -> None:
        """Empty the form for the next applicant (the banner with the last code stays)."""
        self._show_errors([])
        self.picker.clear()
        for edit in (self.citizen_id, self.name, self.phone, self.email, self.address, self.tax_code,
                     self.owner_name, self.owner_citizen_id, self.owner_address, self.owner_phone,
                     self.owner_email, self.authorisation, self.tracking,
                     self.delivery_address, self.priority_reason):
            edit.clear()
        for box in (self.organisation, self.owner_differs, self.priority, self.cross_boundary):
            box.setChecked(False)
        self.notes.clear()
        self.sets.setValue(1)
        self.channel.setCurrentIndex(0)
        self.return_method.setCurrentIndex(0)
        self.attachments.clear()
        self._attachments.clear()
        self._returning = None
        self._looked_up = ""
        self.returning_hint.setVisible(False)
        self.use_returning.setVisible(False)
        self.picker.edit.setFocus()
        # the next applicant starts at the top: the field with the keyboard is on screen
        self._scroll.verticalScrollBar().setValue(0)


def _read_attachments(paths: list[Path]) -> tuple[AttachmentDraft, ...]:
    """Read the chosen files (in the task runner); a file that cannot be read is a field error."""
    drafts = []
    for path in paths:
        try:
            content = path.read_bytes()
        except OSError as exc:
            reason = exc.strerror or str(exc)
            problem = QCoreApplication.translate("ReceptionView", "không đọc được “%1”: %2")
            problem = problem.replace("%1", path.name).replace("%2", reason)
            raise ValidationErrors([ValidationError("attachment", problem)]) from exc
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        drafts.append(AttachmentDraft(path.name, content, mime))
    return tuple(drafts)


def _enable_choice(combo: QComboBox, value: str, enabled: bool) -> None:
    """Grey out (or offer again) the entry of ``combo`` whose data is ``value``."""
    item = combo.model().item(combo.findData(value))  # type: ignore[attr-defined]
    item.setEnabled(enabled)
