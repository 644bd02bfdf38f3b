"""The supervisor's dashboard: today's and the month's figures, the postal shares against the
province's targets, the on-time rate, the last 14 days, the overdue and due-soon lists.
Refreshed through the task runner when shown and every minute; the window never waits."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from oneStop.domain.clock import local_date
from oneStop.domain.models import Channel, User
from oneStop.services.app import App
from oneStop.services.supervision import Dashboard
from ui.tasks import TaskRunner
from ui.widgets.charts import BarChart, TargetGauge


def _tr(text: str) -> str:
    return QCoreApplication.translate("DashboardView", text)


class DashboardView(QWidget):
    loaded = Signal(object)  # Dashboard
    dossier_requested = Signal(str)  # a code double-clicked in a list

    def __init__(self, app: App, tasks: TaskRunner, user: User, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._tasks = tasks
        self._user = user
        self.board: Dashboard | None = None
        self.state = QLabel(_tr("Đang cập nhật…"))
        self.tiles: dict[str, QLabel] = {}
        grid = QGridLayout()
        for column, (key, title) in enumerate((("received_today", _tr("Nhận hôm nay")),
                                               ("returned_today", _tr("Trả hôm nay")),
                                               ("overdue", _tr("Quá hạn")), ("due_soon", _tr("Sắp đến hạn")))):
            number = QLabel("—")
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            number.setStyleSheet("font-size: 28px; font-weight: bold;")
            self.tiles[key] = number
            grid.addWidget(number, 0, column)
            grid.addWidget(QLabel(title, alignment=Qt.AlignmentFlag.AlignCenter), 1, column)
        self.postal_in = TargetGauge(_tr("Hồ sơ tiếp nhận qua bưu chính"))
        self.postal_out = TargetGauge(_tr("Kết quả trả qua bưu chính"))
        self.on_time = TargetGauge(_tr("Tỉ lệ giải quyết đúng hạn"))
        self.chart = BarChart()
        self.overdue_list = QListWidget()
        self.due_soon_list = QListWidget()
        for widget in (self.overdue_list, self.due_soon_list):
            widget.itemDoubleClicked.connect(lambda item: self.dossier_requested.emit(item.data(Qt.ItemDataRole.UserRole)))
        lists = QHBoxLayout()
        for title, widget in ((_tr("Quá hạn"), self.overdue_list), (_tr("Sắp đến hạn"), self.due_soon_list)):
            box = QVBoxLayout()
            box.addWidget(QLabel(title))
            box.addWidget(widget)
            lists.addLayout(box)
        layout = QVBoxLayout(self)
        layout.addWidget(self.state)
        layout.addLayout(grid)
        layout.addWidget(self.postal_in)
        layout.addWidget(self.postal_out)
        layout.addWidget(self.on_time)
        layout.addWidget(self.chart, 1)
        layout.addLayout(lists, 1)
        self.timer = QTimer(self)
        self.timer.setInterval(60_000)
        self.timer.timeout.connect(self.refresh)

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 (Qt name)
        super().showEvent(event)
        self.refresh()
        self.timer.start()

    def hideEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 (Qt name)
        self.timer.stop()
        super().hideEvent(event)

    def refresh(self, day: date | None = None) -> None:
        app, user = self._app, self._user
        self.state.setText(_tr("Đang cập nhật…"))

        def load() -> Dashboard:
            return app.supervision.dashboard(user, day or local_date(app.clock()))

        self._tasks.submit(load, on_done=self._show, parent=self, quiet=True)

    def _show(self, board: Dashboard) -> None:
        self.board = board
        self.tiles["received_today"].setText(str(board.received_today))
        self.tiles["returned_today"].setText(str(board.returned_today))
        self.tiles["overdue"].setText(str(len(board.overdue)))
        self.tiles["due_soon"].setText(str(len(board.due_soon)))
        self.postal_in.set_data(board.postal_in_share, board.target_postal_in)
        self.postal_out.set_data(board.postal_out_share, board.target_postal_out)
        self.on_time.set_data(board.on_time_rate, 1.0)
        self.chart.set_data([d for d, _ in board.daily],
                            [(ch.label, [counts[ch.value] for _, counts in board.daily]) for ch in Channel])
        for widget, items in ((self.overdue_list, board.overdue), (self.due_soon_list, board.due_soon)):
            widget.clear()
            for item in items:
                row = QListWidgetItem(f"{item.code} · {item.applicant} · hẹn {item.due_at:%H:%M %d/%m}")
                row.setData(Qt.ItemDataRole.UserRole, item.code)
                widget.addItem(row)
        self.state.setText(_tr("Số liệu từ %1 đến %2").replace("%1", f"{board.period_start:%d/%m/%Y}")
                           .replace("%2", f"{board.day:%d/%m/%Y}"))
        self.loaded.emit(board)
