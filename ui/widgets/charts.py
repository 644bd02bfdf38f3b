"""Small charts drawn with QPainter (PySide6-Essentials has no Qt Charts): stacked bars per
day, and a share against its target. They hold their data for tests; painting is all they do."""

from __future__ import annotations

from datetime import date
from typing import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

SERIES_COLOURS = ("#2e7d32", "#1565c0", "#ef6c00", "#6a1b9a")


class BarChart(QWidget):
    """Stacked bars, one per day, one colour per series, with a legend."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.days: list[date] = []
        self.series: list[tuple[str, list[int]]] = []  # (label, value per day)
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_data(self, days: Sequence[date], series: Sequence[tuple[str, Sequence[int]]]) -> None:
        self.days = list(days)
        self.series = [(label, list(values)) for label, values in series]
        self.update()

    def totals(self) -> list[int]:
        return [sum(values[i] for _, values in self.series) for i in range(len(self.days))]

    def legend(self) -> list[str]:
        """Each series with its total over the days shown ("Trực tiếp: 120")."""
        return [f"{label}: {sum(values)}" for label, values in self.series]

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(520, 220)

    def paintEvent(self, _event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 (Qt name)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        width, height = self.width(), self.height()
        legend_h, axis_h, left = 20, 18, 30
        plot = QRectF(left, legend_h + 4, width - left - 8, height - legend_h - axis_h - 8)
        top = max(self.totals() or [0]) or 1
        p.setPen(QPen(QColor("#9e9e9e")))
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
        p.drawText(QRectF(0, plot.top() - 8, left - 4, 16), Qt.AlignmentFlag.AlignRight, str(top))
        n = max(1, len(self.days))
        slot = plot.width() / n
        totals = self.totals()
        for i, day in enumerate(self.days):
            y = plot.bottom()
            if totals[i]:  # the day's total above its bar, where it fits
                text = str(totals[i])
                if p.fontMetrics().horizontalAdvance(text) <= slot:
                    p.setPen(QPen(QColor("#212121")))
                    p.drawText(QRectF(plot.left() + i * slot, y - plot.height() * totals[i] / top - 16, slot, 14),
                               Qt.AlignmentFlag.AlignHCenter, text)
            for k, (_label, values) in enumerate(self.series):
                h = plot.height() * values[i] / top
                p.fillRect(QRectF(plot.left() + i * slot + slot * 0.15, y - h, slot * 0.7, h),
                           QColor(SERIES_COLOURS[k % len(SERIES_COLOURS)]))
                y -= h
            if n <= 16 or i % 2 == 0:
                p.setPen(QPen(QColor("#616161")))
                p.drawText(QRectF(plot.left() + i * slot, plot.bottom() + 2, slot, axis_h),
                           Qt.AlignmentFlag.AlignHCenter, f"{day:%d/%m}")
        x = left
        for k, label in enumerate(self.legend()):
            p.fillRect(QRectF(x, 4, 12, 12), QColor(SERIES_COLOURS[k % len(SERIES_COLOURS)]))
            p.setPen(QPen(QColor("#212121")))
            advance = p.fontMetrics().horizontalAdvance(label)
            p.drawText(QRectF(x + 16, 2, advance + 4, 16), Qt.AlignmentFlag.AlignLeft, label)
            x += 24 + advance
        p.end()


class TargetGauge(QWidget):
    """A share (0–1) as a bar, the target as a line; green when met, amber otherwise."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.share: float | None = None
        self.target = 0.0
        self.setMinimumHeight(46)

    def set_data(self, share: float | None, target: float) -> None:
        self.share, self.target = share, target
        self.update()

    @property
    def met(self) -> bool:
        return self.share is not None and self.share >= self.target

    def text(self) -> str:
        shown = "—" if self.share is None else f"{self.share * 100:.1f}%".replace(".", ",")  # a decimal comma
        return f"{self.title}: {shown} (chỉ tiêu {self.target * 100:.0f}%)"

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        return QSize(320, 50)

    def paintEvent(self, _event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 (Qt name)
        p = QPainter(self)
        width = self.width() - 8
        p.setPen(QPen(QColor("#212121")))
        p.drawText(QRectF(4, 0, width, 18), Qt.AlignmentFlag.AlignLeft, self.text())
        bar = QRectF(4, 22, width, 16)
        p.fillRect(bar, QColor("#eeeeee"))
        if self.share is not None:
            p.fillRect(QRectF(bar.left(), bar.top(), bar.width() * min(1.0, self.share), bar.height()),
                       QColor("#2e7d32" if self.met else "#ef6c00"))
        x = bar.left() + bar.width() * min(1.0, self.target)
        p.setPen(QPen(QColor("#b00020"), 2))
        p.drawLine(int(x), int(bar.top()) - 3, int(x), int(bar.bottom()) + 3)
        p.end()
