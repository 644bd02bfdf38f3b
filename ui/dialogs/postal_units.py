"""The postal units from the window: the post offices a counter hands dossiers to and receives
them from (``onestop postal-units add/list`` without a terminal).

Everything goes through the core (``app.handover.postal_units``, ``save_postal_unit``) in the
task runner; the core checks the role (MANAGE_SETTINGS) and every field, and its refusal shows
under the field with what was typed kept. A unit stopped here is no longer offered when a
handover batch is opened; batches already made keep it. Other roles see the list read-only.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
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

from oneStop.domain.models import User
from oneStop.domain.permissions import Permission, allowed
from oneStop.services.app import App
from oneStop.services.handover import PostalUnit
from ui.errors import describe, field_errors
from ui.tasks import TaskRunner
from ui.widgets.common import confirm, dialog_buttons, error_label, ok_button, set_error


class PostalUnitForm(QDialog):
    """One postal unit, added (its code typed) or changed (its code, the key, read-only).

    Lưu hands the fields to the core in the task runner and closes once the core has kept them
    (``unit`` is then what it kept); a refusal shows under its field and nothing typed is lost.
    """

    def __init__(self, app: App, tasks: TaskRunner, user: User, unit: PostalUnit | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app, self._tasks, self._user = app, tasks, user
        self._active = unit.active if unit is not None else True
        self.unit: PostalUnit | None = None
        self.setWindowTitle(self.tr("Thêm đơn vị bưu chính") if unit is None else self.tr("Sửa đơn vị bưu chính"))
        self.code, self.name, self.address, self.phone = QLineEdit(), QLineEdit(), QLineEdit(), QLineEdit()
        for widget, name in ((self.code, "code"), (self.name, "name"), (self.address, "address"),
                             (self.phone, "phone")):
            widget.setObjectName(name)
        self.code.setPlaceholderText(self.tr("Ví dụ: BC-QP"))
        self.name.setPlaceholderText(self.tr("Ví dụ: Bưu cục Quảng Phú"))
        self.name.setMinimumWidth(380)
        if unit is not None:
            self.code.setText(unit.code)
            self.code.setReadOnly(True)  # the key: another code is another unit
            self.code.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.name.setText(unit.name)
            self.address.setText(unit.address)
            self.phone.setText(unit.phone)
        self.code_error, self.name_error, self.address_error, self.phone_error = (
            error_label(), error_label(), error_label(), error_label())
        self.error = error_label()
        self.error.setObjectName("error")
        self._places = {"postal_unit": (self.code, self.code_error),
                        "postal_unit_name": (self.name, self.name_error),
                        "address": (self.address, self.address_error),
                        "phone": (self.phone, self.phone_error)}
        self.buttons = dialog_buttons(self.tr("&Lưu"), self.tr("&Hủy"))
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)

        form = QFormLayout()
        for text, widget, label in ((self.tr("&Mã"), self.code, self.code_error),
                                    (self.tr("&Tên"), self.name, self.name_error),
                                    (self.tr("Đị&a chỉ"), self.address, self.address_error),
                                    (self.tr("Điện th&oại"), self.phone, self.phone_error)):
            caption = QLabel(text)
            caption.setBuddy(widget)
            form.addRow(caption, widget)
            form.addRow("", label)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        (self.code if unit is None else self.name).setFocus()

    def _submit(self) -> None:
        if not ok_button(self.buttons).isEnabled():
            return  # already with the core
        app, user, active = self._app, self._user, self._active
        code, name, address, phone = (w.text() for w in (self.code, self.name, self.address, self.phone))
        for widget, label in self._places.values():
            set_error(widget, None, label)
        self.error.setVisible(False)
        ok_button(self.buttons).setEnabled(False)
        self._tasks.submit(lambda: app.handover.save_postal_unit(user, code, name, address, phone, active=active),
                           on_done=self._on_saved, on_error=self._on_refused, parent=self,
                           progress_label=self.tr("Đang lưu đơn vị bưu chính…"))

    def _on_saved(self, unit: PostalUnit) -> None:
        self.unit = unit
        ok_button(self.buttons).setEnabled(True)
        self.accept()

    def _on_refused(self, exc: BaseException) -> None:
        ok_button(self.buttons).setEnabled(True)
        first: QWidget | None = None
        elsewhere: list[str] = []
        for error in field_errors(exc):
            widget, label = self._places.get(error.field, (None, None))
            if widget is None or widget.isReadOnly():
                elsewhere.append(str(error))
                continue
            set_error(widget, error.problem, label)
            first = first or widget
        if not field_errors(exc):
            elsewhere.append(describe(exc))
        if elsewhere:
            self.error.setText("\n".join(elsewhere))
            self.error.setVisible(True)
        (first or self.name).setFocus()


class PostalUnitsDialog(QDialog):
    """Đơn vị bưu chính: the list (in use and stopped), add, change, stop and use again.

    Opened by the main window with ``PostalUnitsDialog(app, tasks, user, parent).exec()``.
    """

    #: The table shows what the core holds (after opening and after each change).
    loaded = Signal()

    COLUMNS = ("code", "name", "address", "phone", "state")

    def __init__(self, app: App, tasks: TaskRunner, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app, self._tasks, self._user = app, tasks, user
        self.can_manage = allowed(user.role, Permission.MANAGE_SETTINGS)
        self.units: list[PostalUnit] = []
        self.form: PostalUnitForm | None = None  # the add or edit form while it is open
        self.setWindowTitle(self.tr("Đơn vị bưu chính"))

        self.status = QLabel(self.tr("Đang tải…"))
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("units")
        self.table.setHorizontalHeaderLabels([self.tr("Mã"), self.tr("Tên"), self.tr("Địa chỉ"),
                                              self.tr("Điện thoại"), self.tr("Tình trạng")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for column in (0, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _: self.edit_selected())
        self.table.installEventFilter(self)

        self.add_button = QPushButton(self.tr("&Thêm…"))
        self.add_button.setObjectName("add")
        self.add_button.clicked.connect(self.add)
        self.edit_button = QPushButton(self.tr("&Sửa…"))
        self.edit_button.setObjectName("edit")
        self.edit_button.clicked.connect(self.edit_selected)
        self.toggle_button = QPushButton(self.tr("&Ngừng dùng"))
        self.toggle_button.setObjectName("toggle")
        self.toggle_button.clicked.connect(self.toggle_selected)
        self.error = error_label()
        self.error.setObjectName("error")
        self.buttons = QDialogButtonBox()
        self.close_button = self.buttons.addButton(self.tr("Đón&g"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.rejected.connect(self.reject)
        for button in (self.add_button, self.edit_button, self.toggle_button, self.close_button):
            button.setAutoDefault(False)  # Enter on a row edits it; it never presses a button by surprise

        actions = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.toggle_button):
            actions.addWidget(button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.error)
        if not self.can_manage:
            only = QLabel(self.tr("Chỉ quản trị viên được thêm, sửa hay ngừng dùng đơn vị bưu chính; bạn chỉ xem được."))
            only.setWordWrap(True)
            layout.addWidget(only)
        layout.addWidget(self.buttons)
        self.add_button.setEnabled(self.can_manage)
        self._update_buttons()
        self.resize(900, 480)
        self.table.setFocus()
        self.reload()

    # --- the list --------------------------------------------------------------------------------------

    def reload(self, select: str | None = None, note: str = "") -> None:
        """Load every unit, stopped ones too, in the task runner; then select ``select`` (a code)
        and say ``note`` (what was just done) in the status line."""
        app = self._app
        self.status.setText(self.tr("Đang tải…"))
        self._tasks.submit(lambda: app.handover.postal_units(include_inactive=True),
                           on_done=lambda units: self._on_loaded(units, select, note), on_error=self._on_load_failed,
                           parent=self, quiet=True)

    def _on_loaded(self, units: list[PostalUnit], select: str | None = None, note: str = "") -> None:
        current = self.selected()
        select = select or (current.code if current is not None else None)
        self.units = units
        self.table.setRowCount(len(units))
        for row, unit in enumerate(units):
            state = self.tr("Đang dùng") if unit.active else self.tr("Ngừng dùng")
            for column, text in enumerate((unit.code, unit.name, unit.address, unit.phone, state)):
                item = QTableWidgetItem(text)
                if not unit.active:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(row, column, item)
        chosen = next((row for row, unit in enumerate(units) if unit.code == select), 0 if units else None)
        if chosen is not None:
            self.table.setCurrentCell(chosen, 0)
            self.table.selectRow(chosen)
        in_use = sum(1 for unit in units if unit.active)
        count = self.tr("%1 đơn vị đang dùng, %2 đã ngừng dùng.").replace("%1", str(in_use)) \
            .replace("%2", str(len(units) - in_use)) if units else \
            self.tr("Chưa có đơn vị bưu chính nào. Thêm đơn vị để mở được lô bàn giao.")
        self.status.setText(f"{note} {count}" if note else count)
        self._update_buttons()
        self.loaded.emit()

    def _on_load_failed(self, exc: BaseException) -> None:
        self.status.setText(self.tr("Không tải được danh sách: %1").replace("%1", describe(exc)))

    def selected(self) -> PostalUnit | None:
        rows = self.table.selectionModel().selectedRows()
        return self.units[rows[0].row()] if rows and rows[0].row() < len(self.units) else None

    def _update_buttons(self) -> None:
        unit = self.selected()
        self.edit_button.setEnabled(self.can_manage and unit is not None)
        self.toggle_button.setEnabled(self.can_manage and unit is not None)
        self.toggle_button.setText(self.tr("&Dùng lại") if unit is not None and not unit.active
                                   else self.tr("&Ngừng dùng"))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if watched is self.table and event.type() == QEvent.Type.KeyPress:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):  # type: ignore[attr-defined]
                self.edit_selected()
                return True
        return super().eventFilter(watched, event)

    # --- add, edit -------------------------------------------------------------------------------------

    def add(self) -> None:
        """Open the form for a new unit."""
        if self.can_manage:
            self._open_form(None)

    def edit_selected(self) -> None:
        """Open the form on the selected unit (also a double click or Enter on its row)."""
        unit = self.selected()
        if unit is not None and self.can_manage:
            self._open_form(unit)

    def _open_form(self, unit: PostalUnit | None) -> None:
        form = PostalUnitForm(self._app, self._tasks, self._user, unit, self)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.accepted.connect(lambda: self._on_form_saved(form))
        form.finished.connect(lambda _: self._form_closed(form))
        self.form = form
        form.open()  # window-modal, without blocking: the task runner's answers still arrive

    def _on_form_saved(self, form: PostalUnitForm) -> None:
        if form.unit is not None:
            self.reload(select=form.unit.code,
                        note=self.tr("Đã lưu %1 — %2.").replace("%1", form.unit.code).replace("%2", form.unit.name))

    def _form_closed(self, form: PostalUnitForm) -> None:
        if self.form is form:
            self.form = None
        self._take_keyboard_back()

    def _take_keyboard_back(self) -> None:
        """After a form or a question closes, the keyboard is this window's again, on the list
        (not every platform gives it back by itself)."""
        if self.isVisible():
            self.activateWindow()
        self.table.setFocus()

    # --- stop, use again ---------------------------------------------------------------------------------

    def toggle_selected(self) -> None:
        """Stop using the selected unit (after a confirmation), or use a stopped one again."""
        unit = self.selected()
        if unit is None or not self.can_manage:
            return
        if unit.active:
            question = self.tr("Ngừng dùng đơn vị «%1 — %2»? Đơn vị sẽ không còn trong danh sách khi mở lô bàn giao "
                               "mới; các lô đã có không thay đổi. Có thể dùng lại sau.") \
                .replace("%1", unit.code).replace("%2", unit.name)
            stop = confirm(self, self.tr("Ngừng dùng đơn vị bưu chính"), question, self.tr("&Ngừng dùng"),
                           self.tr("&Không"))
            self._take_keyboard_back()
            if not stop:
                return
        app, user = self._app, self._user
        self.error.setVisible(False)
        self.toggle_button.setEnabled(False)

        def job() -> list[PostalUnit]:
            app.handover.save_postal_unit(user, unit.code, unit.name, unit.address, unit.phone, active=not unit.active)
            return app.handover.postal_units(include_inactive=True)

        self._tasks.submit(job, on_done=lambda units: self._on_toggled(units, unit), on_error=self._on_toggle_failed,
                           parent=self, progress_label=self.tr("Đang lưu đơn vị bưu chính…"))

    def _on_toggled(self, units: list[PostalUnit], before: PostalUnit) -> None:
        text = self.tr("Đã ngừng dùng %1.") if before.active else self.tr("Đã dùng lại %1.")
        self._on_loaded(units, select=before.code, note=text.replace("%1", before.code))
        self.table.setFocus()

    def _on_toggle_failed(self, exc: BaseException) -> None:
        self._update_buttons()
        self.error.setText(describe(exc))
        self.error.setVisible(True)
