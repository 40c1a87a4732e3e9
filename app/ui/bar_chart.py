"""A grouped bar chart painted with QPainter: what the reports screen needs (a few categories, one
to three series, values written on the bars, a legend, an optional target line) in PySide6-
Essentials alone. QtCharts would bring PySide6-Addons (about 420 MB installed, most of a 700 MB
full PySide6 against 278 MB for Essentials + Pdf: shared/env.md) and pyqtgraph would bring numpy,
for bars that take a hundred lines here. README's library table says the same."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

# Distinct in grey print and for the common colour blindnesses (Okabe–Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9")


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]  # one per category


class BarChart(QWidget):
    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.categories: tuple[str, ...] = ()
        self.series: tuple[Series, ...] = ()
        self.target: float | None = None  # a dashed line (a threshold), same unit as the values
        self.label: Callable[[float], str] = lambda v: f"{v:,.0f}".replace(",", ".")
        self.setMinimumHeight(180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_data(self, categories: Sequence[str], series: Sequence[Series], *, target: float | None = None,
                 label: Callable[[float], str] | None = None) -> None:
        self.categories, self.series, self.target = tuple(categories), tuple(series), target
        if label is not None:
            self.label = label
        self.setAccessibleDescription(self.describe())
        self.update()

    def describe(self) -> str:
        """The chart in words (a screen reader, a test): "Hộ tịch: Tiếp nhận 8, Đã giải quyết 6; …"."""
        parts = []
        for index, category in enumerate(self.categories):
            values = ", ".join(f"{s.name} {self.label(s.values[index])}" for s in self.series)
            parts.append(f"{category}: {values}")
        return "; ".join(parts)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("white"))
        font = QFont(self.font())
        painter.setFont(font)
        metrics = painter.fontMetrics()
        line = metrics.height()
        top = line * 2 + 8 if self.title else line + 8
        if self.title:
            bold = QFont(font)
            bold.setBold(True)
            painter.setFont(bold)
            painter.drawText(QRectF(0, 2, self.width(), line + 2), Qt.AlignmentFlag.AlignHCenter, self.title)
            painter.setFont(font)
        self._legend(painter, top - line - 4, line)
        plot = QRectF(12, top + 4, self.width() - 24, self.height() - top - line * 2 - 12)
        if not self.categories or plot.height() < 20:
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter, "Không có số liệu trong kỳ.")
            return
        self._bars(painter, plot, line)

    def _legend(self, painter: QPainter, y: float, line: float) -> None:
        x = 12.0
        for index, series in enumerate(self.series):
            painter.fillRect(QRectF(x, y + 3, line - 6, line - 6), QColor(PALETTE[index % len(PALETTE)]))
            x += line
            painter.setPen(QColor("#222"))
            painter.drawText(QRectF(x, y, 400, line), Qt.AlignmentFlag.AlignVCenter, series.name)
            x += painter.fontMetrics().horizontalAdvance(series.name) + 18

    def _bars(self, painter: QPainter, plot: QRectF, line: float) -> None:
        highest = max([v for s in self.series for v in s.values] + [self.target or 0, 0]) or 1.0
        group = plot.width() / len(self.categories)
        width = min(group * 0.8 / max(len(self.series), 1), 70.0)
        scale = (plot.height() - line) / highest
        painter.setPen(QPen(QColor("#888")))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        for index, category in enumerate(self.categories):
            left = plot.left() + group * index + (group - width * len(self.series)) / 2
            for number, series in enumerate(self.series):
                value = series.values[index]
                height = value * scale
                bar = QRectF(left + number * width, plot.bottom() - height, width - 2, height)
                painter.fillRect(bar, QColor(PALETTE[number % len(PALETTE)]))
                painter.setPen(QColor("#222"))
                painter.drawText(QRectF(bar.left() - 10, bar.top() - line, bar.width() + 20, line),
                                 Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, self.label(value))
            painter.setPen(QColor("#222"))
            name = painter.fontMetrics().elidedText(category, Qt.TextElideMode.ElideRight, int(group) - 4)
            painter.drawText(QRectF(plot.left() + group * index, plot.bottom() + 2, group, line + 4),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, name)
        if self.target is not None:
            y = plot.bottom() - self.target * scale
            painter.setPen(QPen(QColor("#B00020"), 1.5, Qt.PenStyle.DashLine))
            painter.drawLine(plot.left(), y, plot.right(), y)
