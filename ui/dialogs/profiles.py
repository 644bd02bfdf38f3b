"""The regulation profiles (Bộ quy định biểu mẫu): which one is in force today, the forms each
names, and publishing a new one from a JSON file (``app.profiles.publish_file``, the command
line's ``profiles publish``: an administrator's act, an event that reaches every counter).

A dossier keeps the profile it was received under; the table says which profile a dossier
received today gets.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from oneStop.domain.clock import local_date
from oneStop.domain.models import User
from oneStop.domain.permissions import Permission, allowed
from oneStop.domain.profiles import RegulationProfile
from oneStop.services.app import App
from ui.errors import describe
from ui.tasks import TaskRunner
from ui.widgets.common import dialog_buttons, error_label, set_error

#: The forms' names, in the order a dossier meets them.
FORM_NAMES = {
    "receipt": QT_TRANSLATE_NOOP("ProfilesDialog", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
    "supplement": QT_TRANSLATE_NOOP("ProfilesDialog", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    "refusal": QT_TRANSLATE_NOOP("ProfilesDialog", "Phiếu từ chối tiếp nhận hồ sơ"),
    "apology": QT_TRANSLATE_NOOP("ProfilesDialog", "Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
    "stop_notice": QT_TRANSLATE_NOOP("ProfilesDialog", "Thông báo dừng giải quyết hồ sơ"),
    "control_sheet": QT_TRANSLATE_NOOP("ProfilesDialog", "Phiếu kiểm soát quá trình giải quyết hồ sơ"),
    "tracking_book": QT_TRANSLATE_NOOP("ProfilesDialog", "Sổ theo dõi hồ sơ"),
}


class ProfilesDialog(QDialog):
    def __init__(self, app: App, tasks: TaskRunner, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app, self._tasks, self._user = app, tasks, user
        self.setWindowTitle(self.tr("Bộ quy định biểu mẫu"))
        self.resize(860, 560)
        self._profiles: tuple[RegulationProfile, ...] = ()
        self.in_force: str = ""
        self._note = ""

        self.status = QLabel(self.tr("Đang tải…"))
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("profiles")
        self.table.setHorizontalHeaderLabels([self.tr("Mã"), self.tr("Tên"), self.tr("Hiệu lực từ"),
                                              self.tr("Đến hết ngày")])
        self._table_look(self.table, stretch=1)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_forms(row))
        self.forms = QTableWidget(0, 3)
        self.forms.setObjectName("forms")
        self.forms.setHorizontalHeaderLabels([self.tr("Biểu mẫu"), self.tr("Số hiệu"), self.tr("Tên trên mẫu")])
        self._table_look(self.forms, stretch=2)
        self.publish_button = QPushButton(self.tr("&Công bố từ tệp JSON…"))
        self.publish_button.setObjectName("publish")
        self.publish_button.setEnabled(allowed(user.role, Permission.MANAGE_SETTINGS))
        self.publish_button.clicked.connect(self.publish)
        self.error = error_label()
        buttons = dialog_buttons(self.tr("Đóng"), cancel=False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 2)
        layout.addWidget(QLabel(self.tr("Các biểu mẫu của bộ quy định đang chọn:")))
        layout.addWidget(self.forms, 3)
        row = QHBoxLayout()
        row.addWidget(self.publish_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.reload()

    @staticmethod
    def _table_look(table: QTableWidget, *, stretch: int) -> None:
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)

    def reload(self) -> None:
        app = self._app

        def load() -> tuple[tuple[RegulationProfile, ...], str]:
            today = local_date(app.clock())
            return app.profiles.all(), app.profiles.for_day(today).id

        self._tasks.submit(load, on_done=self._on_loaded, on_error=self._on_load_failed, parent=self, quiet=True)

    def _on_loaded(self, loaded: tuple[tuple[RegulationProfile, ...], str]) -> None:
        self._profiles, self.in_force = loaded
        self.table.setRowCount(len(self._profiles))
        current_row = 0
        for row, profile in enumerate(self._profiles):
            in_force = profile.id == self.in_force
            cells = [profile.id, profile.name + (self.tr(" (đang áp dụng)") if in_force else ""),
                     _day(profile.effective_from), _day(profile.effective_to)]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if in_force:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.table.setItem(row, column, item)
            if in_force:
                current_row = row
        in_force_profile = next((p for p in self._profiles if p.id == self.in_force), None)
        self.status.setText(self.tr("Hồ sơ tiếp nhận hôm nay theo bộ quy định %1 (%2). Mỗi hồ sơ giữ bộ quy định "
                                    "của ngày tiếp nhận khi in lại.").replace("%1", self.in_force).replace(
            "%2", in_force_profile.name if in_force_profile else "") + (f"\n{self._note}" if self._note else ""))
        if self._profiles:
            self.table.setCurrentCell(current_row, 0)
            self._show_forms(current_row)
        self.table.setFocus()

    def _on_load_failed(self, exc: BaseException) -> None:
        self.status.setText(describe(exc))

    def _show_forms(self, row: int) -> None:
        if not 0 <= row < len(self._profiles):
            self.forms.setRowCount(0)
            return
        profile = self._profiles[row]
        keys = [k for k in FORM_NAMES if k in profile.forms] + sorted(k for k in profile.forms if k not in FORM_NAMES)
        self.forms.setRowCount(len(keys))
        for index, key in enumerate(keys):
            spec = profile.forms[key]
            name = QCoreApplication.translate("ProfilesDialog", FORM_NAMES[key]) if key in FORM_NAMES else key
            for column, text in enumerate((name, spec.number, spec.title)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, key)
                self.forms.setItem(index, column, item)

    # --- publishing ----------------------------------------------------------------------------------

    @staticmethod
    def ask_profile_file(parent: QWidget) -> str:
        caption = QCoreApplication.translate("ProfilesDialog", "Chọn tệp bộ quy định (JSON)")
        path, _ = QFileDialog.getOpenFileName(parent, caption, "", "JSON (*.json)")
        return path

    def publish(self) -> None:
        path = self.ask_profile_file(self)
        if not path:
            return
        app, user = self._app, self._user
        set_error(self.publish_button, None, self.error)
        self.publish_button.setEnabled(False)
        self._tasks.submit(lambda: app.profiles.publish_file(user, Path(path)), on_done=self._on_published,
                           on_error=self._on_publish_failed, parent=self, quiet=True,
                           progress_label=self.tr("Đang công bố bộ quy định…"))

    def _on_published(self, profile: RegulationProfile) -> None:
        self.publish_button.setEnabled(True)
        self._note = (self.tr("Đã công bố %1: %2, hiệu lực từ %3. Các quầy khác nhận được khi đồng bộ.")
                      .replace("%1", profile.id).replace("%2", profile.name)
                      .replace("%3", _day(profile.effective_from)))
        self.reload()

    def _on_publish_failed(self, exc: BaseException) -> None:
        self.publish_button.setEnabled(True)
        set_error(self.publish_button, describe(exc), self.error)
        self.publish_button.setFocus()


def _day(day: date | None) -> str:
    return f"{day:%d/%m/%Y}" if day else ""
