"""About this program and its data: version, data folder, database size and schema, last backup,
last sync, printer; a button that writes a diagnostics bundle for support, and one that backs
the data up now (administrators). Everything is read and written on the worker thread."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from oneStop.domain.clock import to_local
from oneStop.domain.models import User
from oneStop.domain.permissions import Permission, allowed
from oneStop.services import diagnostics
from oneStop.services.app import App
from oneStop.services.backup import PassphraseRequired
from ui import format as fmt
from ui.errors import describe
from ui.tasks import TaskRunner
from ui.widgets.common import dialog_buttons


def size_text(size: int) -> str:
    """``12,3 MB``; small databases in KB."""
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def _when(value: str | None) -> str:
    if not value:
        return QCoreApplication.translate("AboutDialog", "chưa có")
    try:
        return fmt.date_time(to_local(datetime.fromisoformat(value)))
    except ValueError:
        return value


class AboutDialog(QDialog):
    """Emits :attr:`loaded` once the facts are shown, :attr:`bundle_written` with the zip's path."""

    loaded = Signal()
    bundle_written = Signal(str)

    def __init__(self, app: App, tasks: TaskRunner, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._tasks = tasks
        self._user = user
        self.setWindowTitle(self.tr("Giới thiệu và chẩn đoán"))
        self.resize(620, 360)
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, label in (
            ("version", self.tr("Phiên bản")),
            ("data_folder", self.tr("Thư mục dữ liệu")),
            ("database_size", self.tr("Dung lượng cơ sở dữ liệu")),
            ("schema", self.tr("Phiên bản lược đồ dữ liệu")),
            ("last_backup", self.tr("Lần sao lưu gần nhất")),
            ("backup_folder", self.tr("Thư mục sao lưu")),
            ("last_sync", self.tr("Lần đồng bộ thành công gần nhất")),
            ("printer", self.tr("Máy in phiếu")),
        ):
            value = QLabel("…")
            value.setObjectName(key)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields[key] = value
            form.addRow(label, value)
        self.status = QLabel("")
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.diagnostics_button = QPushButton(self.tr("Ghi gói chẩn đoán…"))
        self.diagnostics_button.setObjectName("diagnostics_button")
        self.diagnostics_button.clicked.connect(self._on_diagnostics_clicked)
        self.backup_button = QPushButton(self.tr("Sao lưu ngay"))
        self.backup_button.setObjectName("backup_button")
        self.backup_button.clicked.connect(self._on_backup_clicked)
        self.backup_button.setVisible(allowed(user.role, Permission.BACKUP))  # the core checks again
        self.folder_button = QPushButton(self.tr("Chọn thư mục sao lưu…"))
        self.folder_button.setObjectName("folder_button")
        self.folder_button.clicked.connect(self._on_folder_clicked)
        self.folder_button.setVisible(allowed(user.role, Permission.MANAGE_SETTINGS))
        buttons = dialog_buttons(self.tr("Đóng"), cancel=False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status)
        layout.addWidget(self.diagnostics_button)
        layout.addWidget(self.backup_button)
        layout.addWidget(self.folder_button)
        layout.addWidget(buttons)

    def load(self) -> None:
        app = self._app
        self._tasks.submit(lambda: diagnostics.about(app), on_done=self._on_loaded, parent=self, quiet=True)

    def _on_loaded(self, facts: diagnostics.About) -> None:
        values = {
            "version": facts.version,
            "data_folder": facts.data_folder,
            "database_size": size_text(facts.database_size),
            "schema": facts.schema or "—",
            "last_backup": _when(facts.last_backup),
            "backup_folder": facts.backup_folder,
            "last_sync": _when(facts.last_sync),
            "printer": facts.printer or self.tr("(chưa chọn)"),
        }
        for key, text in values.items():
            self.fields[key].setText(text)
        if facts.sync_error:
            self.fields["last_sync"].setText(f"{values['last_sync']} — {facts.sync_error}")
        self.loaded.emit()

    # --- diagnostics bundle -------------------------------------------------------------------

    @classmethod
    def ask_bundle_path(cls, parent: QWidget, suggested: str) -> str:
        path, _ = QFileDialog.getSaveFileName(parent, QCoreApplication.translate("AboutDialog", "Ghi gói chẩn đoán"),
                                              suggested, "Zip (*.zip)")
        return path

    def _on_diagnostics_clicked(self) -> None:
        stamp = f"{to_local(self._app.clock()):%Y%m%d-%H%M}"
        path = self.ask_bundle_path(self, str(Path.home() / f"onestop-chan-doan-{stamp}.zip"))
        if not path:
            return
        app = self._app
        self.diagnostics_button.setEnabled(False)
        self._tasks.submit(lambda: diagnostics.write_bundle(app, Path(path)), on_done=self._on_bundle_written,
                           on_error=self._on_failed, parent=self, progress_label=self.tr("Đang ghi gói chẩn đoán…"))

    def _on_bundle_written(self, path: Path) -> None:
        self.diagnostics_button.setEnabled(True)
        self.status.setText(self.tr("Đã ghi gói chẩn đoán: %1").replace("%1", str(path)))
        self.bundle_written.emit(str(path))

    # --- backup now ---------------------------------------------------------------------------

    @classmethod
    def ask_passphrase(cls, parent: QWidget, again: bool) -> str:
        """The backup passphrase typed by the administrator ("" if cancelled)."""
        prompt = (QCoreApplication.translate("AboutDialog", "Nhập lại cụm mật khẩu:") if again else
                  QCoreApplication.translate(
                      "AboutDialog", "Bản sao ra ngoài thư mục dữ liệu chứa dữ liệu cá nhân nên được khóa bằng cụm "
                      "mật khẩu (ít nhất 12 ký tự). Hãy giữ cụm mật khẩu ở nơi an toàn: không có nó "
                      "thì không khôi phục được.\n\nCụm mật khẩu sao lưu:"))
        title = QCoreApplication.translate("AboutDialog", "Cụm mật khẩu sao lưu")
        text, ok = QInputDialog.getText(parent, title, prompt, QLineEdit.EchoMode.Password)
        return text if ok else ""

    def _on_backup_clicked(self) -> None:
        self._back_up(None)

    def _back_up(self, passphrase: str | None) -> None:
        app, user = self._app, self._user
        self.backup_button.setEnabled(False)
        self._tasks.submit(lambda: app.backup.backup(user, passphrase=passphrase), on_done=self._on_backed_up,
                           on_error=self._on_backup_failed, parent=self,
                           progress_label=self.tr("Đang sao lưu dữ liệu…"))

    def _on_backup_failed(self, exc: BaseException) -> None:
        """The chosen folder is outside the data folder: ask for the passphrase (twice), then
        back up again."""
        if not isinstance(exc, PassphraseRequired):
            self._on_failed(exc)
            return
        self.backup_button.setEnabled(True)
        first = self.ask_passphrase(self, False)
        if not first:
            return
        if self.ask_passphrase(self, True) != first:
            self.status.setText(self.tr("Cụm mật khẩu sao lưu: hai lần nhập không khớp; chưa sao lưu."))
            return
        self._back_up(first)

    def _on_backed_up(self, info) -> None:  # type: ignore[no-untyped-def]
        self.backup_button.setEnabled(True)
        self.status.setText(self.tr("Đã sao lưu dữ liệu: %1").replace("%1", str(info.path)))
        self.load()

    # --- where backups go ------------------------------------------------------------------------

    @classmethod
    def ask_folder(cls, parent: QWidget, current: str) -> str:
        return QFileDialog.getExistingDirectory(
            parent, QCoreApplication.translate("AboutDialog", "Chọn thư mục sao lưu"), current)

    def _on_folder_clicked(self) -> None:
        folder = self.ask_folder(self, self.fields["backup_folder"].text())
        if not folder:
            return
        app, user = self._app, self._user
        self.folder_button.setEnabled(False)
        self._tasks.submit(lambda: app.backup.choose_folder(user, folder), on_done=self._on_folder_chosen,
                           on_error=self._on_failed, parent=self, progress_label=self.tr("Đang kiểm tra thư mục…"))

    def _on_folder_chosen(self, folder: Path) -> None:
        self.folder_button.setEnabled(True)
        self.status.setText(self.tr("Từ nay sao lưu vào: %1").replace("%1", str(folder)))
        self.load()

    def _on_failed(self, exc: BaseException) -> None:
        self.diagnostics_button.setEnabled(True)
        self.backup_button.setEnabled(True)
        self.folder_button.setEnabled(True)
        self.status.setText(describe(exc))

    @classmethod
    def open(cls, parent: QWidget, app: App, tasks: TaskRunner, user: User) -> None:
        dialog = cls(app, tasks, user, parent)
        dialog.load()
        dialog.exec()
