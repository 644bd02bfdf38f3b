"""First start on an empty data folder: the agency, this PC's counter and the first administrator.

Builds a :class:`~oneStop.services.setup.SetupRequest` and lets the core check it; every field
the core refuses is marked in red with the core's Vietnamese reason under it.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from oneStop import settings as S
from oneStop.domain import codes
from oneStop.domain.errors import InvalidFormat, ValidationError
from oneStop.domain.models import User
from oneStop.services.app import App
from oneStop.services.setup import SetupRequest
from ui.errors import describe, field_errors
from ui.tasks import TaskRunner
from ui.widgets.common import EnterMovesFocus, dialog_buttons, error_label, set_error


class FirstRunDialog(QDialog):
    """Accepted with :attr:`admin` (the new administrator) once the core has set the agency up."""

    def __init__(self, app: App, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._tasks = tasks
        self.admin: User | None = None
        self.setWindowTitle(self.tr("Thiết lập ban đầu — oneStop"))
        self.setMinimumWidth(560)

        self.agency_name = QLineEdit()
        self.agency_name.setPlaceholderText(self.tr("Ví dụ: Bộ phận tiếp nhận và trả kết quả UBND xã Quảng Phú"))
        self.managing_agency = QLineEdit()
        self.managing_agency.setPlaceholderText(self.tr("Ví dụ: UBND xã Quảng Phú"))
        self.agency_code = QLineEdit()
        self.agency_code.setPlaceholderText(self.tr("Ví dụ: G12.18.112.001 (dạng cũ: 000.17.22.H56)"))
        self.province = QLineEdit()
        self.place = QLineEdit()
        self.place.setPlaceholderText(self.tr("Địa danh ghi trước ngày tháng trên phiếu; để trống: tên tỉnh"))
        self.counter = QSpinBox()
        self.counter.setRange(1, codes.max_counters(int(S.CODE_BLOCK_SIZE.default)))
        self.admin_username = QLineEdit()
        self.admin_username.setPlaceholderText(self.tr("chữ thường không dấu, ví dụ: quantri"))
        self.admin_full_name = QLineEdit()
        self.admin_password = QLineEdit()
        self.admin_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.admin_password_again = QLineEdit()
        self.admin_password_again.setEchoMode(QLineEdit.EchoMode.Password)
        self.sample_catalog = QCheckBox(self.tr("Nạp danh mục thủ tục mẫu cấp xã"))
        self.sample_catalog.setChecked(True)

        # field key of the core → (widget, its error label)
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}
        agency_box = QGroupBox(self.tr("Cơ quan và quầy"))
        agency_form = QFormLayout(agency_box)
        self._add(agency_form, "agency_name", self.tr("Tên bộ phận tiếp nhận"), self.agency_name)
        self._add(agency_form, "managing_agency", self.tr("Cơ quan chủ quản"), self.managing_agency)
        self._add(agency_form, "agency_code", self.tr("Mã định danh điện tử"), self.agency_code)
        self._add(agency_form, "province", self.tr("Tỉnh, thành phố"), self.province)
        self._add(agency_form, "address", self.tr("Địa danh"), self.place)
        self._add(agency_form, "counter", self.tr("Số quầy của máy này"), self.counter)
        admin_box = QGroupBox(self.tr("Quản trị viên đầu tiên"))
        admin_form = QFormLayout(admin_box)
        self._add(admin_form, "username", self.tr("Tên đăng nhập"), self.admin_username)
        self._add(admin_form, "full_name", self.tr("Họ và tên"), self.admin_full_name)
        self._add(admin_form, "password", self.tr("Mật khẩu"), self.admin_password)
        admin_form.addRow(self.tr("Nhập lại mật khẩu"), self.admin_password_again)

        self.error = error_label()
        self.buttons = dialog_buttons(self.tr("Thiết lập"), self.tr("Thoát"))
        self.buttons.accepted.connect(self._on_set_up_clicked)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Máy này chưa được thiết lập. Hãy nhập thông tin cơ quan, số quầy "
                               "và tài khoản quản trị viên."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(agency_box)
        layout.addWidget(admin_box)
        layout.addWidget(self.sample_catalog)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._enter = EnterMovesFocus(self)
        self._enter.watch(self.agency_name, self.managing_agency, self.agency_code, self.province, self.place,
                          self.counter, self.admin_username, self.admin_full_name, self.admin_password)
        self.agency_name.setFocus()

    def _add(self, form: QFormLayout, key: str, label: str, widget: QWidget) -> None:
        error = error_label()
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(error)
        form.addRow(label, column)
        self._fields[key] = (widget, error)

    @classmethod
    def ask(cls, app: App, tasks: TaskRunner, parent: QWidget | None = None) -> User | None:
        """Show the dialog; the new administrator, or None if the official gave up."""
        dialog = cls(app, tasks, parent)
        return dialog.admin if dialog.exec() == QDialog.DialogCode.Accepted else None

    def request(self) -> SetupRequest:
        """What was typed, as the core's request."""
        return SetupRequest(
            agency_code=self.agency_code.text(),
            agency_name=self.agency_name.text(),
            managing_agency=self.managing_agency.text(),
            province=self.province.text(),
            place=self.place.text(),
            counter=self.counter.value(),
            admin_username=self.admin_username.text(),
            admin_full_name=self.admin_full_name.text(),
            admin_password=self.admin_password.text(),
            load_sample_catalog=self.sample_catalog.isChecked(),
        )

    def _on_set_up_clicked(self) -> None:
        self._show_errors([])
        if self.admin_password.text() != self.admin_password_again.text():
            self._show_errors([InvalidFormat("password", self.tr("hai lần nhập không khớp"))])
            return
        request = self.request()
        self.buttons.setEnabled(False)
        self._tasks.submit(lambda: self._app.setup.set_up(request), on_done=self._on_done,
                           on_error=self._on_error, progress_label=self.tr("Đang thiết lập…"), parent=self)

    def _on_done(self, admin: User) -> None:
        self.admin = admin
        self.accept()

    def _on_error(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        errors = field_errors(exc)
        if errors:
            self._show_errors(errors)
        else:
            self.error.setText(describe(exc))
            self.error.setVisible(True)

    def _show_errors(self, errors: list[ValidationError]) -> None:
        by_field: dict[str, list[str]] = {}
        loose: list[str] = []
        for err in errors:
            if err.field in self._fields:
                by_field.setdefault(err.field, []).append(err.problem)
            else:
                loose.append(str(err))
        for key, (widget, label) in self._fields.items():
            set_error(widget, "; ".join(by_field.get(key, [])) or None, label)
        self.error.setText("\n".join(loose))
        self.error.setVisible(bool(loose))
        first = next((self._fields[e.field][0] for e in errors if e.field in self._fields), None)
        if first is not None:
            first.setFocus()

