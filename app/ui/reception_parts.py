"""Pieces of the reception screen that make it work by keyboard and scanner alone: the chip card's QR
caught in whatever field the caret was, and a documents table edited in place (Space ticks a paper,
typing or F2 edits its form or count) instead of widgets inside cells, which trap Tab."""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from app.core.vocabulary import DOCUMENT_FORMS
from app.ui.widgets import fit_columns, keyboard_table

# Every chip card's QR starts with the 12-digit number and a "|": nothing a person types looks so.
_CARD_NUMBER_TYPED = re.compile(r"\d{12}$")
_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
Index = QModelIndex | QPersistentModelIndex


def _snapshot(widget: QObject) -> Callable[[], None] | None:
    """How to put a field back as it was before the scanner's digits arrived."""
    if isinstance(widget, QLineEdit):
        text = widget.text()
        return lambda: widget.setText(text)
    if isinstance(widget, QSpinBox):
        value = widget.value()
        return lambda: widget.setValue(value)
    if isinstance(widget, QComboBox):
        index = widget.currentIndex()
        return lambda: widget.setCurrentIndex(index)
    return None


class ScanCatcher(QObject):
    """A handheld scanner types wherever the caret is. When a field receives twelve digits and a "|",
    it was a card: the field is put back as it was, the scan box gets the string and the keyboard,
    and what the scanner still sends (to the old field, if it keeps sending there) goes on into the
    scan box until its Enter, which reads the card."""

    def __init__(self, scan: QLineEdit, on_scanned: Callable[[], None]) -> None:
        super().__init__(scan)
        self.scan, self.on_scanned = scan, on_scanned
        self.forwarding: QObject | None = None
        self._typed: dict[QObject, str] = {}
        self._before: dict[QObject, Callable[[], None] | None] = {}

    def watch(self, *widgets: QWidget) -> None:
        for widget in widgets:
            if widget is not self.scan:
                widget.installEventFilter(self)

    def done(self) -> None:
        self.forwarding = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn:
            self._typed[watched] = ""
            if watched is self.forwarding:  # the official came back to this field: it is theirs again
                self.forwarding = None
            return False
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if watched is self.forwarding:
            return self._forward(event)
        return self._look(watched, event.text())

    def _forward(self, event: QKeyEvent) -> bool:
        if event.key() in _ENTER:
            self.forwarding = None
            self.on_scanned()
        elif event.text():
            self.scan.insert(event.text())
        return True

    def _look(self, watched: QObject, char: str) -> bool:
        typed = self._typed.get(watched, "")
        if char == "|" and _CARD_NUMBER_TYPED.search(typed):
            restore = self._before.pop(watched, None)
            if restore is not None:
                restore()
            self._typed[watched] = ""
            self.forwarding = watched
            self.scan.setText(typed[-12:] + "|")
            self.scan.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        if char.isdigit():
            if not typed or not typed[-1].isdigit():
                self._before[watched] = _snapshot(watched)
            self._typed[watched] = (typed + char)[-24:]
        elif char:
            self._typed[watched] = ""
        return False


# -- the documents table ---------------------------------------------------------------------------
COL_NAME, COL_FORM, COL_QUANTITY = range(3)
FORM_ROLE = Qt.ItemDataRole.UserRole


class _FormDelegate(QStyledItemDelegate):
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        combo = QComboBox(parent)
        for key, label in DOCUMENT_FORMS.items():
            combo.addItem(label, key)
        return combo

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(FORM_ROLE))))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData(), FORM_ROLE)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.DisplayRole)


class _QuantityDelegate(QStyledItemDelegate):
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        spin = QSpinBox(parent, minimum=1, maximum=100)
        spin.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.NoButtons)
        return spin


def documents_table() -> QTableWidget:
    table = QTableWidget(0, 3)
    table.setHorizontalHeaderLabels(["Giấy tờ (Space: chọn)", "Hình thức (F2)", "Số lượng"])
    table.verticalHeader().hide()
    fit_columns(table, stretch=(COL_NAME,))
    table.setItemDelegateForColumn(COL_FORM, _FormDelegate(table))
    table.setItemDelegateForColumn(COL_QUANTITY, _QuantityDelegate(table))
    table.setEditTriggers(QTableWidget.EditTrigger.DoubleClicked | QTableWidget.EditTrigger.EditKeyPressed
                          | QTableWidget.EditTrigger.AnyKeyPressed | QTableWidget.EditTrigger.SelectedClicked)
    return keyboard_table(table)  # type: ignore[return-value]


def add_document(table: QTableWidget, name: str, form: str, quantity: int, checked: bool) -> None:
    row = table.rowCount()
    table.insertRow(row)
    item = QTableWidgetItem(name)
    item.setFlags((item.flags() | Qt.ItemFlag.ItemIsUserCheckable) & ~Qt.ItemFlag.ItemIsEditable)
    item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
    table.setItem(row, COL_NAME, item)
    shape = QTableWidgetItem(DOCUMENT_FORMS.get(form, form))
    shape.setData(FORM_ROLE, form)
    table.setItem(row, COL_FORM, shape)
    count = QTableWidgetItem()
    count.setData(Qt.ItemDataRole.EditRole, quantity)
    table.setItem(row, COL_QUANTITY, count)


def chosen_documents(table: QTableWidget) -> list[tuple[str, str, int]]:
    """(name, form, quantity) of every ticked paper."""
    chosen = []
    for row in range(table.rowCount()):
        item = table.item(row, COL_NAME)
        if item.checkState() == Qt.CheckState.Checked:
            chosen.append((item.text(), str(table.item(row, COL_FORM).data(FORM_ROLE)),
                           int(table.item(row, COL_QUANTITY).data(Qt.ItemDataRole.EditRole))))
    return chosen
