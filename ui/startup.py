"""Starting the desktop program: fonts, the data folder (opened on the worker thread), the
language, the first-run dialog on an empty folder, sign-in, then the main window.

``ONESTOP_EXIT_AFTER_START=1`` quits as soon as the main window is usable and prints
``ready_ms=<milliseconds since the process started>`` (the cold-start benchmark).
``ONESTOP_USER`` and ``ONESTOP_PASSWORD`` together sign in without the dialog.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Callable

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from oneStop import logs
from oneStop import settings as S
from oneStop.domain.models import User
from oneStop.resources import resources_path
from oneStop.services.app import App, default_data_dir
from ui.dialogs.first_run import FirstRunDialog
from ui.dialogs.login import LoginDialog
from ui.errors import handle_uncaught, show_error
from ui.garbage import GarbageCollector
from ui.i18n import install_translator
from ui.main_window import MainWindow
from ui.single_instance import SingleInstance
from ui.tasks import TaskRunner
from ui.widgets.common import STYLE_SHEET

log = logging.getLogger(__name__)

#: How often the running program checks whether today's automatic backup is made.
DAILY_BACKUP_CHECK_MS = 60 * 60 * 1000

#: The file, in the log folder, where a crash of the process itself (a segmentation fault, an
#: abort) leaves the traceback of every thread.
CRASH_LOG = "crash.log"

UI_FONT_FAMILY = "Liberation Sans"
UI_FONT_POINTS = 10


def load_fonts() -> list[str]:
    """Register the bundled fonts (Vietnamese needs every diacritic); return their families."""
    families: list[str] = []
    for path in sorted(resources_path("fonts").glob("*.ttf")):
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families.extend(QFontDatabase.applicationFontFamilies(font_id))
    return sorted(set(families))


def prepare_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with the bundled fonts, the font and the style sheet."""
    qapp = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    assert isinstance(qapp, QApplication)
    qapp.setApplicationName("oneStop")
    qapp.setApplicationDisplayName("oneStop")
    families = load_fonts()
    if UI_FONT_FAMILY in families:
        qapp.setFont(QFont(UI_FONT_FAMILY, UI_FONT_POINTS))
    qapp.setStyleSheet(STYLE_SHEET)
    return qapp


class Startup(QObject):
    """The start-up sequence, driven by task results (the event loop runs throughout)."""

    def __init__(self, qapp: QApplication, tasks: TaskRunner, data_dir: Path | None, *, started_at: float) -> None:
        super().__init__()
        self._qapp = qapp
        self._tasks = tasks
        self._data_dir = data_dir
        self._started_at = started_at
        self._exit_after_start = os.environ.get("ONESTOP_EXIT_AFTER_START") == "1"
        self.app: App | None = None
        self.window: MainWindow | None = None
        self.exit_code = 0
        self._agency = ""
        self._backup_timer: QTimer | None = None
        #: the single-instance lock, released while a backup is restored (None in tests)
        self.instance: SingleInstance | None = None

    def begin(self) -> None:
        data_dir = self._data_dir

        def open_app() -> tuple[App, bool, str, str]:
            app = App(data_dir)
            set_up = app.setup.is_set_up()
            agency = app.setup.agency().name if set_up else ""
            return app, set_up, app.settings.get(S.LANGUAGE), agency

        self._tasks.submit(open_app, on_done=self._on_opened, on_error=self._on_fatal,
                           progress_label=self.tr("Đang mở dữ liệu…"))

    def _on_opened(self, opened: tuple[App, bool, str, str]) -> None:
        app, set_up, language, agency = opened
        self.app = app
        self._agency = agency
        install_translator(self._qapp, language)
        if not set_up:
            admin = FirstRunDialog.ask(app, self._tasks)
            if admin is None:
                self._quit(0)
                return
            self._open_window(admin)
            return
        username, password = os.environ.get("ONESTOP_USER"), os.environ.get("ONESTOP_PASSWORD")
        if username and password:
            self._tasks.submit(lambda: app.auth.login(username, password), on_done=self._open_window,
                               on_error=lambda _exc: self._ask_login(agency, username))
        else:
            self._ask_login(agency)

    def _ask_login(self, agency: str, username: str = "") -> None:
        assert self.app is not None
        user = LoginDialog.ask(self.app, self._tasks, agency_name=agency, username=username)
        if user is None:
            self._quit(0)
            return
        self._open_window(user)

    def _open_window(self, user: User) -> None:
        assert self.app is not None
        log.info("signed in: %s (%s)", user.username, user.role.value)
        self.window = MainWindow(self.app, self._tasks, user)
        self.window.ready.connect(self._on_ready)
        self.window.sign_out_requested.connect(self.sign_out)
        self.window.restore_requested.connect(self.restore)
        self.window.show()
        self._qapp.setQuitOnLastWindowClosed(True)
        self.window.start()

    def _on_ready(self) -> None:
        self._start_daily_backup()
        log.info("main window ready after %d ms", round((time.time() - self._started_at) * 1000))
        if self._exit_after_start:
            print(f"ready_ms={round((time.time() - self._started_at) * 1000)}", flush=True)
            self._quit(0)

    # --- signing out, restoring: the window closes, the program goes on -------------------------

    def _when_idle(self, then: Callable[[], None]) -> None:
        """``then()`` once the task runner has finished what it is doing (a save, a print): the
        window that asked for it must still be there to hand a print to the printer."""
        if self._tasks.is_idle():
            then()
            return
        if self.window is not None:
            self.window.statusBar().showMessage(self.tr("Đang hoàn tất việc đang làm…"), 2000)
        QTimer.singleShot(100, lambda: self._when_idle(then))

    def _close_window(self) -> User | None:
        """Close the main window, the program staying open; its user, or None if it stayed."""
        window = self.window
        if window is None:
            return None
        self._qapp.setQuitOnLastWindowClosed(False)
        if not window.leave():
            self._qapp.setQuitOnLastWindowClosed(True)
            return None
        self.window = None
        window.deleteLater()
        return window.user

    def sign_out(self) -> None:
        """The user leaves the counter: once what is under way is done, the window closes and the
        sign-in dialog asks who comes next."""
        self._when_idle(self._sign_out_now)

    def _sign_out_now(self) -> None:
        user = self._close_window()
        if user is None:
            return
        assert self.app is not None
        app = self.app
        log.info("signed out: %s", user.username)
        self._tasks.submit(lambda: app.auth.logout(user), quiet=True)
        self._ask_login(self._agency)

    def restore(self, request) -> None:  # type: ignore[no-untyped-def]
        """Restore the backup an administrator chose (``ui.dialogs.backup.RestoreRequest``): the
        window closes and the data folder's lock is let go (the core refuses to replace the
        database under a running program), the backup is restored on the worker thread, the lock
        is taken again, and whoever is at the counter signs in on the restored data."""
        self._when_idle(lambda: self._restore_now(request))

    def _restore_now(self, request) -> None:  # type: ignore[no-untyped-def]
        from ui.dialogs.backup import run_restore

        user = self._close_window()
        if user is None:
            return
        assert self.app is not None
        app, tasks = self.app, self._tasks
        if self.instance is not None:
            self.instance.release()

        def done(summary: str) -> None:
            if self._take_lock_again():
                box = QMessageBox(QMessageBox.Icon.Information, self.tr("Khôi phục dữ liệu"), summary)
                box.addButton(self.tr("Đóng"), QMessageBox.ButtonRole.AcceptRole)  # not Qt's English "OK"
                box.exec()
                self._after_restore()

        def failed(exc: BaseException) -> None:
            if self._take_lock_again():
                show_error(None, exc, context=self.tr("Không khôi phục được; dữ liệu hiện tại không bị thay đổi."))
                self._after_restore()

        tasks.submit(lambda: run_restore(app, user, request), on_done=done, on_error=failed, quiet=True,
                     progress_label=self.tr("Đang khôi phục dữ liệu…"))

    def _take_lock_again(self) -> bool:
        if self.instance is None or self.instance.acquire():
            return True
        box = QMessageBox(QMessageBox.Icon.Critical, self.tr("Khôi phục dữ liệu"),
                          self.tr("Một chương trình oneStop khác đã mở thư mục dữ liệu này trong lúc khôi phục; "
                                  "chương trình này đóng lại."))
        box.addButton(self.tr("Đóng"), QMessageBox.ButtonRole.AcceptRole)
        box.exec()
        self._quit(1)
        return False

    def _after_restore(self) -> None:
        """The restored data may know other users and another agency name: sign in again."""
        assert self.app is not None
        app = self.app

        def agency() -> str:
            return app.setup.agency().name if app.setup.is_set_up() else ""

        def ask(name: str) -> None:
            self._agency = name
            self._ask_login(name)

        self._tasks.submit(agency, on_done=ask, on_error=lambda _exc: self._ask_login(self._agency), quiet=True)

    # --- the automatic daily backup (on the worker thread, as the system) -----------------------

    def _start_daily_backup(self) -> None:
        if self._backup_timer is not None:  # a window after signing out: the hourly check runs already
            return
        self._backup_timer = QTimer(self)
        self._backup_timer.setInterval(DAILY_BACKUP_CHECK_MS)
        self._backup_timer.timeout.connect(self.daily_backup)
        self._backup_timer.start()
        self.daily_backup()

    def daily_backup(self) -> None:
        """Make today's backup if none is made yet (on start, then every hour)."""
        if self.app is None or self._exit_after_start:
            return
        app = self.app
        self._tasks.submit(app.backup.daily, on_done=self._on_daily_backup, on_error=self._on_daily_backup_failed,
                           quiet=True)

    def _on_daily_backup(self, info) -> None:  # type: ignore[no-untyped-def]
        if info is not None and self.window is not None:
            self.window.statusBar().showMessage(self.tr("Đã tự động sao lưu dữ liệu: %1").replace(
                "%1", str(info.path)), 10000)

    def _on_daily_backup_failed(self, exc: BaseException) -> None:
        log.warning("The automatic backup failed: %s", exc)
        if self.window is not None:
            self.window.statusBar().showMessage(self.tr("Sao lưu tự động không thành công: %1").replace(
                "%1", str(exc)), 30000)

    # --- another start of the program ----------------------------------------------------------

    def bring_forward(self) -> None:
        """Show this program's window (or its open dialog) in front: a second start asked."""
        widget: QWidget | None = QApplication.activeModalWidget() or self.window
        if widget is None:
            widget = next((w for w in self._qapp.topLevelWidgets() if w.isVisible()), None)
        if widget is None:
            return
        widget.setWindowState(widget.windowState() & ~Qt.WindowState.WindowMinimized)
        widget.show()
        widget.raise_()
        widget.activateWindow()

    def _on_fatal(self, exc: BaseException) -> None:
        log.error("could not open the data folder: %s", type(exc).__name__, exc_info=exc)
        show_error(None, exc)
        self._quit(1)

    def _quit(self, code: int) -> None:
        self.exit_code = code
        QTimer.singleShot(0, lambda: self._qapp.exit(code))


_crash_file: IO[str] | None = None  # open for as long as the process lives


def enable_crash_log(data_dir: Path | None) -> Path | None:
    """Let :mod:`faulthandler` write the traceback of every thread to :data:`CRASH_LOG` in the
    log folder if the process crashes; the path, or None if the folder cannot be written."""
    global _crash_file
    path = logs.log_dir(data_dir) / CRASH_LOG
    try:
        crash_file = logs.open_log_file(CRASH_LOG, data_dir)
    except OSError as exc:
        log.warning("no crash log: %s", exc)
        return None
    crash_file.write(f"--- oneStop started {datetime.now(timezone.utc).isoformat(timespec='seconds')} "
                     f"(pid {os.getpid()}): a crash leaves the threads' tracebacks below ---\n")
    crash_file.flush()
    faulthandler.enable(crash_file, all_threads=True)
    if _crash_file is not None:
        _crash_file.close()
    _crash_file = crash_file
    return path


def run(data_dir: Path | None, *, started_at: float | None = None) -> int:
    """Run the desktop program until its window closes; the exit status. Logging is set up
    by the entry point (:func:`oneStop.cli.main`) before this runs."""
    sys.excepthook = handle_uncaught
    enable_crash_log(data_dir)
    qapp = prepare_application()
    instance = SingleInstance(Path(data_dir) if data_dir else default_data_dir())
    if not instance.acquire():  # another copy has this data folder: it comes forward, this one ends
        if instance.activate_running():
            print("oneStop đang chạy: đã đưa cửa sổ của chương trình lên trước.", file=sys.stderr)
            return 0
        print("oneStop đang chạy trên thư mục dữ liệu này nhưng không trả lời; hãy đợi hoặc khởi động lại máy.",
              file=sys.stderr)
        return 1
    qapp.setQuitOnLastWindowClosed(False)  # dialogs come and go before the main window opens
    tasks = TaskRunner()
    collector = GarbageCollector([TaskRunner.any_busy])
    collector.start()
    startup = Startup(qapp, tasks, data_dir, started_at=started_at or time.time())
    startup.instance = instance
    instance.activated.connect(startup.bring_forward)
    QTimer.singleShot(0, startup.begin)
    try:
        code = qapp.exec()
    finally:
        tasks.shutdown()
        TaskRunner.shutdown_all()  # the sync's too, if the window did not close
        collector.stop()
        if startup.app is not None:
            startup.app.close()
        instance.release()
    return code or startup.exit_code
