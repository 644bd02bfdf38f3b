"""The agency's settings an administrator changes from the window: working hours and the
reception cut-off, the receipt and the dossier codes, targets and warnings, postal tracking
formats, the sync's clock tolerance, how long backups are kept; and the look-up website and
hotline the receipt prints ("Tra cứu hồ sơ tại: …", "Đường dây nóng: …", ``app.setup.set_contact``).

Every value goes through the core (``app.settings.change``: the permission, the rule, an event
that reaches the agency's other counters). Each editor follows the setting's kind as
``oneStop.settings`` declares it; what the core refuses is shown under its field and the dialog
stays open with what was typed. A setting that changes from the next day (the dossier numbers'
block and digits) says so, with the day.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from oneStop import settings as S
from oneStop.domain import agency_contact
from oneStop.domain.errors import ValidationError, ValidationErrors
from oneStop.domain.models import Agency
from oneStop.domain.models import User
from oneStop.services.app import App
from oneStop.services.settings_store import Change
from ui.errors import describe
from ui.tasks import TaskRunner
from ui.widgets.common import dialog_buttons, error_label, ok_button, set_error

#: The form's groups: (title, settings). Two columns of two groups each.
GROUPS: tuple[tuple[str, tuple[S.Setting, ...]], ...] = (
    (QT_TRANSLATE_NOOP("AgencySettingsDialog", "Giờ làm việc"), (S.WORK_START, S.WORK_END, S.CUTOFF)),
    (QT_TRANSLATE_NOOP("AgencySettingsDialog", "Phiếu tiếp nhận và mã hồ sơ"), (S.RECEIPT_PAPER, S.PRINT_COPIES, S.CODE_BLOCK_SIZE, S.CODE_DIGITS,
                                     S.MAX_BACKDATE_DAYS)),
    (QT_TRANSLATE_NOOP("AgencySettingsDialog", "Chỉ tiêu, thời hạn, người ký"),
     (S.TARGET_POSTAL_IN, S.TARGET_POSTAL_OUT, S.DUE_SOON_DAYS, S.EARLY_DAYS, S.MAX_EXTENSIONS, S.REPORT_HEAD_NAME)),
    (QT_TRANSLATE_NOOP("AgencySettingsDialog", "Bưu chính, đồng bộ, sao lưu"), (S.TRACKING_FORMATS, S.MAX_CLOCK_SKEW, S.BACKUP_KEEP_DAYS)),
)


class TimeEdit(QTimeEdit):
    """``HH:mm``; Tab leaves the field as in every other field of the form (Qt's own moves from
    the hours to the minutes first; typing 1630 fills both anyway)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat("HH:mm")

    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802 (Qt name)
        return QWidget.focusNextPrevChild(self, forward)


class AgencySettingsDialog(QDialog):
    """Loads the values in force (and the changes waiting for the next day), then edits them;
    accepted once the core has taken every change, with :attr:`note` saying what was saved."""

    def __init__(self, app: App, tasks: TaskRunner, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app, self._tasks, self._user = app, tasks, user
        self.setWindowTitle(self.tr("Giờ làm việc, chỉ tiêu, mã hồ sơ"))
        self.note = ""
        self._values: dict[str, Any] = {}
        self.editors: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        self.pending_notes: dict[str, QLabel] = {}
        self._cutoff_on: QCheckBox | None = None
        self._contact_values: dict[str, str] = {}
        self.contact: dict[str, QLineEdit] = {}
        self.contact_errors: dict[str, QLabel] = {}

        self.status = QLabel(self.tr("Đang tải…"))
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        grid = QGridLayout()
        self._groups = [self._group(title, settings) for title, settings in GROUPS]
        for index, group in enumerate(self._groups):  # two groups a column
            grid.addWidget(group, index % 2, index // 2)
        self._groups.append(self._contact_group())
        grid.addWidget(self._groups[-1], 2, 0, 1, 2)
        self.buttons = dialog_buttons(self.tr("Lưu"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        ok_button(self.buttons).setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(grid)
        layout.addWidget(self.buttons)
        self._enable_editors(False)
        tasks.submit(lambda: (app.settings.all(), app.settings.pending(), app.setup.agency()), on_done=self._on_loaded,
                     on_error=self._on_load_failed, parent=self, quiet=True)

    # --- the form -------------------------------------------------------------------------------------

    def _group(self, title: str, settings: tuple[S.Setting, ...]) -> QGroupBox:
        box = QGroupBox(self.tr(title))
        form = QFormLayout(box)
        for setting in settings:
            editor = self._editor(setting)
            editor.setToolTip(self._help(setting))
            self.editors[setting.key] = editor
            form.addRow(self._label(setting), editor if setting is not S.CUTOFF else self._cutoff_row(editor))
            error = error_label()
            self.errors[setting.key] = error
            form.addRow("", error)
            if setting.next_day:
                pending = QLabel()
                pending.setWordWrap(True)
                pending.setVisible(False)
                self.pending_notes[setting.key] = pending
                form.addRow("", pending)
        return box

    def _contact_group(self) -> QGroupBox:
        """The look-up website and hotline, printed at the foot of the receipt."""
        box = QGroupBox(self.tr("In trên phiếu tiếp nhận"))
        form = QFormLayout(box)
        for key, label, limit, hint in (
            ("lookup_url", self.tr("Trang tra cứu hồ sơ"), agency_contact.LOOKUP_URL_MAX,
             self.tr("Ví dụ: https://dichvucong.thanhhoa.gov.vn (trống: không in)")),
            ("hotline", self.tr("Đường dây nóng"), agency_contact.HOTLINE_MAX,
             self.tr("Ví dụ: 0237 3852 123 hoặc 1900 xxxx (trống: không in)")),
        ):
            line = QLineEdit()
            line.setObjectName(key)
            line.setMaxLength(limit)
            line.setMinimumWidth(320)
            line.setPlaceholderText(hint)
            self.contact[key] = line
            form.addRow(label, line)
            error = error_label()
            self.contact_errors[key] = error
            form.addRow("", error)
        return box

    def _label(self, setting: S.Setting) -> str:
        labels = {
            S.WORK_START.key: self.tr("Giờ bắt đầu"),
            S.WORK_END.key: self.tr("Giờ kết thúc"),
            S.CUTOFF.key: self.tr("Giờ chốt tiếp nhận"),
            S.RECEIPT_PAPER.key: self.tr("Khổ giấy phiếu"),
            S.PRINT_COPIES.key: self.tr("Số liên phiếu"),
            S.CODE_BLOCK_SIZE.key: self.tr("Khối số hồ sơ mỗi quầy"),
            S.CODE_DIGITS.key: self.tr("Số chữ số thứ tự"),
            S.MAX_BACKDATE_DAYS.key: self.tr("Ghi lùi tối đa (ngày)"),
            S.TARGET_POSTAL_IN.key: self.tr("Tiếp nhận qua bưu chính (%)"),
            S.TARGET_POSTAL_OUT.key: self.tr("Trả kết quả qua bưu chính (%)"),
            S.DUE_SOON_DAYS.key: self.tr("Cảnh báo sắp đến hạn (ngày)"),
            S.EARLY_DAYS.key: self.tr("Trả trước hạn từ (ngày)"),
            S.MAX_EXTENSIONS.key: self.tr("Số lần gia hạn tối đa"),
            S.REPORT_HEAD_NAME.key: self.tr("Thủ trưởng cơ quan, đơn vị"),
            S.TRACKING_FORMATS.key: self.tr("Dạng số hiệu bưu gửi khác S10"),
            S.MAX_CLOCK_SKEW.key: self.tr("Lệch đồng hồ tối đa (phút)"),
            S.BACKUP_KEEP_DAYS.key: self.tr("Giữ bản sao lưu (ngày)"),
        }
        return labels[setting.key]

    def _help(self, setting: S.Setting) -> str:
        """The setting's help (``oneStop.settings`` declares it in Vietnamese) in the interface's
        language, as the field's tooltip."""
        helps = {
            S.WORK_START.key: self.tr("Giờ bắt đầu làm việc"),
            S.WORK_END.key: self.tr("Giờ kết thúc làm việc"),
            S.CUTOFF.key: self.tr("Giờ chốt tiếp nhận: hồ sơ nhận sau giờ này tính từ ngày làm việc tiếp theo "
                                  "(để trống: không áp dụng)"),
            S.RECEIPT_PAPER.key: self.tr("Khổ giấy in phiếu tiếp nhận"),
            S.PRINT_COPIES.key: self.tr("Số liên phiếu tiếp nhận"),
            S.CODE_BLOCK_SIZE.key: self.tr("Khối số hồ sơ của mỗi quầy (mỗi ngày)"),
            S.CODE_DIGITS.key: self.tr("Số chữ số của số thứ tự trong mã hồ sơ"),
            S.MAX_BACKDATE_DAYS.key: self.tr("Số ngày tối đa được ghi thời điểm tiếp nhận lùi về trước (hồ sơ nhận "
                                             "khi máy chưa ghi được)"),
            S.TARGET_POSTAL_IN.key: self.tr("Chỉ tiêu tỉ lệ hồ sơ tiếp nhận qua bưu chính công ích (%)"),
            S.TARGET_POSTAL_OUT.key: self.tr("Chỉ tiêu tỉ lệ kết quả trả qua bưu chính công ích (%)"),
            S.DUE_SOON_DAYS.key: self.tr("Số ngày làm việc tới để cảnh báo hồ sơ sắp đến hạn"),
            S.EARLY_DAYS.key: self.tr("Số ngày làm việc trước hẹn để tính là trả trước hạn"),
            S.MAX_EXTENSIONS.key: self.tr("Số lần tối đa xin lỗi và hẹn lại (gia hạn) thời gian giải quyết một hồ sơ"),
            S.REPORT_HEAD_NAME.key: self.tr("Họ tên thủ trưởng cơ quan, đơn vị: ký báo cáo định kỳ và văn bản xin lỗi, "
                                            "gia hạn (để trống: ghi tay)"),
            S.TRACKING_FORMATS.key: self.tr("Các dạng số hiệu bưu gửi khác S10 được chấp nhận (chữ, số, \\d, ., "
                                            "[A-Z0-9], {n}, {n,m}, ?; cách nhau bởi ;)"),
            S.MAX_CLOCK_SKEW.key: self.tr("Độ lệch đồng hồ tối đa so với máy chủ trung tâm (phút)"),
            S.BACKUP_KEEP_DAYS.key: self.tr("Số ngày giữ các bản sao dữ liệu trong thư mục sao lưu"),
        }
        return helps[setting.key]

    @staticmethod
    def _editor(setting: S.Setting) -> QWidget:
        kind = setting.kind
        editor: QWidget
        if isinstance(kind, S.IntRange):
            spin = QSpinBox()
            spin.setRange(kind.low, kind.high)
            spin.setGroupSeparatorShown(False)
            editor = spin
        elif isinstance(kind, S.Choice):
            combo = QComboBox()
            for choice in kind.choices:
                combo.addItem(choice, choice)
            editor = combo
        elif isinstance(kind, S.TimeOfDay):
            editor = TimeEdit()
        else:
            line = QLineEdit()
            if isinstance(kind, S.Text):
                line.setMaxLength(kind.max_len)
            line.setMinimumWidth(220)
            if setting is S.TRACKING_FORMATS:
                line.setPlaceholderText(QCoreApplication.translate("AgencySettingsDialog", "trống: chỉ nhận S10"))
            editor = line
        editor.setObjectName(setting.key)
        return editor

    def _cutoff_row(self, editor: QWidget) -> QWidget:
        """The cut-off may be "not applied": a tick beside its time."""
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        self._cutoff_on = QCheckBox(self.tr("áp dụng"))
        self._cutoff_on.setObjectName("cutoff_on")
        self._cutoff_on.toggled.connect(editor.setEnabled)
        layout.addWidget(editor)
        layout.addWidget(self._cutoff_on)
        layout.addStretch(1)
        return row

    def _enable_editors(self, enabled: bool) -> None:
        for group in self._groups:
            group.setEnabled(enabled)

    # --- values ---------------------------------------------------------------------------------------

    def _on_loaded(self, loaded: tuple[dict[str, Any], dict[str, tuple[Any, date]], Agency]) -> None:
        values, pending, agency = loaded
        self._contact_values = {"lookup_url": agency.lookup_url, "hotline": agency.hotline}
        for key, line in self.contact.items():
            line.setText(self._contact_values[key])
        self._values = {key: values[key] for key in self.editors}
        for key, editor in self.editors.items():
            self._show(key, editor, values[key])
        for key, label in self.pending_notes.items():
            if key in pending:
                value, day = pending[key]
                label.setText(self.tr("Đã đổi thành %1, có hiệu lực từ ngày %2.").replace("%1", str(value)).replace(
                    "%2", f"{day:%d/%m/%Y}"))
                label.setVisible(True)
        self.status.setText(self.tr("Các thiết lập này dùng chung cho mọi quầy của cơ quan (gửi đi khi đồng bộ). "
                                    "Khối số và số chữ số của mã hồ sơ đổi từ ngày hôm sau."))
        self._enable_editors(True)
        ok_button(self.buttons).setEnabled(True)
        self._fit()
        first = self.editors[S.WORK_START.key]
        first.setFocus()

    def _fit(self) -> None:
        """Grow to what the form needs now: the dialog opens with a one-line «Đang tải…», the
        loaded notes and the refusals under the fields take more lines, and a dialog once shown
        keeps its size (the receipt group's fields were squeezed below their height)."""
        layout = self.layout()
        assert layout is not None
        layout.activate()
        self.resize(self.size().expandedTo(self.sizeHint()))

    def _on_load_failed(self, exc: BaseException) -> None:
        self.status.setText(describe(exc))
        self.status.setProperty("role", "field-error")
        self._fit()

    def _show(self, key: str, editor: QWidget, value: Any) -> None:
        if isinstance(editor, QSpinBox):
            editor.setValue(int(value))
        elif isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(value)))
        elif isinstance(editor, QTimeEdit):
            applied = bool(value)
            editor.setTime(QTime.fromString(value, "HH:mm") if applied else QTime(15, 0))
            if key == S.CUTOFF.key and self._cutoff_on is not None:
                self._cutoff_on.setChecked(applied)
                editor.setEnabled(applied)
        elif isinstance(editor, QLineEdit):
            editor.setText(str(value))

    def _typed(self, key: str, editor: QWidget) -> Any:
        if isinstance(editor, QSpinBox):
            return editor.value()
        if isinstance(editor, QComboBox):
            return editor.currentData()
        if isinstance(editor, QTimeEdit):
            if key == S.CUTOFF.key and self._cutoff_on is not None and not self._cutoff_on.isChecked():
                return ""
            return editor.time().toString("HH:mm")
        assert isinstance(editor, QLineEdit)
        return editor.text()

    def changes(self) -> dict[str, Any]:
        """What the administrator changed, as typed (the core checks it)."""
        typed = {key: self._typed(key, editor) for key, editor in self.editors.items()}
        return {key: value for key, value in typed.items() if str(value).strip() != str(self._values[key]).strip()}

    def contact_changes(self) -> dict[str, str]:
        """The look-up website and hotline as typed, those changed."""
        typed = {key: line.text() for key, line in self.contact.items()}
        return {key: value for key, value in typed.items() if value.strip() != self._contact_values[key].strip()}

    # --- saving ---------------------------------------------------------------------------------------

    def _submit(self) -> None:
        changes, contact = self.changes(), self.contact_changes()
        for key, editor in self.editors.items():
            set_error(editor, None, self.errors[key])
        for key, line in self.contact.items():
            set_error(line, None, self.contact_errors[key])
        if not changes and not contact:
            self.reject()
            return
        refused = {}
        checks = {"lookup_url": agency_contact.lookup_url, "hotline": agency_contact.hotline}
        for key, value in contact.items():
            try:
                checks[key](value)
            except ValidationError as exc:
                refused[key] = exc.problem
        for key, value in changes.items():  # every mistake at once, before anything is saved
            try:
                S.get(key).parse(value)
            except ValidationError as exc:
                refused[key] = exc.problem
        if refused:
            self._show_refusals(refused)
            return
        app, user = self._app, self._user
        # the numbers' block and digits first: the core may refuse them for the agency's counters
        ordered = sorted(changes, key=lambda k: (not S.get(k).next_day, k))

        def save() -> list[tuple[str, Change]]:
            done = []
            for key in ordered:
                try:
                    done.append((key, app.settings.change(user, key, changes[key])))
                except ValidationError as exc:
                    raise _Refused(key, exc, [k for k, _ in done]) from None
            if contact:
                try:
                    app.setup.set_contact(user, **contact)
                except ValidationErrors as exc:
                    raise _Refused(exc.errors[0].field, exc.errors[0], [k for k, _ in done]) from None
            return done

        ok_button(self.buttons).setEnabled(False)
        self._tasks.submit(save, on_done=self._on_saved, on_error=self._on_save_failed, parent=self, quiet=True,
                           progress_label=self.tr("Đang lưu thiết lập…"))

    def _on_saved(self, done: list[tuple[str, Change]]) -> None:
        later = [(key, change) for key, change in done if change.takes_effect is not None]
        count = len(done) + len(self.contact_changes())
        note = self.tr("Đã lưu %1 thiết lập của cơ quan.").replace("%1", str(count))
        if later:
            note += " " + self.tr("Mã hồ sơ theo thiết lập mới từ ngày %1.").replace(
                "%1", f"{later[0][1].takes_effect:%d/%m/%Y}")
        self.note = note
        self.accept()

    def _on_save_failed(self, exc: BaseException) -> None:
        ok_button(self.buttons).setEnabled(True)
        if isinstance(exc, _Refused):
            for key in exc.saved:  # those are in force now: what is typed is what is stored
                if key in self.editors:
                    self._values[key] = self._typed(key, self.editors[key])
            self._show_refusals({exc.key: exc.error.problem})
            return
        self.status.setText(describe(exc))
        self.status.setProperty("role", "field-error")
        self.status.style().polish(self.status)
        self._fit()

    def _show_refusals(self, refused: dict[str, str]) -> None:
        for key, problem in refused.items():
            if key in self.contact:  # its label names it already: the problem alone
                set_error(self.contact[key], problem, self.contact_errors[key])
                continue
            help_text = S.get(key).help
            message = problem.split(f"{help_text}: ", 1)[-1]  # the label already names the setting
            set_error(self.editors[key], message, self.errors[key])
        self._fit()
        fields: dict[str, QWidget] = {**self.editors, **self.contact}
        first = next(key for key in fields if key in refused)
        fields[first].setFocus()


class _Refused(Exception):
    """The core refused one setting; the ones before it were saved."""

    def __init__(self, key: str, error: ValidationError, saved: list[str]) -> None:
        super().__init__(error.problem)
        self.key, self.error, self.saved = key, error, saved
