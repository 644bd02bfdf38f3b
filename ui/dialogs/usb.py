"""Carrying a counter's waiting events on a USB stick when the network will not, from the window.

:class:`UsbExportDialog` writes this counter's events not yet sent to a file sealed with a
passphrase (``app.sync.export_waiting``, as ``onestop sync export``); :class:`UsbImportDialog`, on
a PC of the same agency that reaches the central database, delivers such a file there
(``app.sync.import_file``, as ``onestop sync import``) through this PC's configured central
address. Both are an administrator's acts: the core checks ``Permission.BACKUP`` (the file
carries personal data), the passphrase, and every line of the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from oneStop.domain.clock import to_local
from oneStop.domain.errors import OneStopError, PermissionDenied, ValidationError
from oneStop.domain.models import User
from oneStop.services.app import App
from oneStop.services.sync import CentralUnreachable, NoCentralConfigured, SyncStatus
from ui.dialogs.backup import PassphraseFields, ready, the_default, with_error
from ui.errors import describe, field_errors
from ui.tasks import TaskRunner
from ui.widgets.common import EnterMovesFocus, dialog_buttons, error_label, ok_button, set_error

if TYPE_CHECKING:
    from oneStop.sync.central import PushResult

#: what a file of carried events is called where the administrator does not say otherwise
FILE_PATTERN = "onestop-su-kien-{stamp}.sealed"


class _UsbDialog(QDialog):
    """What both dialogs share: the status read when opened, the file's row, the buttons, a result
    line. A subclass builds its form around :attr:`file_row`, then calls :meth:`_finish`."""

    loaded = Signal()

    def __init__(self, app: App, tasks: TaskRunner, user: User, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._app, self._tasks, self._user = app, tasks, user
        self.sync_status: SyncStatus | None = None
        self.resize(680, 320)
        self.intro = QLabel(QCoreApplication.translate("UsbDialog", "Đang tải…"))
        self.intro.setObjectName("intro")
        self.intro.setWordWrap(True)
        self.result = QLabel("")
        self.result.setObjectName("result")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = error_label()
        self.error.setObjectName("error")
        self._enter = EnterMovesFocus(self)
        # the file's path, typed or filled by the button beside it, with its error under it
        self.file = QLineEdit()
        self.file.setObjectName("file")
        self.file.setMinimumWidth(380)
        self.choose_button = QPushButton(QCoreApplication.translate("UsbDialog", "Chọn &tệp…"))
        self.choose_button.setObjectName("choose_button")
        # reached by its Alt key: Enter (and Tab) in the path go on to the passphrase, not to the file dialog
        self.choose_button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.choose_button.clicked.connect(self._on_choose_clicked)
        self.file_error = error_label()
        self.file_error.setObjectName("file_error")
        self.file_row = QWidget()
        line_and_button = QHBoxLayout()
        line_and_button.setContentsMargins(0, 0, 0, 0)
        line_and_button.addWidget(self.file, 1)
        line_and_button.addWidget(self.choose_button)
        column = QVBoxLayout(self.file_row)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(line_and_button)
        column.addWidget(self.file_error)

    def _on_choose_clicked(self) -> None:
        raise NotImplementedError

    def _finish(self, form: QFormLayout, submit_text: str, submit_name: str, submit: Callable[[], None],
                *notes: QWidget) -> None:
        """The buttons under ``form`` (``notes`` above it), then the status read in the task runner."""
        self.buttons = dialog_buttons(submit_text, QCoreApplication.translate("UsbDialog", "Đó&ng"))
        self.submit_button = ok_button(self.buttons)
        self.submit_button.setObjectName(submit_name)
        self.submit_button.setEnabled(False)
        self.buttons.accepted.connect(submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.intro, *notes):
            layout.addWidget(widget)
        layout.addLayout(form)
        layout.addWidget(self.result)
        layout.addWidget(self.error)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        the_default(self.submit_button)
        app = self._app
        self._tasks.submit(app.sync.status, on_done=self._on_loaded, on_error=self._on_failed, parent=self,
                           quiet=True)

    def _on_loaded(self, status: SyncStatus) -> None:
        self.sync_status = status
        ready(self.submit_button)
        self.file.setFocus()
        self.loaded.emit()

    @property
    def is_loaded(self) -> bool:
        return self.sync_status is not None

    def _path(self) -> Path | None:
        """The file typed or chosen, or None (said under the field)."""
        text = self.file.text().strip()
        if not text:
            missing = QCoreApplication.translate("UsbDialog", "hãy chọn tệp (trên ổ USB)")
            set_error(self.file, missing, self.file_error)
            self.file.setFocus()
            return None
        return Path(text).expanduser()

    def _start(self) -> None:
        self.error.setVisible(False)
        self.result.setText("")
        self.submit_button.setEnabled(False)

    def _on_failed(self, exc: BaseException) -> None:
        if self.sync_status is not None:
            ready(self.submit_button)
        self.error.setText(describe(exc))
        self.error.setVisible(True)

    def _refused_file(self, exc: BaseException) -> bool:
        """A refusal that names the file (or a field of it) goes under the file's line."""
        errors = [e for e in field_errors(exc) if e.field != "passphrase"]
        if not errors:
            return False
        set_error(self.file, "; ".join(e.problem for e in errors), self.file_error)
        self.file.setFocus()
        return True


class UsbExportDialog(_UsbDialog):
    """"Xuất sự kiện chưa gửi ra tệp (USB)": how many wait, where to write, a passphrase twice."""

    exported = Signal(int)

    def __init__(self, app: App, tasks: TaskRunner, user: User, parent: QWidget | None = None) -> None:
        super().__init__(app, tasks, user, parent)
        self.setWindowTitle(self.tr("Xuất sự kiện chưa gửi ra tệp (USB)"))
        note = QLabel(self.tr("Tệp chứa dữ liệu cá nhân nên được khóa bằng cụm mật khẩu sao lưu (ít nhất 12 ký tự). "
                              "Người nhập tệp ở máy khác cần đúng cụm mật khẩu này."))
        note.setWordWrap(True)
        self.file.setPlaceholderText(self.tr("Đường dẫn tệp trên ổ USB"))
        form = QFormLayout()
        form.addRow(self.tr("Ghi vào tệp"), self.file_row)
        self.passphrase = PassphraseFields(form)
        self._enter.watch(self.file, self.passphrase.first)  # Enter in the last line exports
        self._finish(form, self.tr("&Xuất ra tệp"), "export_button", self._on_export_clicked, note)

    def _on_loaded(self, status: SyncStatus) -> None:
        if status.waiting:
            self.intro.setText(self.tr("Có %1 sự kiện của quầy này chưa gửi lên máy chủ trung tâm.").replace(
                "%1", str(status.waiting)))
        else:
            self.intro.setText(self.tr("Không có sự kiện nào của quầy này đang chờ gửi lên máy chủ trung tâm."))
        super()._on_loaded(status)

    @staticmethod
    def ask_save_file(parent: QWidget, suggested: str) -> str:
        """Where to write the file ("" if cancelled); tests replace it."""
        caption = QCoreApplication.translate("UsbExportDialog", "Ghi sự kiện ra tệp")
        pattern = QCoreApplication.translate("UsbExportDialog", "Tệp sự kiện đã khóa (*.sealed);;Mọi tệp (*)")
        path, _ = QFileDialog.getSaveFileName(parent, caption, suggested, pattern)
        return path

    def _on_choose_clicked(self) -> None:
        suggested = self.file.text().strip() or str(
            Path.home() / FILE_PATTERN.format(stamp=f"{to_local(self._app.clock()):%Y%m%d-%H%M}"))
        path = self.ask_save_file(self, suggested)
        if path:
            self.file.setText(path)
            set_error(self.file, None, self.file_error)
            self.passphrase.first.setFocus()

    def _on_export_clicked(self) -> None:
        if not self.submit_button.isEnabled():
            return
        path = self._path()
        if path is None:
            return
        passphrase = self.passphrase.typed()
        if passphrase is None:
            return
        app, user = self._app, self._user
        self._start()

        def export() -> tuple[int, SyncStatus]:
            return app.sync.export_waiting(user, path, passphrase), app.sync.status()

        self._tasks.submit(export, on_done=lambda done: self._on_exported(path, *done),
                           on_error=self._on_refused, parent=self,
                           progress_label=self.tr("Đang ghi sự kiện ra tệp…"))

    def _on_exported(self, path: Path, count: int, status: SyncStatus) -> None:
        self.passphrase.clear()
        self._on_loaded(status)
        self.result.setText(self.tr(
            "Đã ghi %1 sự kiện vào %2 (đã khóa bằng cụm mật khẩu).\n"
            "Bước tiếp theo: mang tệp này tới một máy tính của cùng cơ quan nối được với cơ sở dữ liệu trung tâm, "
            "mở oneStop bằng tài khoản quản trị và chọn «Nhập tệp sự kiện từ USB», nhập cụm mật khẩu vừa đặt. "
            "Các sự kiện vẫn được giữ trên máy này và được gửi khi máy có mạng; máy chủ trung tâm không nhận "
            "trùng.").replace("%1", str(count)).replace("%2", str(path)))
        self.exported.emit(count)

    def _on_refused(self, exc: BaseException) -> None:
        ready(self.submit_button)
        passphrase = [e for e in field_errors(exc) if e.field == "passphrase"]
        if passphrase:
            self.passphrase.refused("; ".join(e.problem for e in passphrase))
        elif not self._refused_file(exc):
            self._on_failed(exc)


class UsbImportDialog(_UsbDialog):
    """"Nhập tệp sự kiện từ USB": a file exported on another counter, its passphrase, and the
    result of delivering it to the central database configured on this PC."""

    imported = Signal(object)  # PushResult

    def __init__(self, app: App, tasks: TaskRunner, user: User, parent: QWidget | None = None) -> None:
        super().__init__(app, tasks, user, parent)
        self.setWindowTitle(self.tr("Nhập tệp sự kiện từ USB"))
        self.file.setPlaceholderText(self.tr("Tệp do «Xuất sự kiện chưa gửi ra tệp (USB)» ghi ra"))
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_error = error_label()
        self.passphrase_error.setObjectName("passphrase_error")
        form = QFormLayout()
        form.addRow(self.tr("Tệp sự kiện"), self.file_row)
        form.addRow(self.tr("Cụm mật khẩu sao lưu"), with_error(self.passphrase, self.passphrase_error))
        self._enter.watch(self.file)  # Enter in the passphrase imports
        self._finish(form, self.tr("&Nhập và gửi lên trung tâm"), "import_button", self._on_import_clicked)

    @staticmethod
    def no_central_text() -> str:
        return QCoreApplication.translate(
            "UsbImportDialog", "Máy này chưa có địa chỉ máy chủ trung tâm nên chưa gửi được tệp lên. Hãy đặt địa chỉ ở "
            "Quản trị → Địa chỉ máy chủ trung tâm… rồi nhập lại tệp.")

    def _on_loaded(self, status: SyncStatus) -> None:
        if status.central_url:
            self.intro.setText(self.tr("Các sự kiện trong tệp được kiểm tra rồi gửi lên máy chủ trung tâm %1. "
                                       "Gửi lại một tệp đã gửi không tạo bản trùng.").replace("%1", status.central_url))
        else:
            self.intro.setText(self.no_central_text())
        super()._on_loaded(status)

    @staticmethod
    def ask_open_file(parent: QWidget) -> str:
        """The file to import ("" if cancelled); tests replace it."""
        caption = QCoreApplication.translate("UsbImportDialog", "Chọn tệp sự kiện")
        pattern = QCoreApplication.translate("UsbImportDialog", "Tệp sự kiện đã khóa (*.sealed);;Mọi tệp (*)")
        path, _ = QFileDialog.getOpenFileName(parent, caption, "", pattern)
        return path

    def _on_choose_clicked(self) -> None:
        path = self.ask_open_file(self)
        if path:
            self.file.setText(path)
            set_error(self.file, None, self.file_error)
            self.passphrase.setFocus()

    def _on_import_clicked(self) -> None:
        if not self.submit_button.isEnabled():
            return
        path = self._path()
        if path is None:
            return
        app, user, passphrase = self._app, self._user, self.passphrase.text()
        self._start()
        self._tasks.submit(lambda: app.sync.import_file(user, path, passphrase), on_done=self._on_imported,
                           on_error=self._on_refused, parent=self,
                           progress_label=self.tr("Đang gửi sự kiện lên máy chủ trung tâm…"))

    def _on_imported(self, pushed: PushResult) -> None:
        ready(self.submit_button)
        self.passphrase.clear()
        lines = [self.tr("Đã gửi lên máy chủ trung tâm: %1 sự kiện mới, %2 sự kiện đã có từ trước.").replace(
            "%1", str(pushed.new)).replace("%2", str(len(pushed.acknowledged) - pushed.new))]
        if pushed.quarantined:
            lines.append(self.tr("%1 sự kiện bị cách ly ở máy chủ trung tâm (trùng mã hoặc số thứ tự với sự kiện "
                                 "khác nhưng khác nội dung): hãy báo quản trị tỉnh.").replace(
                "%1", str(len(pushed.quarantined))))
        for counter, first, last in pushed.gaps:
            lines.append(self.tr("Máy chủ trung tâm chưa có sự kiện số %1–%2 của quầy %3, đứng trước các sự kiện "
                                 "vừa gửi: hãy báo quản trị tỉnh.").replace("%1", str(first)).replace(
                "%2", str(last)).replace("%3", counter))
        self.result.setText("\n".join(lines))
        self.imported.emit(pushed)

    def _on_refused(self, exc: BaseException) -> None:
        ready(self.submit_button)
        if isinstance(exc, NoCentralConfigured):  # the core's words name the command line
            self.error.setText(self.no_central_text())
            self.error.setVisible(True)
        elif self._refused_file(exc):
            pass
        elif isinstance(exc, OneStopError) and not isinstance(
                exc, (ValidationError, PermissionDenied, CentralUnreachable)):
            # the passphrase did not open the file (wrong, or the file was changed): said under it
            set_error(self.passphrase, describe(exc), self.passphrase_error)
            self.passphrase.setFocus()
            self.passphrase.selectAll()
        else:
            self._on_failed(exc)
