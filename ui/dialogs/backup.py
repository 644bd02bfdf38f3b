"""Backing up from the window, and choosing the backup to restore.

:class:`BackupDialog` shows where backups go, when the last one was made and the copies there;
«Sao lưu ngay» makes one (sealed with a passphrase typed twice when the folder is outside the
data folder) and «Chọn thư mục…» changes the folder. :class:`RestoreDialog` only *chooses* what
to restore and checks it (the passphrase of a sealed copy included): replacing the database needs
the window closed and the data folder's lock released, so the start-up sequence runs
:func:`run_restore` with the :class:`RestoreRequest` the dialog hands back. The core makes every
call and checks every permission (``Permission.BACKUP``; the folder, ``MANAGE_SETTINGS``), as
for ``onestop backup`` and ``onestop restore``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from oneStop.domain.clock import to_local
from oneStop.domain.errors import OneStopError, PermissionDenied
from oneStop.domain.models import User
from oneStop.domain.permissions import Permission, allowed
from oneStop.services.app import App
from oneStop.services.backup import BackupInfo, PassphraseRequired, RestoreRefused
from ui.dialogs.about import size_text
from ui.errors import describe, field_errors
from ui.tasks import TaskRunner
from ui.widgets.common import EnterMovesFocus, confirm, dialog_buttons, error_label, ok_button, set_error


def local_time(value: datetime) -> str:
    """``23/11/2026 09:15``: an instant as the administrator reads it, in Vietnam time."""
    return f"{to_local(value):%d/%m/%Y %H:%M}"


# --- pieces shared by the backup and USB dialogs ---------------------------------------------------


def with_error(field: QWidget, error: QLabel) -> QWidget:
    """``field`` with its error label under it, as one row of a form (hidden or shown whole)."""
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(field)
    column.addWidget(error)
    box.setFocusProxy(field)
    return box


class PassphraseFields:
    """A passphrase typed twice (hidden as it is typed), each line with its error under it.

    The core says how long a passphrase must be (``sealed.check_passphrase``); the two lines
    must match before anything is submitted."""

    def __init__(self, form: QFormLayout) -> None:
        self.first = QLineEdit()
        self.first.setObjectName("passphrase")
        self.again = QLineEdit()
        self.again.setObjectName("passphrase_again")
        for line in (self.first, self.again):
            line.setEchoMode(QLineEdit.EchoMode.Password)
            line.setMinimumWidth(320)
        self.first_error = error_label()
        self.again_error = error_label()
        self._form = form
        self._rows = (with_error(self.first, self.first_error), with_error(self.again, self.again_error))
        form.addRow(QCoreApplication.translate("PassphraseFields", "Cụm mật khẩu sao lưu"), self._rows[0])
        form.addRow(QCoreApplication.translate("PassphraseFields", "Nhập lại cụm mật khẩu"), self._rows[1])

    def typed(self) -> str | None:
        """The passphrase when both lines match; otherwise None, the mismatch shown in place."""
        if self.again.text() != self.first.text():
            mismatch = QCoreApplication.translate("PassphraseFields", "hai lần nhập không khớp")
            set_error(self.again, mismatch, self.again_error)
            self.again.setFocus()
            self.again.selectAll()
            return None
        return self.first.text()

    def refused(self, message: str) -> None:
        """The core refused the passphrase: ``message`` under the first line, the cursor in it."""
        set_error(self.first, message, self.first_error)
        self.first.setFocus()
        self.first.selectAll()

    def clear(self) -> None:
        """Forget what was typed (once it has been used)."""
        for line, label in ((self.first, self.first_error), (self.again, self.again_error)):
            line.clear()
            set_error(line, None, label)

    def set_visible(self, visible: bool) -> None:
        for row in self._rows:
            self._form.setRowVisible(row, visible)

    def is_visible(self) -> bool:
        return not self._rows[0].isHidden()


def the_default(button: QPushButton) -> None:
    """Make ``button``, already in its dialog, the one Enter presses (not the box's first
    accepting button, which the box makes the default when it is shown)."""
    button.setDefault(False)
    button.setDefault(True)


def ready(button: QPushButton) -> None:
    """``button`` enabled again and the one Enter presses: another button disabled while it had
    the keyboard (pressed, then busy) would otherwise keep Enter for itself."""
    button.setEnabled(True)
    the_default(button)


def backups_table() -> QTableWidget:
    """The backups of a folder: file name, when it was made (Vietnam time), size."""
    table = QTableWidget(0, 3)
    table.setObjectName("backups")
    table.setHorizontalHeaderLabels([QCoreApplication.translate("BackupDialog", "Tệp"),
                                     QCoreApplication.translate("BackupDialog", "Thời gian"),
                                     QCoreApplication.translate("BackupDialog", "Dung lượng")])
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setTabKeyNavigation(False)  # Tab leaves the list, as in every other field
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
    table.setMinimumHeight(160)
    return table


def fill_backups(table: QTableWidget, backups: list[BackupInfo]) -> None:
    table.setRowCount(len(backups))
    for row, info in enumerate(backups):
        name = QTableWidgetItem(info.path.name)
        name.setData(Qt.ItemDataRole.UserRole, str(info.path))
        name.setToolTip(str(info.path))
        size = QTableWidgetItem(size_text(info.size))
        size.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for column, item in enumerate((name, QTableWidgetItem(local_time(info.made_at)), size)):
            table.setItem(row, column, item)


def row_of(table: QTableWidget, path: Path) -> int:
    """The row showing ``path`` (-1 if none)."""
    for row in range(table.rowCount()):
        if table.item(row, 0).data(Qt.ItemDataRole.UserRole) == str(path):
            return row
    return -1


def selected_path(table: QTableWidget) -> Path | None:
    rows = table.selectionModel().selectedRows()
    if not rows:
        return None
    return Path(table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole))


# --- backing up --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BackupFolder:
    """What the backup dialog shows, read on the worker."""

    folder: Path
    last_backup: datetime | None
    backups: list[BackupInfo]
    sealed: bool  # the folder is outside the data folder: copies there are sealed with a passphrase


def read_folder(app: App) -> BackupFolder:
    return BackupFolder(app.backup.folder(), app.backup.last_backup(), app.backup.backups(),
                        app.backup.needs_passphrase())


class BackupDialog(QDialog):
    """"Sao lưu dữ liệu": the folder, the last backup, the copies; back up now, change the folder.

    Emits :attr:`loaded` each time what it shows has been (re)read, :attr:`backed_up` with the
    new copy."""

    loaded = Signal()
    backed_up = Signal(object)  # BackupInfo

    def __init__(self, app: App, tasks: TaskRunner, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app, self._tasks, self._user = app, tasks, user
        self._shown: BackupFolder | None = None
        self.setWindowTitle(self.tr("Sao lưu dữ liệu"))
        self.resize(720, 560)

        self.folder = QLabel(self.tr("Đang tải…"))
        self.folder.setObjectName("backup_folder")
        self.folder.setWordWrap(True)
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_error = error_label()
        self.last_backup = QLabel("…")
        self.last_backup.setObjectName("last_backup")
        self.table = backups_table()
        self.seal_note = QLabel(self.tr(
            "Thư mục sao lưu nằm ngoài thư mục dữ liệu: bản sao mang dữ liệu cá nhân ra khỏi máy nên được khóa "
            "bằng cụm mật khẩu sao lưu (ít nhất 12 ký tự). Hãy giữ cụm mật khẩu ở nơi an toàn: không có nó thì "
            "không khôi phục được bản sao này."))
        self.seal_note.setObjectName("seal_note")
        self.seal_note.setWordWrap(True)
        self.seal_note.setVisible(False)
        self.status = QLabel("")
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = error_label()
        self.error.setObjectName("error")

        self.buttons = dialog_buttons(self.tr("&Sao lưu ngay"), self.tr("Đó&ng"))
        self.backup_button = ok_button(self.buttons)
        self.backup_button.setObjectName("backup_button")
        self.folder_button = QPushButton(self.tr("Chọn &thư mục…"))
        self.folder_button.setObjectName("folder_button")
        self.buttons.addButton(self.folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.accepted.connect(self._on_backup_clicked)
        self.buttons.rejected.connect(self.reject)
        self.folder_button.clicked.connect(self._on_folder_clicked)

        about = QFormLayout()
        about.addRow(self.tr("Thư mục sao lưu"), with_error(self.folder, self.folder_error))
        about.addRow(self.tr("Lần sao lưu gần nhất"), self.last_backup)
        secret = QFormLayout()
        self.passphrase = PassphraseFields(secret)
        self.passphrase.set_visible(False)
        self._enter = EnterMovesFocus(self)
        self._enter.watch(self.passphrase.first)  # Enter in the second line backs up
        layout = QVBoxLayout(self)
        layout.addLayout(about)
        layout.addWidget(QLabel(self.tr("Các bản sao lưu trong thư mục")))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.seal_note)
        layout.addLayout(secret)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        the_default(self.backup_button)
        self._set_busy(True)
        self._tasks.submit(lambda: read_folder(app), on_done=self._on_loaded, on_error=self._on_failed,
                           parent=self, quiet=True)

    @property
    def is_loaded(self) -> bool:
        return self._shown is not None

    def _set_busy(self, busy: bool) -> None:
        self.backup_button.setEnabled(not busy)
        self.folder_button.setEnabled(not busy)
        if not busy:
            ready(self.backup_button)

    def _on_loaded(self, shown: BackupFolder) -> None:
        self._shown = shown
        self.folder.setText(str(shown.folder))
        self.last_backup.setText(local_time(shown.last_backup) if shown.last_backup else self.tr("chưa có"))
        fill_backups(self.table, shown.backups)
        self.seal_note.setVisible(shown.sealed)
        self.passphrase.set_visible(shown.sealed)
        self._set_busy(False)
        (self.passphrase.first if shown.sealed else self.backup_button).setFocus()
        self.loaded.emit()

    # --- back up now ------------------------------------------------------------------------

    def _on_backup_clicked(self) -> None:
        if not self.backup_button.isEnabled():  # Enter while a job runs
            return
        passphrase = None
        if self.passphrase.is_visible():
            passphrase = self.passphrase.typed()
            if passphrase is None:
                return
        app, user = self._app, self._user
        self.error.setVisible(False)
        self._set_busy(True)

        def back_up() -> tuple[BackupInfo, BackupFolder]:
            return app.backup.backup(user, passphrase=passphrase), read_folder(app)

        self._tasks.submit(back_up, on_done=lambda done: self._on_backed_up(*done, sealed=passphrase is not None),
                           on_error=self._on_backup_failed, parent=self,
                           progress_label=self.tr("Đang sao lưu dữ liệu…"))

    def _on_backed_up(self, info: BackupInfo, shown: BackupFolder, *, sealed: bool) -> None:
        self.passphrase.clear()
        self._on_loaded(shown)
        text = self.tr("Đã sao lưu dữ liệu: %1 (%2) trong thư mục %3.").replace("%1", info.path.name).replace(
            "%2", size_text(info.size)).replace("%3", str(info.path.parent))
        if sealed:
            text += " " + self.tr("Bản sao đã được khóa bằng cụm mật khẩu sao lưu: hãy giữ cụm mật khẩu ở nơi an "
                                  "toàn, không có nó thì không khôi phục được.")
        self.status.setText(text)
        row = row_of(self.table, info.path)
        if row >= 0:
            self.table.selectRow(row)
        self.backed_up.emit(info)

    def _on_backup_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        fields = [e for e in field_errors(exc) if e.field == "passphrase"]
        if isinstance(exc, PassphraseRequired):  # the folder was moved outside the data folder meanwhile
            self.seal_note.setVisible(True)
            self.passphrase.set_visible(True)
            self.passphrase.refused(self.tr("cần cụm mật khẩu để khóa bản sao ra ngoài thư mục dữ liệu"))
        elif fields:
            self.passphrase.refused("; ".join(e.problem for e in fields))
        else:
            self._on_failed(exc)

    # --- where backups go ---------------------------------------------------------------------

    @staticmethod
    def ask_folder(parent: QWidget, current: str) -> str:
        """The folder the administrator picks ("" if cancelled); tests replace it."""
        caption = QCoreApplication.translate("BackupDialog", "Chọn thư mục sao lưu")
        return QFileDialog.getExistingDirectory(parent, caption, current)

    def _on_folder_clicked(self) -> None:
        current = str(self._shown.folder) if self._shown else ""
        folder = self.ask_folder(self, current)
        if not folder:
            return
        app, user = self._app, self._user
        set_error(self.folder, None, self.folder_error)
        self.error.setVisible(False)
        self._set_busy(True)
        self._tasks.submit(lambda: (app.backup.choose_folder(user, folder), read_folder(app)),
                           on_done=self._on_folder_chosen, on_error=self._on_folder_refused, parent=self,
                           progress_label=self.tr("Đang kiểm tra thư mục…"))

    def _on_folder_chosen(self, result: tuple[Path, BackupFolder]) -> None:
        folder, shown = result
        self._on_loaded(shown)
        self.status.setText(self.tr("Từ nay sao lưu vào thư mục %1.").replace("%1", str(folder)))

    def _on_folder_refused(self, exc: BaseException) -> None:
        self._set_busy(False)
        errors = field_errors(exc)
        if errors:
            set_error(self.folder, "; ".join(e.problem for e in errors), self.folder_error)
            self.folder_button.setFocus()
        else:
            self._on_failed(exc)

    def _on_failed(self, exc: BaseException) -> None:
        self._set_busy(self._shown is None)
        if self._shown is None:
            self.folder.setText("—")
        self.error.setText(describe(exc))
        self.error.setVisible(True)


# --- choosing what to restore --------------------------------------------------------------------------


@dataclass(frozen=True)
class RestoreRequest:
    """The copy the administrator chose and checked, for the start-up sequence to restore."""

    path: Path
    passphrase: str | None


def run_restore(app: App, user: User, request: RestoreRequest) -> str:
    """Restore ``request`` (on the worker, once the window is closed and the data folder's lock
    released) and say what was done, in the words of ``onestop restore``. The core checks the
    user's permission, the file and the passphrase again, and raises as it would for the
    command line (nothing changed then)."""
    return "\n".join(app.backup.restore(user, request.path, passphrase=request.passphrase).summary())


def _looks_sealed(path: Path) -> bool:
    """What the name of a copy says (``….sealed``): the passphrase line is shown at once. The core
    decides: a sealed file under another name asks for it when it is checked."""
    return path.name.endswith(".sealed")


class RestoreDialog(QDialog):
    """Choose a backup (from the backup folder, or any file) and check it; on confirmation
    :attr:`request` holds what the start-up sequence restores and ``exec()`` returns Accepted.
    Nothing is changed here."""

    loaded = Signal()

    def __init__(self, app: App, tasks: TaskRunner, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app, self._tasks, self._user = app, tasks, user
        self.request: RestoreRequest | None = None
        self._folder: Path | None = None
        self._other: Path | None = None
        self.setWindowTitle(self.tr("Khôi phục dữ liệu từ bản sao lưu"))
        self.resize(720, 560)

        intro = QLabel(self.tr("Chọn bản sao lưu cần khôi phục. Chưa có gì bị thay đổi cho tới khi anh/chị xác "
                               "nhận; việc khôi phục diễn ra khi chương trình đóng cửa sổ."))
        intro.setWordWrap(True)
        self.folder = QLabel(self.tr("Đang tải…"))
        self.folder.setObjectName("backup_folder")
        self.folder.setWordWrap(True)
        self.table = backups_table()
        self.other_button = QPushButton(self.tr("Chọn &tệp khác…"))
        self.other_button.setObjectName("other_button")
        self.chosen = QLabel(self.tr("(chưa chọn)"))
        self.chosen.setObjectName("chosen")
        self.chosen.setWordWrap(True)
        self.chosen.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.file_error = error_label()
        self.file_error.setObjectName("file_error")
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_error = error_label()
        self.passphrase_error.setObjectName("passphrase_error")
        self.error = error_label()
        self.error.setObjectName("error")
        self.buttons = dialog_buttons(self.tr("&Khôi phục…"), self.tr("Đó&ng"))
        self.restore_button = ok_button(self.buttons)
        self.restore_button.setObjectName("restore_button")
        self.buttons.accepted.connect(self._on_restore_clicked)
        self.buttons.rejected.connect(self.reject)
        self.other_button.clicked.connect(self._on_other_clicked)
        self.table.itemSelectionChanged.connect(self._on_selection_changed)

        self._form = QFormLayout()
        self._form.addRow(self.tr("Tệp được chọn"), with_error(self.chosen, self.file_error))
        self._passphrase_row = with_error(self.passphrase, self.passphrase_error)
        self._form.addRow(self.tr("Cụm mật khẩu sao lưu"), self._passphrase_row)
        self._show_passphrase(False)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.folder)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.other_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(self._form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        the_default(self.restore_button)
        self.restore_button.setEnabled(False)
        self.other_button.setEnabled(False)
        self._tasks.submit(lambda: (app.backup.folder(), app.backup.backups()), on_done=self._on_loaded,
                           on_error=self._on_failed, parent=self, quiet=True)

    @property
    def is_loaded(self) -> bool:
        return self._folder is not None

    def _on_loaded(self, shown: tuple[Path, list[BackupInfo]]) -> None:
        folder, backups = shown
        self._folder = folder
        self.folder.setText(self.tr("Các bản sao lưu trong thư mục %1").replace("%1", str(folder)))
        fill_backups(self.table, backups)
        self.other_button.setEnabled(True)
        if not allowed(self._user.role, Permission.BACKUP):  # the core refuses it when restoring, too
            self._show_error(describe(PermissionDenied(self._user.username, Permission.BACKUP.label)))
        else:
            ready(self.restore_button)
        if backups:
            self.table.setFocus()
            self.table.selectRow(0)
        else:
            self.other_button.setFocus()
        self.loaded.emit()

    def _show_passphrase(self, visible: bool) -> None:
        self._form.setRowVisible(self._passphrase_row, visible)

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def path(self) -> Path | None:
        """The copy chosen: the other file picked, else the row selected."""
        return self._other or selected_path(self.table)

    def _on_selection_changed(self) -> None:
        path = selected_path(self.table)
        if path is None:
            return
        self._other = None
        self._chose(path)

    def _chose(self, path: Path) -> None:
        self.chosen.setText(str(path))
        set_error(self.chosen, None, self.file_error)
        set_error(self.passphrase, None, self.passphrase_error)
        self._show_passphrase(_looks_sealed(path))

    @staticmethod
    def ask_file(parent: QWidget, folder: str) -> str:
        """A backup file anywhere ("" if cancelled); tests replace it."""
        caption = QCoreApplication.translate("RestoreDialog", "Chọn tệp sao lưu")
        pattern = QCoreApplication.translate("RestoreDialog", "Bản sao lưu oneStop (*.sqlite3 *.sealed);;Mọi tệp (*)")
        path, _ = QFileDialog.getOpenFileName(parent, caption, folder, pattern)
        return path

    def _on_other_clicked(self) -> None:
        path = self.ask_file(self, str(self._folder or ""))
        if not path:
            return
        self.table.clearSelection()
        self._other = Path(path)
        self._chose(self._other)

    def _on_restore_clicked(self) -> None:
        if not self.restore_button.isEnabled():
            return
        path = self.path()
        if path is None:
            set_error(self.chosen, self.tr("hãy chọn một bản sao lưu trong danh sách hoặc một tệp khác"),
                      self.file_error)
            self.table.setFocus()
            return
        typed = self.passphrase.text() if not self._passphrase_row.isHidden() else ""
        passphrase = typed or None
        app = self._app
        self._show_error("")
        self.restore_button.setEnabled(False)
        self._tasks.submit(lambda: app.backup.check(path, passphrase=passphrase),
                           on_done=lambda _revision: self._on_checked(path, passphrase),
                           on_error=lambda exc: self._on_refused(exc, passphrase), parent=self,
                           progress_label=self.tr("Đang kiểm tra bản sao lưu…"))

    def _on_checked(self, path: Path, passphrase: str | None) -> None:
        ready(self.restore_button)
        question = self.tr(
            "Khôi phục dữ liệu từ bản sao lưu %1?\n\n"
            "Dữ liệu hiện tại không bị xóa: nó được giữ lại trong thư mục %2 trước khi được thay.\n"
            "Chương trình sẽ đóng cửa sổ, khôi phục dữ liệu, rồi yêu cầu đăng nhập lại.\n"
            "Những gì ghi nhận trên máy này sau khi bản sao được tạo sẽ không còn trong dữ liệu đang dùng; phần "
            "đã gửi lên máy chủ trung tâm sẽ được lấy lại ở lần đồng bộ sau.").replace(
            "%1", path.name).replace("%2", str(self._app.paths.backups))
        if confirm(self, self.tr("Khôi phục dữ liệu"), question, self.tr("&Khôi phục"), self.tr("&Quay lại")):
            self.request = RestoreRequest(path, passphrase)
            self.accept()

    def _on_refused(self, exc: BaseException, passphrase: str | None) -> None:
        ready(self.restore_button)
        if isinstance(exc, PassphraseRequired):  # sealed under a name that did not say so
            self._show_passphrase(True)
            self._passphrase_refused(self.tr("bản sao lưu này đã được khóa bằng cụm mật khẩu sao lưu: hãy nhập "
                                             "cụm mật khẩu"))
        elif passphrase is not None and isinstance(exc, OneStopError) and not isinstance(
                exc, (RestoreRefused, PermissionDenied)):
            self._passphrase_refused(describe(exc))  # the passphrase did not open the copy
        elif isinstance(exc, OneStopError) or isinstance(exc, OSError):
            set_error(self.chosen, describe(exc), self.file_error)
            self.table.setFocus()
        else:
            self._on_failed(exc)

    def _passphrase_refused(self, message: str) -> None:
        set_error(self.passphrase, message, self.passphrase_error)
        self._show_passphrase(True)
        self.passphrase.setFocus()
        self.passphrase.selectAll()

    def _on_failed(self, exc: BaseException) -> None:
        self.other_button.setEnabled(True)
        if self._folder is None:
            self.folder.setText("—")
        self._show_error(describe(exc))

