"""The supervisor's dashboard: today's and the month's figures, the postal shares against the
province's targets, the on-time rate, the last 14 days, the overdue and due-soon lists.
Refreshed through the task runner when shown and every minute; the window never waits."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from oneStop.domain.clock import local_date
from oneStop.domain.models import Channel, Dossier, User
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
        self.attention = QLabel()
        self.attention.setWordWrap(True)
        self.attention.setStyleSheet("color: #b00020;")
        self.conflicts = QListWidget()
        self.conflicts.setMaximumHeight(90)
        self.conflicts.itemDoubleClicked.connect(lambda item: self.resolve(item.data(Qt.ItemDataRole.UserRole)))
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
        layout.addWidget(self.attention)
        layout.addWidget(self.conflicts)
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

        def load() -> tuple[Dashboard, list[Dossier], tuple[dict, ...]]:
            return (app.supervision.dashboard(user, day or local_date(app.clock())), app.dossiers.conflicts(user),
                    app.sync.status().mismatches)

        self._tasks.submit(load, on_done=self._show, parent=self, quiet=True)

    def _show(self, loaded: tuple[Dashboard, list[Dossier], tuple[dict, ...]]) -> None:
        board, conflicts, mismatches = loaded
        self.board = board
        notes = [_tr("Quầy %1 ngày %2: máy này %3, trung tâm %4").replace("%1", m["counter_id"].rsplit("#", 1)[-1])
                 .replace("%2", m["day"]).replace("%3", str(m["local"])).replace("%4", str(m["central"]))
                 for m in mismatches]
        if notes:
            notes.insert(0, _tr("Số hồ sơ lệch với cơ sở dữ liệu trung tâm:"))
        if conflicts:
            notes.append(_tr("%1 hồ sơ có dữ liệu mâu thuẫn giữa các quầy (nhấn đúp để giải quyết):")
                         .replace("%1", str(len(conflicts))))
        self.attention.setText("\n".join(notes))
        self.conflicts.clear()
        for d in conflicts:
            row = QListWidgetItem(f"{d.code} · {d.applicant.name} · {d.status.label}")
            row.setData(Qt.ItemDataRole.UserRole, d.code)
            self.conflicts.addItem(row)
        self.conflicts.setVisible(bool(conflicts))
        self.tiles["received_today"].setText(str(board.received_today))
        self.tiles["returned_today"].setText(str(board.returned_today))
        self.tiles["overdue"].setText(str(len(board.overdue)))
        self.tiles["due_soon"].setText(str(len(board.due_soon)))
        self.postal_in.set_data(board.postal_in_share, board.target_postal_in)
        self.postal_out.set_data(board.postal_out_share, board.target_postal_out)
        self.on_time.set_data(board.on_time_rate, 1.0)
        self.chart.set_data([d for d, _ in board.daily],
                            [(ch.label, [counts[ch.value] for _, counts in board.daily])
                             for ch in Channel if ch.national is ch])  # VNeID, assisted: online
        for widget, items in ((self.overdue_list, board.overdue), (self.due_soon_list, board.due_soon)):
            widget.clear()
            for item in items:
                row = QListWidgetItem(f"{item.code} · {item.applicant} · hẹn {item.due_at:%H:%M %d/%m}")
                row.setData(Qt.ItemDataRole.UserRole, item.code)
                widget.addItem(row)
        self.state.setText(_tr("Số liệu từ %1 đến %2").replace("%1", f"{board.period_start:%d/%m/%Y}")
                           .replace("%2", f"{board.day:%d/%m/%Y}"))
        self.loaded.emit(board)

    @classmethod
    def ask_resolution(cls, parent: QWidget, code: str) -> str | None:
        text, ok = QInputDialog.getMultiLineText(parent, _tr("Giải quyết mâu thuẫn"),
                                                 _tr("Hồ sơ %1: ghi rõ sự việc đúng").replace("%1", code))
        return text if ok and text.strip() else None

    def resolve(self, code: str) -> None:
        note = self.ask_resolution(self, code)
        if note is None:
            return
        app, user = self._app, self._user
        self._tasks.submit(lambda: app.dossiers.resolve_conflict(user, code, note), on_done=lambda _d: self.refresh(),
                           parent=self)
