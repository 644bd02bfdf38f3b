"""Background sync with the central database, and what the window says about it.

Sync runs on a task runner of its own (its own worker thread, not the one saves go through), so
a slow or cut network never holds up a save at the counter; the database sees it as one more
connection (SQLite WAL). Results come back to the GUI thread as every task's do.
The status bar shows online/offline, the events waiting, the last successful sync and the last
error in words. Closing the program with events waiting warns.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from oneStop.domain.clock import to_local
from oneStop.domain.models import User
from oneStop.services.app import App
from ui.tasks import TaskRunner

#: Minutes between background syncs.
INTERVAL_MINUTES = 5


def _local_time(stamp: str | None) -> str:
    """``HH:MM`` of a stored UTC time, in Vietnam's time (a sync at 23:40 says 23:40, not 16:40).

    >>> _local_time("2026-11-23T16:40:05+00:00"), _local_time(None)
    ('23:40', '')
    """
    if not stamp:
        return ""
    try:
        return f"{to_local(datetime.fromisoformat(stamp)):%H:%M}"
    except ValueError:
        return ""


def _tr(text: str) -> str:
    return QCoreApplication.translate("SyncStatus", text)


class SyncController(QObject):
    """Schedules syncs, runs them off the GUI thread, and keeps :attr:`label` up to date."""

    status_changed = Signal(object)  # SyncStatus
    address_needed = Signal()  # a sync was asked for (F5) but no central address is set

    def __init__(self, app: App, user: User, parent: QWidget | None = None, *, interval_minutes: int = INTERVAL_MINUTES):
        super().__init__(parent)
        self._app = app
        self._user = user
        self._runner = TaskRunner(self)
        self._busy = False
        self.status = None
        self.label = QLabel(_tr("Chưa đồng bộ"))
        self.label.setObjectName("sync_label")
        self.timer = QTimer(self)
        self.timer.setInterval(interval_minutes * 60_000)
        self.timer.timeout.connect(self.sync_now)

    @property
    def runner(self) -> TaskRunner:
        """The sync's own task runner (the change watcher looks after its jobs too)."""
        return self._runner

    def start(self) -> None:
        self.refresh()
        self.timer.start()

    def _submit(self, fn: Callable[[], Any], on_done: Callable[[Any], None], on_error: Callable[[BaseException], None]) -> None:
        if self._runner.closed:  # the window is closing: nothing more to show
            return
        self._runner.submit(fn, on_done=on_done, on_error=on_error, quiet=True)

    def refresh(self) -> None:
        self._submit(self._app.sync.status, self._show, lambda _e: None)

    def sync_now(self) -> None:
        """One sync in the background, unless one is running or no central address is set (then
        :attr:`address_needed` is emitted: the window says so and offers to set it)."""
        if self.status is not None and not self.status.central_url:
            self.address_needed.emit()
            return
        if self._busy:
            return
        self._start_sync()

    def sync_after_configuring(self) -> None:
        """The address was just set: sync now (the status is read again on the way)."""
        if not self._busy:
            self._start_sync()

    def _start_sync(self) -> None:
        self._busy = True
        self.label.setText(_tr("Đang đồng bộ…"))

        def run():  # type: ignore[no-untyped-def]
            self._app.sync.sync(self._user)
            return self._app.sync.status()

        self._submit(run, self._done, self._failed)

    def _done(self, status) -> None:  # type: ignore[no-untyped-def]
        self._busy = False
        self._show(status)

    def _failed(self, _exc: BaseException) -> None:
        self._busy = False
        self.refresh()  # the service kept the error in words

    def _show(self, status) -> None:  # type: ignore[no-untyped-def]
        self.status = status
        if not status.central_url:
            text = _tr("Chưa nối với trung tâm · chờ gửi: %1").replace("%1", str(status.waiting))
        elif status.online:
            when = _local_time(status.last_success)
            text = _tr("Trực tuyến · chờ gửi: %1 · đồng bộ lúc %2").replace("%1", str(status.waiting)).replace("%2", when)
        else:  # the reason in words, on the bar itself (short), whole in the tooltip
            reason = (status.last_error or "").strip()
            short = reason if len(reason) <= 70 else reason[:69].rstrip() + "…"
            text = (_tr("Ngoại tuyến: %2 · chờ gửi: %1") if short else _tr("Ngoại tuyến · chờ gửi: %1")).replace(
                "%1", str(status.waiting)).replace("%2", short)
        tip = status.last_error or ""
        if status.set_aside:
            # events from other counters that failed their checks: kept, not applied, for a supervisor
            text += _tr(" · để riêng: %1").replace("%1", str(status.set_aside))
            tip = "\n".join(filter(None, [tip, _tr(
                "%1 sự kiện từ quầy khác không qua kiểm tra, được giữ riêng và chưa áp dụng. Lãnh đạo hoặc quản "
                "trị viên xem và quyết định: onestop sync set-aside").replace("%1", str(status.set_aside))]))
        self.label.setText(text)
        self.label.setToolTip(tip)
        self.label.setStyleSheet("color: #b00020;" if status.set_aside else
                                 "" if status.online or not status.central_url else "color: #b26a00;")
        self.status_changed.emit(status)

    def waiting_for_central(self) -> int:
        """Events not yet at the centre (as last counted), when there is a centre to send them to."""
        status = self.status
        return status.waiting if status is not None and status.central_url else 0

    def shutdown(self) -> None:
        self.timer.stop()
        self._runner.shutdown()

    @staticmethod
    def confirm_quit_with_waiting(parent: QWidget, waiting: int) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, _tr("Còn dữ liệu chưa gửi"),
                          _tr("Còn %1 thao tác chưa gửi lên cơ sở dữ liệu trung tâm. Dữ liệu vẫn an toàn trên máy "
                              "này và sẽ được gửi khi có mạng; nếu máy sắp không dùng nữa, hãy xuất ra USB "
                              "(onestop sync export). Thoát?").replace("%1", str(waiting)), parent=parent)
        quit_button = box.addButton(_tr("Thoát"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(_tr("Ở lại"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return box.clickedButton() is quit_button
