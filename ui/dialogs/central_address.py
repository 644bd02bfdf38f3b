"""The central database's address, set from the window (F5 on a PC not yet connected, or the menu).

The address is checked by the core (``app.sync.configure``) in the task runner; a refusal is
shown under the field and the dialog stays open with what was typed. The password in the
address goes to the operating system's credential store, never into the database.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from oneStop.domain.models import User
from oneStop.services.app import App
from ui.errors import describe, field_errors
from ui.tasks import TaskRunner
from ui.widgets.common import dialog_buttons, ok_button, set_error


class CentralAddressDialog(QDialog):
    """Asks for the address and has the core keep it; accepted once the core took it."""

    def __init__(self, app: App, tasks: TaskRunner, user: User, current: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app, self._tasks, self._user = app, tasks, user
        self.setWindowTitle(self.tr("Địa chỉ máy chủ trung tâm"))
        self.note = ""
        intro = QLabel(self.tr("Máy này chưa nối với cơ sở dữ liệu trung tâm: hồ sơ vẫn được lưu trên máy và sẽ "
                               "gửi lên khi có địa chỉ và mạng. Địa chỉ do tỉnh cấp cho từng quầy, dạng "
                               "postgresql://quay_…:mật-khẩu@máy-chủ:5432/onestop"))
        intro.setWordWrap(True)
        self.address = QLineEdit(current)
        self.address.setObjectName("central_url")
        self.address.setPlaceholderText("postgresql://…")
        self.address.setMinimumWidth(460)
        self.error = QLabel()
        self.error.setProperty("role", "field-error")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self.buttons = dialog_buttons(self.tr("Lưu và đồng bộ"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Địa chỉ"), self.address)
        form.addRow("", self.error)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

    def _submit(self) -> None:
        app, user, url = self._app, self._user, self.address.text().strip()
        ok_button(self.buttons).setEnabled(False)
        self._tasks.submit(lambda: app.sync.configure(user, url), on_done=self._on_done, on_error=self._on_error,
                           parent=self, quiet=True)

    def _on_done(self, note: str) -> None:
        self.note = note
        self.accept()

    def _on_error(self, exc: BaseException) -> None:
        ok_button(self.buttons).setEnabled(True)
        errors = field_errors(exc)
        set_error(self.address, "; ".join(e.problem for e in errors) if errors else describe(exc), self.error)
        self.address.setFocus()
