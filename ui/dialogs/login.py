"""Signing in at the counter (``app.auth.login``, off the GUI thread: Argon2 takes a moment)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from oneStop.domain.models import User
from oneStop.services.app import App
from ui.errors import describe
from ui.tasks import TaskRunner
from ui.widgets.common import EnterMovesFocus, dialog_buttons, error_label


class LoginDialog(QDialog):
    """User name and password; accepted with :attr:`user` set once the core agrees."""

    def __init__(self, app: App, tasks: TaskRunner, parent: QWidget | None = None, *,
                 agency_name: str = "", username: str = "") -> None:
        super().__init__(parent)
        self._app = app
        self._tasks = tasks
        self.user: User | None = None
        self.setWindowTitle(self.tr("Đăng nhập — oneStop"))

        self.username = QLineEdit(username)
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = error_label()
        # the reason's room is kept from the start: after a wrong password nothing moves
        self.error.setVisible(True)
        self.error.setMinimumHeight(2 * self.error.fontMetrics().lineSpacing())
        self.setMinimumWidth(380)
        self.buttons = dialog_buttons(self.tr("Đăng nhập"), self.tr("Thoát"))
        self.buttons.accepted.connect(self._on_login_clicked)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.tr("Tên đăng nhập"), self.username)
        form.addRow(self.tr("Mật khẩu"), self.password)
        layout = QVBoxLayout(self)
        if agency_name:
            heading = QLabel(agency_name)
            heading.setWordWrap(True)
            heading.setStyleSheet("font-weight: bold")
            layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self._enter = EnterMovesFocus(self)
        self._enter.watch(self.username)
        (self.password if username else self.username).setFocus()

    @classmethod
    def ask(cls, app: App, tasks: TaskRunner, parent: QWidget | None = None, **kwargs: str) -> User | None:
        """Show the dialog; the signed-in user, or None if the official gave up."""
        dialog = cls(app, tasks, parent, **kwargs)
        return dialog.user if dialog.exec() == QDialog.DialogCode.Accepted else None

    def _on_login_clicked(self) -> None:
        username, password = self.username.text(), self.password.text()
        self.buttons.setEnabled(False)
        self.error.setText("")
        self._tasks.submit(lambda: self._app.auth.login(username, password),
                           on_done=self._on_logged_in, on_error=self._on_login_failed, parent=self, quiet=True)

    def _on_logged_in(self, user: User) -> None:
        self.user = user
        self.accept()

    def _on_login_failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        self.error.setText(describe(exc))
        self.password.selectAll()
        self.password.setFocus()
