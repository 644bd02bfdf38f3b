"""The working calendar from the window: the administrator's adjustments (an extra day off, a
make-up working day) beside the public holidays the program already counts.

Everything goes through the same core calls as ``onestop calendar set/remove/list``
(``app.calendar.set_override``, ``remove_override``, ``overrides``), in the task runner; the
core checks the role (MANAGE_SETTINGS) and the input, and its refusal shows in place with what
was typed kept. Other roles see the calendar read-only. The public holidays come from
``app.calendar.holidays(year)``: the law's days before any adjustment, shown so that nobody
enters a holiday twice.
"""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from oneStop.domain.calendar import OFF, WORK, CalendarOverride
from oneStop.domain.clock import local_date
from oneStop.domain.models import User
from oneStop.domain.permissions import Permission, allowed
from oneStop.services.app import App
from oneStop.services.calendar import FIRST_YEAR, LAST_YEAR, Holiday
from ui.errors import describe, field_errors
from ui.format import _weekday
from ui.tasks import TaskRunner
from ui.widgets.common import EnterMovesFocus, confirm, error_label, set_error

_SEPARATORS = "/.-"
#: What an official types for a date: 25/11/2026, 5/1/2027, 25.11.2026 or 25112026.
_TYPED_DATE = re.compile(r"(\d{2}|\d(?=[/.-]))[/.-]?(\d{2}|\d(?=[/.-]))[/.-]?(\d{4})")

#: What the loading job hands back: the year, the adjustments (all years), the year's holidays.
Loaded = tuple[int, list[CalendarOverride], list[Holiday]]


class DateField(QDateEdit):
    """A date typed as it is written, dd/MM/yyyy, or picked in the calendar popup (Alt+↓).

    Qt moves to the next section by itself once a section is full, so the slash typed after
    "25" would skip the month; and it shortens a day that the month on screen has not got
    (31 while November shows). Here a slash right after such a move is swallowed, and a whole
    date typed from the day on is taken as typed once its year is complete."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDisplayFormat("dd/MM/yyyy")
        self.setCalendarPopup(True)
        self.calendarWidget().setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self._typed: str | None = None  # what was typed since the day section got the keyboard
        self._advanced = False  # the last digit filled its section and Qt moved on
        self._fresh = True  # no digit typed since the keyboard or the mouse put the cursor here
        self.lineEdit().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if watched is self.lineEdit() and event.type() == QEvent.Type.MouseButtonPress:
            self._typed, self._advanced, self._fresh = None, False, True
        return super().eventFilter(watched, event)

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 (Qt name)
        super().focusInEvent(event)
        self._typed = "" if self.currentSection() == QDateTimeEdit.Section.DaySection else None
        self._advanced, self._fresh = False, True

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt name)
        text = event.text()
        typing = len(text) == 1 and (text.isdigit() or text in _SEPARATORS) and not (
            event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier))
        if not typing:
            self._typed, self._advanced, self._fresh = None, False, True
            super().keyPressEvent(event)
            return
        if text.isdigit() and self._fresh and self.lineEdit().selectedText() in ("", self.text()):
            # the first digit after a click, Home or Ctrl+A (the cursor in a section, or all
            # selected) replaces the section, as after Tab, instead of slipping in beside it
            edit = self.lineEdit()
            whole = edit.cursorPosition() == 0 or edit.selectedText() == self.text()
            section = QDateTimeEdit.Section.DaySection if whole else self.currentSection()
            self.setSelectedSection(section)
            if section == QDateTimeEdit.Section.DaySection:
                self._typed = ""
        self._fresh = False
        if self._typed is not None:
            self._typed += text
        if text in _SEPARATORS and self._advanced:
            self._advanced = False
            event.accept()
        else:
            section = self.currentSectionIndex()
            super().keyPressEvent(event)
            self._advanced = text.isdigit() and self.currentSectionIndex() != section
        self._take_typed_date()

    def _take_typed_date(self) -> None:
        match = _TYPED_DATE.fullmatch(self._typed or "")
        if match is None:
            return
        day, month, year = (int(part) for part in match.groups())
        try:
            typed = date(year, month, day)
        except ValueError:
            return  # no such day: Qt's own reading stands
        self._typed = None
        if self.date().toPython() != typed:
            self.setDate(QDate(typed.year, typed.month, typed.day))


def _read_only_table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setTabKeyNavigation(False)  # Tab leaves the table, as in every other field
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    for column in range(len(headers) - 1):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
    return table


class CalendarDialog(QDialog):
    """Lịch làm việc: the adjustments of a year (add, remove) and its public holidays.

    Opened by the main window with ``CalendarDialog(app, tasks, user, parent).exec()``.
    """

    #: The tables show what the core holds (after opening, a change of year, an addition, a removal).
    loaded = Signal()

    def __init__(self, app: App, tasks: TaskRunner, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app, self._tasks, self._user = app, tasks, user
        self.can_manage = allowed(user.role, Permission.MANAGE_SETTINGS)
        self.overrides: list[CalendarOverride] = []  # every adjustment, all years
        self.shown: list[CalendarOverride] = []  # the rows of the adjustments table
        self.holidays: list[Holiday] = []
        self.setWindowTitle(self.tr("Lịch làm việc"))
        today = local_date(app.clock())

        self.year = QSpinBox()
        self.year.setObjectName("year")
        self.year.setRange(FIRST_YEAR, LAST_YEAR)
        self.year.setValue(today.year)
        self.year.setKeyboardTracking(False)  # a year is loaded once typed, not at each digit
        self.year.valueChanged.connect(lambda _: self.reload())
        year_label = QLabel(self.tr("&Năm"))
        year_label.setBuddy(self.year)
        self.status = QLabel(self.tr("Đang tải…"))
        self.status.setObjectName("status")
        self.status.setWordWrap(True)

        self.overrides_table = _read_only_table([self.tr("Ngày"), self.tr("Loại"), self.tr("Ghi chú")])
        self.overrides_table.setObjectName("overrides")
        self.overrides_table.itemSelectionChanged.connect(self._update_buttons)
        self.overrides_table.installEventFilter(self)
        self.remove_button = QPushButton(self.tr("&Xóa ngày đã chọn…"))
        self.remove_button.setObjectName("remove")
        self.remove_button.clicked.connect(self.remove_selected)

        self.day = DateField()
        self.day.setObjectName("day")
        self.day.setDate(QDate(today.year, today.month, today.day))
        self.day.dateChanged.connect(lambda _: self._clear_error(self.day, self.day_error))
        self.kind = QComboBox()
        self.kind.setObjectName("kind")
        self.kind.addItem(self.tr("Ngày nghỉ thêm"), OFF)
        self.kind.addItem(self.tr("Ngày làm việc bù"), WORK)
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.note.setPlaceholderText(self.tr("Ví dụ: nghỉ theo quyết định của UBND tỉnh"))
        self.note.returnPressed.connect(self.add)
        self.day_error, self.note_error, self.error = error_label(), error_label(), error_label()
        self.error.setObjectName("error")
        self.add_button = QPushButton(self.tr("&Thêm vào bảng điều chỉnh"))
        self.add_button.setObjectName("add")
        self.add_button.clicked.connect(self.add)
        self._enter = EnterMovesFocus(self)
        self._enter.watch(self.day, self.kind)

        self.holidays_table = _read_only_table([self.tr("Ngày"), self.tr("Thứ"), self.tr("Ngày lễ, Tết, nghỉ bù")])
        self.holidays_table.setObjectName("holidays")

        self.buttons = QDialogButtonBox()
        self.close_button = self.buttons.addButton(self.tr("Đón&g"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.rejected.connect(self.reject)
        for button in (self.remove_button, self.add_button, self.close_button):
            button.setAutoDefault(False)  # Enter in a field never presses a button by surprise

        self._lay_out(year_label)
        self.setTabOrder(self.year, self.overrides_table)
        self.setTabOrder(self.overrides_table, self.remove_button)
        self.setTabOrder(self.remove_button, self.day)
        self.setTabOrder(self.day, self.kind)
        self.setTabOrder(self.kind, self.note)
        self.setTabOrder(self.note, self.add_button)
        self.setTabOrder(self.add_button, self.holidays_table)
        self.setTabOrder(self.holidays_table, self.close_button)
        for widget in (self.day, self.kind, self.note, self.add_button):
            widget.setEnabled(self.can_manage)
        self._update_buttons()
        self.resize(1000, 600)
        self.year.setFocus()
        self.reload()

    def _lay_out(self, year_label: QLabel) -> None:
        top = QHBoxLayout()
        top.addWidget(year_label)
        top.addWidget(self.year)
        top.addSpacing(16)
        top.addWidget(self.status, 1)

        adjustments = QGroupBox(self.tr("Bảng điều chỉnh của quản trị viên (được ưu tiên hơn lịch nghỉ lễ)"))
        left = QVBoxLayout(adjustments)
        left.addWidget(self.overrides_table, 1)
        left.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignLeft)
        form = QFormLayout()
        day_label = QLabel(self.tr("Ngà&y"))
        day_label.setBuddy(self.day)
        kind_label = QLabel(self.tr("&Loại"))
        kind_label.setBuddy(self.kind)
        note_label = QLabel(self.tr("Ghi &chú"))
        note_label.setBuddy(self.note)
        form.addRow(day_label, self.day)
        form.addRow("", self.day_error)
        form.addRow(kind_label, self.kind)
        form.addRow(note_label, self.note)
        form.addRow("", self.note_error)
        left.addLayout(form)
        left.addWidget(self.error)
        left.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignRight)
        if not self.can_manage:
            only = QLabel(self.tr("Chỉ quản trị viên được thay đổi lịch làm việc; bạn chỉ xem được."))
            only.setWordWrap(True)
            left.addWidget(only)

        statutory = QGroupBox(self.tr("Ngày lễ, Tết chương trình đã tự tính (chỉ xem)"))
        right = QVBoxLayout(statutory)
        right.addWidget(self.holidays_table)

        columns = QHBoxLayout()
        columns.addWidget(adjustments, 1)
        columns.addWidget(statutory, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(columns, 1)
        layout.addWidget(self.buttons)

    # --- loading -----------------------------------------------------------------------------------

    def reload(self) -> None:
        """Load the adjustments and the selected year's holidays (in the task runner)."""
        app, year = self._app, self.year.value()
        self.status.setText(self.tr("Đang tải…"))
        self._tasks.submit(lambda: _load(app, year), on_done=self._on_loaded, on_error=self._on_load_failed,
                           parent=self, quiet=True)

    def _on_loaded(self, loaded: Loaded, select: date | None = None) -> None:
        year, overrides, holidays = loaded
        if year != self.year.value():
            return  # another year was chosen meanwhile: its own load follows
        self.overrides, self.holidays = overrides, holidays
        self.shown = [o for o in overrides if o.day.year == year]
        self._fill_overrides(select)
        self._fill_holidays()
        days_off = sum(1 for h in holidays if h.kind == OFF)
        self.status.setText(self.tr("Năm %1: %2 ngày nghỉ lễ, Tết, nghỉ bù; %3 ngày trong bảng điều chỉnh.")
                            .replace("%1", str(year)).replace("%2", str(days_off)).replace("%3", str(len(self.shown))))
        self._update_buttons()
        self.loaded.emit()

    def _on_load_failed(self, exc: BaseException) -> None:
        self.status.setText(self.tr("Không tải được lịch làm việc: %1").replace("%1", describe(exc)))

    def _kind_text(self, kind: str) -> str:
        return self.tr("Ngày nghỉ thêm") if kind == OFF else self.tr("Ngày làm việc bù")

    def _fill_overrides(self, select: date | None) -> None:
        table = self.overrides_table
        table.setRowCount(len(self.shown))
        for row, override in enumerate(self.shown):
            cells = (f"{_weekday(override.day.weekday())} {override.day:%d/%m/%Y}", self._kind_text(override.kind),
                     override.note)
            for column, text in enumerate(cells):
                table.setItem(row, column, QTableWidgetItem(text))
            if override.day == select:
                table.selectRow(row)

    def _fill_holidays(self) -> None:
        adjusted = {o.day: o for o in self.overrides}
        table = self.holidays_table
        table.setRowCount(len(self.holidays))
        for row, holiday in enumerate(self.holidays):
            name = holiday.name
            if holiday.day in adjusted:
                name += self.tr(" — bảng điều chỉnh: %1").replace("%1", self._kind_text(adjusted[holiday.day].kind))
            cells = (f"{holiday.day:%d/%m/%Y}", _weekday(holiday.day.weekday()), name)
            for column, text in enumerate(cells):
                table.setItem(row, column, QTableWidgetItem(text))

    # --- adding --------------------------------------------------------------------------------------

    def add(self) -> None:
        """Put the day typed in the form into the adjustments (the core checks it and the role)."""
        if not self.can_manage or not self.add_button.isEnabled():
            return
        app, user = self._app, self._user
        day, kind, note = self.day.date().toPython(), self.kind.currentData(), self.note.text()
        for widget, label in ((self.day, self.day_error), (self.note, self.note_error)):
            set_error(widget, None, label)
        self.error.setVisible(False)
        self.add_button.setEnabled(False)

        def job() -> Loaded:
            app.calendar.set_override(user, day, kind, note)
            return _load(app, day.year)

        self._tasks.submit(job, on_done=lambda loaded: self._on_added(loaded, day, kind),
                           on_error=self._on_add_failed, parent=self,
                           progress_label=self.tr("Đang lưu lịch làm việc…"))

    def _on_added(self, loaded: Loaded, day: date, kind: str) -> None:
        self.add_button.setEnabled(True)
        self.year.blockSignals(True)  # the year of the new day is shown with it, loaded already
        self.year.setValue(day.year)
        self.year.blockSignals(False)
        self._on_loaded(loaded, select=day)
        self.note.clear()
        self.status.setText(self.tr("Đã lưu ngày %1 (%2) vào bảng điều chỉnh.")
                            .replace("%1", f"{day:%d/%m/%Y}").replace("%2", self._kind_text(kind)))
        self.day.setFocus()

    def _on_add_failed(self, exc: BaseException) -> None:
        self.add_button.setEnabled(True)
        places = {"notes": (self.note, self.note_error), "date": (self.day, self.day_error)}
        shown = False
        for error in field_errors(exc):
            if error.field in places:
                widget, label = places[error.field]
                set_error(widget, error.problem, label)
                widget.setFocus()
                shown = True
        if not shown:
            self.error.setText(describe(exc))
            self.error.setVisible(True)

    @staticmethod
    def _clear_error(widget: QWidget, label: QLabel) -> None:
        if widget.property("error"):
            set_error(widget, None, label)

    # --- removing ------------------------------------------------------------------------------------

    def selected(self) -> CalendarOverride | None:
        rows = self.overrides_table.selectionModel().selectedRows()
        return self.shown[rows[0].row()] if rows and rows[0].row() < len(self.shown) else None

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self.can_manage and self.selected() is not None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if watched is self.overrides_table and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Delete and self.remove_button.isEnabled():  # type: ignore[attr-defined]
                self.remove_selected()
                return True
        return super().eventFilter(watched, event)

    def remove_selected(self) -> None:
        """Take the selected day out of the adjustments, once the administrator confirms."""
        override = self.selected()
        if override is None or not self.can_manage:
            return
        question = self.tr("Bỏ ngày %1 (%2) khỏi bảng điều chỉnh? Ngày hẹn trả của hồ sơ tiếp nhận từ nay sẽ "
                           "tính theo lịch nghỉ lễ của chương trình.") \
            .replace("%1", f"{override.day:%d/%m/%Y}").replace("%2", self._kind_text(override.kind))
        remove = confirm(self, self.tr("Xóa ngày điều chỉnh"), question, self.tr("&Xóa"), self.tr("&Không"))
        if self.isVisible():  # the keyboard is this window's again (not every platform gives it back)
            self.activateWindow()
        self.overrides_table.setFocus()
        if not remove:
            return
        app, user, year = self._app, self._user, self.year.value()
        self.remove_button.setEnabled(False)

        def job() -> Loaded:
            app.calendar.remove_override(user, override.day)
            return _load(app, year)

        self._tasks.submit(job, on_done=self._on_removed, on_error=self._on_remove_failed, parent=self,
                           progress_label=self.tr("Đang lưu lịch làm việc…"))

    def _on_removed(self, loaded: Loaded) -> None:
        self._on_loaded(loaded)
        self.status.setText(self.tr("Đã bỏ ngày khỏi bảng điều chỉnh."))
        self.overrides_table.setFocus()

    def _on_remove_failed(self, exc: BaseException) -> None:
        self._update_buttons()
        self.error.setText(describe(exc))
        self.error.setVisible(True)


def _load(app: App, year: int) -> Loaded:
    """The worker's part: plain values only."""
    return year, app.calendar.overrides(), app.calendar.holidays(year)
