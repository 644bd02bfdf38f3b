"""Changing one's own password (``app.auth.change_own_password``, in the task runner).

The current password is asked first: a wrong one is a failed sign-in for the core (it counts in
the login throttle), and its refusal shows under the field with everything typed kept. The two
new passwords must match before anything goes to the core.

:class:`FieldForm` is the form of this dialog and of the users' dialogs (``ui/dialogs/users.py``):
each row carries the core's field name and a red label under the field for its refusal.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from oneStop.domain.errors import ValidationError
from oneStop.domain.models import User
from oneStop.services.app import App
from ui.errors import describe, field_errors
from ui.tasks import TaskRunner
from ui.widgets.common import EnterMovesFocus, dialog_buttons, error_label, ok_button, set_error


class FieldForm(QFormLayout):
    """A form whose rows are named by the core's field names, each with its error label."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, tuple[QWidget, QLabel]] = {}

    def add(self, key: str, text: str, widget: QWidget) -> QWidget:
        label = error_label()
        label.setObjectName(f"{key}_error")
        column = QVBoxLayout()
        column.setSpacing(2)
        column.addWidget(widget)
        column.addWidget(label)
        widget.setObjectName(key)
        self.addRow(text, column)
        self.fields[key] = (widget, label)
        return widget

    def error(self, key: str) -> str:
        """The refusal shown under the field ``key`` ("" if none)."""
        label = self.fields[key][1]
        return "" if label.isHidden() else label.text()

    def show_errors(self, errors: Sequence[ValidationError]) -> list[str]:
        """Each error under its field (every other field cleared); the first field in error gets
        the focus with its text selected, so that typing again replaces it. Returns the sentences
        of the errors that name no field of this form."""
        by_field: dict[str, list[str]] = {}
        loose: list[str] = []
        for err in errors:
            if err.field in self.fields:
                by_field.setdefault(err.field, []).append(err.problem)
            else:
                loose.append(str(err))
        for key, (widget, label) in self.fields.items():
            set_error(widget, "; ".join(by_field.get(key, [])) or None, label)
        first = next((widget for key, (widget, _) in self.fields.items() if key in by_field), None)
        if first is not None:
            first.setFocus()
            if isinstance(first, QLineEdit):
                first.selectAll()
        return loose


def password_field() -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(200)
    return field


def mismatch() -> ValidationError:
    """The repeated password differs from the first (said under the repeat field)."""
    return ValidationError("password_again", QCoreApplication.translate("password", "hai lần nhập không khớp"))


class FormDialog(QDialog):
    """A small form whose OK sends one call to the core in the task runner; a refusal shows
    under its fields (or under the form), the dialog stays open and nothing typed is lost.
    Subclasses build :attr:`form`, :attr:`error` and :attr:`buttons` (:meth:`_build`)."""

    def __init__(self, tasks: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self.intro = QLabel()
        self.intro.setObjectName("intro")
        self.form = FieldForm()
        self.error = error_label()
        self.error.setObjectName("error")
        self.buttons: QDialogButtonBox | None = None

    def _build(self, intro: str, ok_text: str, on_ok: Callable[[], None]) -> None:
        """Lay the form out under ``intro`` with its buttons; Enter moves from field to field, and
        in the last one presses ``ok_text``."""
        self.buttons = dialog_buttons(ok_text)
        self.buttons.accepted.connect(on_ok)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        self.intro.setText(intro)
        self.intro.setWordWrap(True)
        self.intro.setVisible(bool(intro))
        layout.addWidget(self.intro)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        widgets = [widget for widget, _ in self.form.fields.values()]
        self._enter = EnterMovesFocus(self)
        self._enter.watch(*widgets[:-1])
        widgets[0].setFocus()

    def _submit_new_password(self, job: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        """Send ``job`` unless a call is on its way (a second Enter) or the new password typed
        twice (fields ``password`` and ``password_again``) differs: said under the repeat field,
        before anything goes to the core."""
        if self._busy():
            return
        if self.form.fields["password"][0].text() != self.form.fields["password_again"][0].text():
            self.show_errors([mismatch()])
            return
        self.show_errors([])
        self._submit(job, on_done)

    def _submit(self, job: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        assert self.buttons is not None
        ok_button(self.buttons).setEnabled(False)
        self._tasks.submit(job, on_done=on_done, on_error=self._on_refused, parent=self, quiet=True)

    def _busy(self) -> bool:
        """A call is already on its way (a second Enter does nothing)."""
        return self.buttons is not None and not ok_button(self.buttons).isEnabled()

    def _on_refused(self, exc: BaseException) -> None:
        assert self.buttons is not None
        ok_button(self.buttons).setEnabled(True)
        errors = field_errors(exc)
        self.show_errors(errors, "" if errors else describe(exc))

    def show_errors(self, errors: Sequence[ValidationError], other: str = "") -> None:
        """``errors`` under their fields (the others cleared); what names no field, and ``other``
        (a refusal that is not about one field), under the form."""
        loose = self.form.show_errors(errors)
        text = "\n".join([*loose, other] if other else loose)
        self.error.setText(text)
        self.error.setVisible(bool(text))


class ChangePasswordDialog(FormDialog):
    """The signed-in user's own password: accepted once the core changed it (:attr:`note` says so)."""

    def __init__(self, app: App, tasks: TaskRunner, user: User, parent: QWidget | None = None) -> None:
        super().__init__(tasks, parent)
        self._app, self._user = app, user
        self.note = ""
        self.setWindowTitle(self.tr("Đổi mật khẩu"))
        self.setMinimumWidth(440)
        self.current = self.form.add("current_password", self.tr("Mật khẩu hiện tại"), password_field())
        self.password = self.form.add("password", self.tr("Mật khẩu mới"), password_field())
        self.password_again = self.form.add("password_again", self.tr("Nhập lại mật khẩu mới"), password_field())
        self._build(self.tr("Tài khoản %1 (%2). Mật khẩu mới dùng được ngay ở máy này, ở các quầy khác sau lần "
                            "đồng bộ tới.").replace("%1", user.username).replace("%2", user.full_name),
                    self.tr("Đổi mật khẩu"), self._on_change_clicked)

    def _on_change_clicked(self) -> None:
        app, user, current, new = self._app, self._user, self.current.text(), self.password.text()
        self._submit_new_password(lambda: app.auth.change_own_password(user, current, new), self._on_changed)

    def _on_changed(self, _: object) -> None:
        self.note = self.tr("Đã đổi mật khẩu.")
        self.accept()

    def show_errors(self, errors: Sequence[ValidationError], other: str = "") -> None:
        super().show_errors(errors, other)
        if other and not errors:  # the throttle, a locked account: the current password is what is typed again
            self.current.setFocus()
            self.current.selectAll()
