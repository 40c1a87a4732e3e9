"""Table model of the dossier list: rows come from app.services.queries, formatting happens here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFontMetrics, QIcon
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.core.lifecycle import DeadlineState, Status
from app.services.clock import show
from app.services.queries import DossierRow

COL_CODE, COL_OWNER, COL_PROCEDURE, COL_RECEIVED, COL_DUE, COL_STATUS, COL_DEADLINE = range(7)
HEADERS = ["Mã hồ sơ", "Người nộp", "Thủ tục", "Ngày nhận", "Hẹn trả", "Trạng thái", "Thời hạn"]
# A word and an icon, never colour alone. Icons come from the Qt style, not emoji: a desk PC's
# fonts may have no glyph for ⏰ or ⏸ and would show an empty box.
DEADLINE_ICONS = {
    DeadlineState.OVERDUE: QStyle.StandardPixmap.SP_MessageBoxCritical,
    DeadlineState.DUE_SOON: QStyle.StandardPixmap.SP_MessageBoxWarning,
    DeadlineState.PAUSED: QStyle.StandardPixmap.SP_MediaPause,
}
DEADLINE_TINT = {DeadlineState.OVERDUE: QColor("#fde2e1"), DeadlineState.DUE_SOON: QColor("#fff4d6")}
Index = QModelIndex | QPersistentModelIndex


class DossierTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[DossierRow] = []
        self.more_wanted: Callable[[], None] | None = None  # asks the owner for the next page
        self.has_more = False
        self.loading = False

    def set_rows(self, rows: list[DossierRow], *, has_more: bool = False) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.has_more, self.loading = has_more, False
        self.endResetModel()

    def append_rows(self, rows: list[DossierRow], *, has_more: bool) -> None:
        self.loading = False
        self.has_more = has_more
        if rows:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self.has_more and not self.loading and self.more_wanted is not None

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent) and self.more_wanted is not None:
            self.loading = True
            self.more_wanted()

    def rows(self) -> list[DossierRow]:
        return list(self._rows)

    def row_at(self, row: int) -> DossierRow:
        return self._rows[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (COL_CODE, COL_OWNER, COL_PROCEDURE):
            return self._display(row, index.column())
        if role == Qt.ItemDataRole.BackgroundRole and row.deadline in DEADLINE_TINT:
            return DEADLINE_TINT[row.deadline]
        if role == Qt.ItemDataRole.DecorationRole and index.column() == COL_DEADLINE and row.deadline in DEADLINE_ICONS:
            return _icon(DEADLINE_ICONS[row.deadline])
        return None

    @staticmethod
    def _display(row: DossierRow, column: int) -> str:
        return [
            row.code, row.owner_name, row.procedure_name, show(row.received_at), show(row.due_at), row.status.label,
            row.deadline.label if row.deadline else "",
        ][column]


class TailDelegate(QStyledItemDelegate):
    """Shows the end of a dossier code («…-261202-2001»): the agency id is the same on every row of a
    commune, the date and the number tell dossiers apart."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideLeft


def column_widths(metrics: QFontMetrics) -> dict[int, int]:
    """Widths that hold each column's longest words on one line (a cell's margins and the deadline's
    icon added), measured in the window's own font."""
    pad = 16

    def widest(*texts: str) -> int:
        return max(metrics.horizontalAdvance(text) for text in texts) + pad

    return {
        COL_CODE: widest("…-261202-2001", HEADERS[COL_CODE]),
        COL_RECEIVED: widest("17:00 30/12/2026", HEADERS[COL_RECEIVED]),
        COL_DUE: widest("17:00 30/12/2026", HEADERS[COL_DUE]),
        COL_STATUS: widest(*(status.label for status in Status), HEADERS[COL_STATUS]),
        COL_DEADLINE: widest(*(state.label for state in DeadlineState), HEADERS[COL_DEADLINE]) + 20,
    }


def _icon(which: QStyle.StandardPixmap) -> QIcon:
    return QApplication.style().standardIcon(which)
