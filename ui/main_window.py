"""The main window: reception and the dossier list as tabs, a menu, and who is at which counter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QCoreApplication, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDialog, QFileDialog, QLabel, QMainWindow, QMenu, QMessageBox, QTabWidget, QWidget

from oneStop import settings as S
from oneStop.domain.models import Agency, CounterIdentity, Procedure, User
from oneStop.domain.permissions import Permission, allowed
from oneStop.services.app import App
from oneStop.services.changes import Changes
from oneStop.services.catalog import ImportReport
from ui import printing
from ui.changes import ChangeWatcher
from ui.dialogs.about import AboutDialog
from ui.dialogs.central_address import CentralAddressDialog
from ui.dialogs.import_report import ImportReportDialog
from ui.dialogs.settings import SettingsDialog
from ui.receipts import ReceiptPrinting
from ui.sync_status import SyncController
from ui.tasks import TaskRunner
from ui.views.dashboard import DashboardView
from ui.views.reports import ReportView
from ui.views.daily_log import DailyLogView
from ui.views.dossier_list import DossierListView
from ui.views.handover import HandoverView
from ui.views.reception import ReceptionView



#: The window's size and state, kept in the data folder.
WINDOW_SETTINGS = "window.ini"
#: The size the window opens at when it has none of its own yet and the screen allows.
PREFERRED_SIZE = (1200, 820)
#: Room for the title bar and the frame the window manager adds.
FRAME_ALLOWANCE = 40


class MainWindow(QMainWindow):
    """Emits :attr:`ready` once the catalog and the counter are loaded: the window is usable."""

    ready = Signal()
    #: the user asks to sign out (another may sign in); the start-up sequence closes the window
    sign_out_requested = Signal()
    #: an administrator chose a backup to restore (a ``RestoreRequest``); the start-up sequence
    #: closes the window, restores, and asks to sign in again
    restore_requested = Signal(object)

    def __init__(self, app: App, tasks: TaskRunner, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._tasks = tasks
        self.user = user
        self.is_ready = False
        self._leaving = False
        self.setWindowTitle(self.tr("Tiếp nhận hồ sơ một cửa"))  # Qt adds " — oneStop"
        self._place()

        self.receipts = ReceiptPrinting(app, tasks, user, self)
        self.reception = ReceptionView(app, tasks, user, self.receipts)
        self.dossiers = DossierListView(app, tasks, user, self.receipts)
        self.tabs = QTabWidget()
        if allowed(user.role, Permission.RECEIVE):  # postal staff do not receive: no tab they cannot use
            self.tabs.addTab(self.reception, self.tr("Tiếp nhận hồ sơ (F2)"))
        self.tabs.addTab(self.dossiers, self.tr("Danh sách hồ sơ (F3)"))
        self.handover: HandoverView | None = None
        if allowed(user.role, Permission.HANDOVER):
            self.handover = HandoverView(app, tasks, user)
            self.tabs.addTab(self.handover, self.tr("Bàn giao bưu chính"))
        self.daily_log: DailyLogView | None = None
        self.dashboard: DashboardView | None = None
        if allowed(user.role, Permission.SUPERVISE):  # the core checks again on every call
            self.daily_log = DailyLogView(app, tasks, user)
            self.tabs.addTab(self.daily_log, self.tr("Sổ theo dõi, ký duyệt (F4)"))
            self.dashboard = DashboardView(app, tasks, user)
            self.dashboard.dossier_requested.connect(self.dossiers.open_detail)
            self.tabs.addTab(self.dashboard, self.tr("Tổng quan"))
            self.reports = ReportView(app, tasks, user)
            self.tabs.addTab(self.reports, self.tr("Báo cáo định kỳ"))
        self.setCentralWidget(self.tabs)
        if self.handover is not None and not allowed(user.role, Permission.RECEIVE):
            self.tabs.setCurrentWidget(self.handover)  # each role starts where it works

        self.user_label = QLabel(self.tr("%1 — %2").replace("%1", user.full_name).replace("%2", user.role.label))
        self.user_label.setObjectName("user_label")
        self.counter_label = QLabel()
        self.counter_label.setObjectName("counter_label")
        self.statusBar().addWidget(self.user_label)
        self.sync = SyncController(app, user, self)
        # one notification of what changed in the record, whoever changed it; each view decides
        self.changes = ChangeWatcher(app, tasks, self)
        self.changes.watch(self.sync.runner)
        self.changes.changed.connect(self._on_record_changed)
        self.statusBar().addPermanentWidget(self.sync.label)
        self.statusBar().addPermanentWidget(self.counter_label)
        self._build_menu()

    def _build_menu(self) -> None:
        role = self.user.role
        menu = self.menuBar().addMenu(self.tr("&Chương trình"))
        self.sync_action = QAction(self.tr("Đồng bộ với trung tâm ngay"), self)
        self.sync_action.setShortcut(QKeySequence("F5"))
        self.sync_action.triggered.connect(self.sync.sync_now)
        self.sync.address_needed.connect(self.ask_central_address)
        self.settings_action = QAction(self.tr("&Thiết lập của máy này (máy in, ngôn ngữ)…"), self)
        self.settings_action.triggered.connect(self.edit_settings)
        self.password_action = QAction(self.tr("Đổi &mật khẩu…"), self)
        self.password_action.triggered.connect(self.change_password)
        self.sign_out_action = QAction(self.tr("Đăng &xuất, đổi người dùng"), self)
        self.sign_out_action.triggered.connect(self.sign_out_requested)
        self.quit_action = QAction(self.tr("Th&oát"), self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        for action in (self.sync_action, self.settings_action, None, self.password_action, self.sign_out_action,
                       None, self.quit_action):
            menu.addAction(action) if action is not None else menu.addSeparator()

        # administration: each item goes through the same core service and permission as the
        # command line; an item the role may not use is not offered
        self.import_action = QAction(self.tr("Nhập &danh mục thủ tục…"), self)
        self.import_action.triggered.connect(self.import_catalog)
        self.import_action.setEnabled(allowed(role, Permission.MANAGE_CATALOG))
        self.central_action = QAction(self.tr("Địa chỉ máy chủ &trung tâm…"), self)
        self.central_action.triggered.connect(self.ask_central_address)
        self.central_action.setEnabled(allowed(role, Permission.MANAGE_SETTINGS))
        self.admin_actions: dict[str, QAction] = {}
        items: list[tuple[str, str, Permission] | None] = [
            ("users", self.tr("&Người dùng…"), Permission.MANAGE_USERS),
            ("agency_settings", self.tr("&Giờ làm việc, chỉ tiêu, mã hồ sơ…"), Permission.MANAGE_SETTINGS),
            ("calendar", self.tr("&Lịch làm việc: ngày nghỉ, ngày làm bù…"), Permission.MANAGE_SETTINGS),
            ("postal_units", self.tr("Đơn vị &bưu chính…"), Permission.MANAGE_SETTINGS),
            ("profiles", self.tr("Bộ &quy định biểu mẫu…"), Permission.MANAGE_SETTINGS),
            None,
            ("usb_export", self.tr("&Xuất sự kiện chưa gửi ra tệp (USB)…"), Permission.MANAGE_SETTINGS),
            ("usb_import", self.tr("Nhậ&p tệp sự kiện từ USB lên trung tâm…"), Permission.MANAGE_SETTINGS),
            None,
            ("backup", self.tr("&Sao lưu dữ liệu…"), Permission.BACKUP),
            ("restore", self.tr("&Khôi phục dữ liệu từ bản sao…"), Permission.BACKUP),
        ]
        admin = QMenu(self.tr("&Quản trị"), self)
        admin.addAction(self.import_action)
        admin.addAction(self.central_action)
        admin.addSeparator()
        for item in items:
            if item is None:
                admin.addSeparator()
                continue
            name, text, permission = item
            action = QAction(text, self)
            action.setObjectName(f"admin_{name}")
            action.setEnabled(allowed(role, permission))
            action.triggered.connect(getattr(self, f"open_{name}"))
            self.admin_actions[name] = action
            admin.addAction(action)
        self.admin_menu = admin

        work = self.menuBar().addMenu(self.tr("&Hồ sơ"))
        self.reception_action = QAction(self.tr("Tiếp nhận hồ sơ"), self)
        self.reception_action.setShortcut(QKeySequence("F2"))
        self.reception_action.triggered.connect(self.show_reception)
        self.reception_action.setEnabled(allowed(self.user.role, Permission.RECEIVE))
        self.list_action = QAction(self.tr("Danh sách, tìm hồ sơ"), self)
        self.list_action.setShortcut(QKeySequence("F3"))
        self.list_action.triggered.connect(self.show_list)
        work.addAction(self.reception_action)
        work.addAction(self.list_action)
        if self.daily_log is not None:
            self.log_action = QAction(self.tr("Sổ theo dõi, ký duyệt"), self)
            self.log_action.setShortcut(QKeySequence("F4"))
            self.log_action.triggered.connect(self.show_daily_log)
            work.addAction(self.log_action)

        if any(a.isEnabled() for a in (*self.admin_actions.values(), self.import_action, self.central_action)):
            self.menuBar().addMenu(self.admin_menu)
        help_menu = self.menuBar().addMenu(self.tr("&Trợ giúp"))
        self.about_action = QAction(self.tr("Giới thiệu và chẩn đoán…"), self)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

    # --- start --------------------------------------------------------------------------------------

    def start(self) -> None:
        """Load what the window needs (counter, agency, catalog) in one task; then :attr:`ready`."""
        app = self._app

        def load() -> tuple[Agency, CounterIdentity, list[Procedure]]:
            return app.setup.agency(), app.setup.counter(), app.catalog.all()

        self._tasks.submit(load, on_done=self._on_loaded, parent=self,
                           progress_label=self.tr("Đang nạp danh mục thủ tục…"))

    def _on_loaded(self, loaded: tuple[Agency, CounterIdentity, list[Procedure]]) -> None:
        agency, counter, procedures = loaded
        self.counter_label.setText(
            self.tr("Quầy số %1 · %2 · %3").replace("%1", str(counter.number)).replace("%2", agency.name).replace(
                "%3", counter.agency_code)
        )
        self.reception.set_procedures(procedures)
        self.sync.start()
        self.changes.start()
        self.show_reception()
        self.is_ready = True
        self.ready.emit()

    def _on_record_changed(self, changes: Changes) -> None:
        """Something was recorded (here, by a sync, in another window or by the command line)."""
        self.sync.refresh()  # the "chờ gửi" count
        if changes.touches("dossier.", "receipt.", "form.", "handover."):
            self.dossiers.mark_stale()  # searched again now if it is on screen, else when shown
            if self.daily_log is not None and self.daily_log.isVisible():
                self.daily_log.refresh()
        if self.handover is not None and changes.touches("handover.") and self.handover.isVisible():
            self.handover.refresh_today()
        if self.dashboard is not None and self.dashboard.isVisible():
            self.dashboard.refresh()

    # --- pages --------------------------------------------------------------------------------------

    def show_reception(self) -> None:
        self.tabs.setCurrentWidget(self.reception)
        self.reception.picker.edit.setFocus()

    def show_daily_log(self) -> None:
        if self.daily_log is not None:
            self.tabs.setCurrentWidget(self.daily_log)
            self.daily_log.refresh()

    def show_list(self) -> None:
        self.tabs.setCurrentWidget(self.dossiers)
        self.dossiers.focus_search()

    # --- menu actions -----------------------------------------------------------------------------------

    def import_catalog(self) -> None:
        """Choose a CSV/XLSX file and import it (all or nothing), with progress; then the report."""
        path = self.ask_catalog_file(self)
        if not path:
            return
        app, user = self._app, self.user

        def run(progress: Any) -> tuple[ImportReport, list[Procedure]]:
            report = app.catalog.import_file(user, Path(path), progress=progress)
            return report, app.catalog.all()

        def done(result: tuple[ImportReport, list[Procedure]]) -> None:
            report, procedures = result
            self.reception.set_procedures(procedures)
            ImportReportDialog.show_report(self, report, Path(path).name)

        self._tasks.submit(run, on_done=done, parent=self, progress_label=self.tr("Đang nhập danh mục thủ tục…"))

    @staticmethod
    def ask_catalog_file(parent: QWidget) -> str:
        caption = QCoreApplication.translate("MainWindow", "Chọn tệp danh mục thủ tục")
        path, _ = QFileDialog.getOpenFileName(parent, caption, "", "CSV, Excel (*.csv *.xlsx)")
        return path

    def edit_settings(self) -> None:
        """The settings dialog, with the current values and the system's printers (both read in
        the task runner: listing network printers can take a while)."""
        app = self._app
        self._tasks.submit(lambda: (app.settings.all(), printing.available_printers()),
                           on_done=self._on_settings_loaded, parent=self)

    def _on_settings_loaded(self, loaded: tuple[dict[str, Any], list[str]]) -> None:
        values, printers = loaded
        changes = SettingsDialog.ask(self, values, printers,
                                     can_manage=allowed(self.user.role, Permission.MANAGE_SETTINGS))
        if not changes:
            return
        app, user = self._app, self.user

        def save() -> None:
            # device settings first: an official may change them even if the paper is refused
            for key in sorted(changes, key=lambda k: S.get(k).scope != "device"):
                app.settings.set(user, key, changes[key])

        self._tasks.submit(save, on_done=lambda _r: self.statusBar().showMessage(self.tr("Đã lưu thiết lập."), 5000),
                           parent=self)

    def ask_central_address(self) -> None:
        """F5 on a PC with no central address: say so, and let an administrator set it here."""
        if not allowed(self.user.role, Permission.MANAGE_SETTINGS):
            self.statusBar().showMessage(self.tr("Máy này chưa nối với máy chủ trung tâm: quản trị viên đặt địa chỉ "
                                                 "(Quản trị → Địa chỉ máy chủ trung tâm…)."), 15000)
            return
        status = self.sync.status
        dialog = CentralAddressDialog(self._app, self._tasks, self.user, current=status.central_url if status else "",
                                      parent=self)
        if dialog.exec() != CentralAddressDialog.DialogCode.Accepted:
            return
        if dialog.note:
            self.statusBar().showMessage(dialog.note, 15000)
        self.sync.sync_after_configuring()

    def change_password(self) -> None:
        from ui.dialogs.password import ChangePasswordDialog

        dialog = ChangePasswordDialog(self._app, self._tasks, self.user, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.note:
            self.statusBar().showMessage(dialog.note, 10000)

    def open_users(self) -> None:
        from ui.dialogs.users import UsersDialog

        UsersDialog(self._app, self._tasks, self.user, self).exec()

    def open_agency_settings(self) -> None:
        from ui.dialogs.agency_settings import AgencySettingsDialog

        dialog = AgencySettingsDialog(self._app, self._tasks, self.user, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.note:
            self.statusBar().showMessage(dialog.note, 15000)

    def open_calendar(self) -> None:
        from ui.dialogs.calendar import CalendarDialog

        CalendarDialog(self._app, self._tasks, self.user, self).exec()

    def open_postal_units(self) -> None:
        from ui.dialogs.postal_units import PostalUnitsDialog

        PostalUnitsDialog(self._app, self._tasks, self.user, self).exec()  # the next batch offers what it saved

    def open_profiles(self) -> None:
        from ui.dialogs.profiles import ProfilesDialog

        ProfilesDialog(self._app, self._tasks, self.user, self).exec()

    def open_usb_export(self) -> None:
        from ui.dialogs.usb import UsbExportDialog

        UsbExportDialog(self._app, self._tasks, self.user, self).exec()
        self.sync.refresh()

    def open_usb_import(self) -> None:
        from ui.dialogs.usb import UsbImportDialog

        UsbImportDialog(self._app, self._tasks, self.user, self).exec()

    def open_backup(self) -> None:
        from ui.dialogs.backup import BackupDialog

        BackupDialog(self._app, self._tasks, self.user, self).exec()

    def open_restore(self) -> None:
        from ui.dialogs.backup import RestoreDialog

        dialog = RestoreDialog(self._app, self._tasks, self.user, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.request is not None:
            self.restore_requested.emit(dialog.request)

    def show_about(self) -> None:
        """Version, data folder, last backup and sync, printer; the diagnostics bundle."""
        AboutDialog.open(self, self._app, self._tasks, self.user)

    def leave(self) -> bool:
        """Close the window while the program goes on (signing out, restoring a backup); whether
        it closed. The start-up sequence calls it once the task runner is idle (what was being
        saved or printed is done). Events waiting for the central database are not asked about:
        they stay on this PC and the next window sends them."""
        self._leaving = True
        try:
            return self.close()
        finally:
            self._leaving = False

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt name)
        if not self._leaving:
            if not self._tasks.is_idle() and not self.confirm_quit_while_busy(self):
                event.ignore()
                return
            waiting = self.sync.waiting_for_central()
            if waiting and not SyncController.confirm_quit_with_waiting(self, waiting):
                event.ignore()
                return
        self.changes.stop()
        self.sync.shutdown()
        self._window_settings().setValue("main/geometry", self.saveGeometry())
        super().closeEvent(event)

    # --- size and place -----------------------------------------------------------------------------

    def _window_settings(self) -> QSettings:
        """Where the window's size and state are kept: a small file in the data folder (this PC's)."""
        return QSettings(str(self._app.paths.root / WINDOW_SETTINGS), QSettings.Format.IniFormat)

    def _place(self) -> None:
        """The size and state the window had when it was last closed, if that still fits a screen;
        otherwise the preferred size within the screen's free area (maximised on a small screen,
        such as 1366×768 with a taskbar)."""
        saved = self._window_settings().value("main/geometry")
        if isinstance(saved, QByteArray) and self.restoreGeometry(saved) and self._fits_a_screen():
            return
        screen = self.screen() or QGuiApplication.primaryScreen()
        free = screen.availableGeometry()
        width, height = min(PREFERRED_SIZE[0], free.width()), min(PREFERRED_SIZE[1], free.height() - FRAME_ALLOWANCE)
        self.resize(width, height)
        self.move(free.x() + (free.width() - width) // 2, free.y() + max(0, (free.height() - height) // 2 - 10))
        if free.width() < PREFERRED_SIZE[0] + 100 or free.height() < PREFERRED_SIZE[1] + FRAME_ALLOWANCE:
            self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    def _fits_a_screen(self) -> bool:
        frame = self.frameGeometry()
        return any(screen.availableGeometry().adjusted(-8, -8, 8, 8).contains(frame)
                   for screen in QGuiApplication.screens()) or bool(self.windowState() & Qt.WindowState.WindowMaximized)

    @staticmethod
    def confirm_quit_while_busy(parent: QWidget) -> bool:
        """Saves under way always finish; a receipt not yet printed can be reprinted from the list."""
        box = QMessageBox(QMessageBox.Icon.Question, QCoreApplication.translate("MainWindow", "Đang xử lý"),
                          QCoreApplication.translate("MainWindow", "Chương trình đang lưu hoặc in. Việc đang lưu sẽ "
                                                     "được làm xong; phiếu chưa in có thể in lại từ Danh sách hồ sơ. "
                                                     "Thoát?"), parent=parent)
        quit_text = QCoreApplication.translate("MainWindow", "Thoát")
        quit_button = box.addButton(quit_text, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QCoreApplication.translate("MainWindow", "Ở lại"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is quit_button
