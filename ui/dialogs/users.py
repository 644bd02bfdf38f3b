"""The users of the agency, for administrators: add, lock or unlock, reset a password.

Every action is the core's (``app.auth``: ``list_users``, ``add_user``, ``set_active``,
``set_password``, as ``onestop users`` on the command line), run in the task runner; the core
checks the role, so a user who is not an administrator sees the refusal in the dialog. After
each change the table is read again from the core. One's own password is changed with the
current one (:class:`~ui.dialogs.password.ChangePasswordDialog`), never reset.
"""

from __future__ import annotations

from typing import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from oneStop.domain.models import Role, User
from oneStop.services.app import App
from ui.dialogs.password import ChangePasswordDialog, FormDialog, password_field
from ui.errors import describe
from ui.tasks import TaskRunner
from ui.widgets.common import confirm, error_label


class UsersDialog(QDialog):
    """The table of users and what an administrator does with them."""

    loaded = Signal(list)  # list[User], after each reading of the table
    changed = Signal(str)  # the user name just added, locked, unlocked or given a new password

    def __init__(self, app: App, tasks: TaskRunner, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app, self._tasks, self._user = app, tasks, user
        self.users: list[User] = []
        self.form: QDialog | None = None  # the small form open on top (add, reset, own password)
        self.setWindowTitle(self.tr("Người dùng"))
        self.resize(780, 480)

        self.table = QTableWidget(0, 4)
        self.table.setObjectName("users")
        self.table.setHorizontalHeaderLabels([self.tr("Tên đăng nhập"), self.tr("Họ và tên"), self.tr("Vai trò"),
                                              self.tr("Trạng thái")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table for the buttons
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.status = QLabel(self.tr("Đang tải…"))
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.error = error_label()
        self.error.setObjectName("error")
        self.add_button = QPushButton(self.tr("&Thêm người dùng…"))
        self.lock_button = QPushButton(self.tr("&Khóa"))
        self.reset_button = QPushButton(self.tr("Đặt lại &mật khẩu…"))
        self.close_button = QPushButton(self.tr("Đóng"))
        self.close_button.setDefault(True)  # Enter or Esc closes
        for button in (self.add_button, self.lock_button, self.reset_button):
            button.setEnabled(False)  # until the table is read
        self.add_button.clicked.connect(self._on_add_clicked)
        self.lock_button.clicked.connect(self._on_lock_clicked)
        self.reset_button.clicked.connect(self._on_reset_clicked)
        self.close_button.clicked.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._on_selection_changed)

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.lock_button)
        buttons.addWidget(self.reset_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        for first, second in ((self.table, self.add_button), (self.add_button, self.lock_button),
                              (self.lock_button, self.reset_button), (self.reset_button, self.close_button)):
            QWidget.setTabOrder(first, second)
        self.table.setFocus()
        self.reload()

    # --- reading ----------------------------------------------------------------------------------

    def reload(self, select: str | None = None, note: str = "") -> None:
        """Read the users again; then select ``select`` (else the row selected before) and show ``note``."""
        app, user = self._app, self._user
        keep = select or (self.selected().username if self.selected() else None)
        self._tasks.submit(lambda: app.auth.list_users(user), on_done=lambda users: self._on_loaded(users, keep, note),
                           on_error=self._on_load_refused, parent=self,
                           progress_label=self.tr("Đang tải danh sách người dùng…"))

    def _on_loaded(self, users: Sequence[User], select: str | None, note: str) -> None:
        self.users = list(users)
        self.table.setRowCount(len(self.users))
        for row, u in enumerate(self.users):
            state = self.tr("đang dùng") if u.active else self.tr("đã khóa")
            for column, text in enumerate((u.username, u.full_name, u.role.label, state)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, u.username)
                if not u.active:  # a locked account reads as such at a glance
                    item.setForeground(self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
                self.table.setItem(row, column, item)
        names = [u.username for u in self.users]
        if self.users:
            self.table.selectRow(names.index(select) if select in names else 0)
        self.add_button.setEnabled(True)
        self._on_selection_changed()
        count = self.tr("%1 người dùng.").replace("%1", str(len(self.users)))
        self.status.setText(f"{note} {count}".strip())
        self.loaded.emit(self.users)

    def _on_load_refused(self, exc: BaseException) -> None:
        """Not an administrator (the core decides), or the database could not be read: said here."""
        self.status.setText("")
        self._say_error(describe(exc))
        for button in (self.add_button, self.lock_button, self.reset_button):
            button.setEnabled(False)
        self.close_button.setFocus()

    def selected(self) -> User | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.users):
            return None
        return self.users[rows[0].row()]

    def _on_selection_changed(self) -> None:
        chosen = self.selected()
        self.lock_button.setText(self.tr("Mở &khóa") if chosen is not None and not chosen.active else self.tr("&Khóa"))
        self.lock_button.setEnabled(chosen is not None)
        self.reset_button.setEnabled(chosen is not None)

    def _say_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    # --- actions ----------------------------------------------------------------------------------

    def _open(self, form: QDialog, done: Callable[[], None]) -> None:
        """Show ``form`` on top (window-modal, without blocking); ``done()`` once it is accepted."""
        self._say_error("")
        self.form = form
        form.accepted.connect(done)
        form.finished.connect(lambda _: self._on_form_closed(form))
        form.open()

    def _on_form_closed(self, form: QDialog) -> None:
        if self.form is form:
            self.form = None
        form.deleteLater()
        self.table.setFocus()

    def _on_add_clicked(self) -> None:
        form = AddUserDialog(self._app, self._tasks, self._user, self)
        self._open(form, lambda: self._changed(form.created.username if form.created else None,
                                               self.tr("Đã thêm người dùng %1.")))

    def _on_reset_clicked(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return
        if chosen.username == self._user.username:  # one's own: with the current password
            own = ChangePasswordDialog(self._app, self._tasks, self._user, self)
            self._open(own, lambda: self._changed(chosen.username, own.note))
            return
        form = ResetPasswordDialog(self._app, self._tasks, self._user, chosen, self)
        self._open(form, lambda: self._changed(chosen.username, self.tr("Đã đặt lại mật khẩu của %1.")))

    def _on_lock_clicked(self) -> None:
        chosen = self.selected()
        if chosen is None or not self.lock_button.isEnabled():
            return
        lock = chosen.active
        if lock and not confirm(
                self, self.tr("Khóa tài khoản"),
                self.tr("Khóa tài khoản %1 (%2)? Người này sẽ không đăng nhập được cho đến khi được mở khóa.")
                .replace("%1", chosen.username).replace("%2", chosen.full_name),
                self.tr("&Khóa"), self.tr("&Hủy")):
            return
        self._say_error("")
        self.lock_button.setEnabled(False)
        app, user, name = self._app, self._user, chosen.username
        note = self.tr("Đã khóa tài khoản %1.") if lock else self.tr("Đã mở khóa tài khoản %1.")
        self._tasks.submit(lambda: app.auth.set_active(user, name, not lock),
                           on_done=lambda _: self._changed(name, note), on_error=self._on_action_refused,
                           parent=self, quiet=True)

    def _on_action_refused(self, exc: BaseException) -> None:
        self._say_error(describe(exc))
        self._on_selection_changed()
        self.table.setFocus()

    def _changed(self, username: str | None, note: str) -> None:
        self.reload(select=username, note=note.replace("%1", username or ""))
        if username:
            self.changed.emit(username)


class AddUserDialog(FormDialog):
    """A new user: name, full name, role and password (twice). Accepted with :attr:`created`."""

    def __init__(self, app: App, tasks: TaskRunner, user: User, parent: QWidget | None = None) -> None:
        super().__init__(tasks, parent)
        self._app, self._user = app, user
        self.created: User | None = None
        self.setWindowTitle(self.tr("Thêm người dùng"))
        self.setMinimumWidth(480)
        self.username = self.form.add("username", self.tr("Tên đăng nhập"), QLineEdit())
        self.username.setPlaceholderText(self.tr("chữ thường không dấu, ví dụ: hoa.nt"))
        self.username.setMaxLength(50)
        self.full_name = self.form.add("full_name", self.tr("Họ và tên"), QLineEdit())
        self.full_name.setMaxLength(100)
        self.role = self.form.add("role", self.tr("Vai trò"), QComboBox())
        for role in Role:
            self.role.addItem(role.label, role.value)
        self.password = self.form.add("password", self.tr("Mật khẩu"), password_field())
        self.password_again = self.form.add("password_again", self.tr("Nhập lại mật khẩu"), password_field())
        self._build("", self.tr("Thêm"), self._on_add_clicked)

    def _on_add_clicked(self) -> None:
        app, user = self._app, self._user
        values = (self.username.text(), self.full_name.text(), self.role.currentData(), self.password.text())
        self._submit_new_password(lambda: app.auth.add_user(user, *values), self._on_added)

    def _on_added(self, created: User) -> None:
        self.created = created
        self.accept()


class ResetPasswordDialog(FormDialog):
    """An administrator gives ``target`` a new password (typed twice)."""

    def __init__(self, app: App, tasks: TaskRunner, user: User, target: User,
                 parent: QWidget | None = None) -> None:
        super().__init__(tasks, parent)
        self._app, self._user, self.target = app, user, target
        self.setWindowTitle(self.tr("Đặt lại mật khẩu"))
        self.setMinimumWidth(440)
        self.password = self.form.add("password", self.tr("Mật khẩu mới"), password_field())
        self.password_again = self.form.add("password_again", self.tr("Nhập lại mật khẩu mới"), password_field())
        self._build(self.tr("Mật khẩu mới cho %1 (%2). Hãy trao mật khẩu này tận tay người dùng.")
                    .replace("%1", target.username).replace("%2", target.full_name),
                    self.tr("Đặt lại mật khẩu"), self._on_reset_clicked)

    def _on_reset_clicked(self) -> None:
        app, user, name, new = self._app, self._user, self.target.username, self.password.text()
        self._submit_new_password(lambda: app.auth.set_password(user, name, new), lambda _: self.accept())
