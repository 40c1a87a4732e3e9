"""Receipts: what was issued on a day and by whom, the cash each officer hands in, voiding with a
reason (and issuing the replacement), and the number ranges left in each series."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import ValidationError
from app.core.money import format_vnd
from app.services.clock import show
from app.services.desk import Desk
from app.services.receipts import ReceiptLine, day_totals, issue_receipt, receipts_of_day, series_status, void_receipt
from app.ui.errors import show_error
from app.ui.runner import Runner

HEADERS = ["Ký hiệu", "Số", "Giờ lập", "Người thu", "Người nộp", "Loại phí, lệ phí", "Số tiền", "Tình trạng"]


class ReceiptsView(QWidget):
    def __init__(self, desk: Desk, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.runner = desk, runner
        self.lines: list[ReceiptLine] = []
        self.day = QDateEdit(QDate.currentDate(), calendarPopup=True, displayFormat="dd/MM/yyyy")
        self.officer = QComboBox()
        self.officer.addItem("Mọi cán bộ", "")
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.totals = QLabel(wordWrap=True)
        self.series = QLabel(wordWrap=True)
        self.replace_button = QPushButton("Hủy và lập biên lai thay thế…")
        self.replace_button.clicked.connect(lambda: self.void_selected(replace=True))
        self.void_button = QPushButton("Hủy biên lai (hoàn tiền)…")
        self.void_button.clicked.connect(lambda: self.void_selected(replace=False))
        top = QHBoxLayout()
        top.addWidget(QLabel("Ngày"))
        top.addWidget(self.day)
        top.addWidget(self.officer)
        top.addStretch(1)
        top.addWidget(self.replace_button)
        top.addWidget(self.void_button)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addWidget(self.table, 1)
        column.addWidget(self.totals)
        column.addWidget(self.series)
        self.day.dateChanged.connect(self.reload)
        self.officer.currentIndexChanged.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        day, officer = self.day.date().toPython(), self.officer.currentData() or ""
        self.runner.run(lambda: (receipts_of_day(self.desk, day, officer), series_status(self.desk)), self._show,
                        lambda e: show_error(self, e))

    def _show(self, loaded: tuple[list[ReceiptLine], list[dict[str, Any]]]) -> None:
        self.lines, series = loaded
        self.table.setRowCount(len(self.lines))
        for row, line in enumerate(self.lines):
            state = "Đã hủy: " + line.void_reason if line.status == "voided" else "Đã lập"
            values = (line.label, f"{line.number:07d}", show(line.issued_at, "%H:%M"), line.issued_by,
                      line.payer_name, line.fee_name, format_vnd(line.amount), state)
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.resizeColumnsToContents()
        self._officers()
        totals = day_totals(self.lines)
        parts = [f"{name}: <b>{format_vnd(amount)}</b>" for name, amount in sorted(totals.items())]
        self.totals.setText("Tiền thu trong ngày (nộp quỹ, không tính biên lai đã hủy): " + (", ".join(parts) or "0 đ"))
        self.series.setText("<br/>".join(
            f"Dải {s['template_symbol']} {s['series_symbol']} số {s['first_number']:07d}–{s['last_number']:07d}: "
            f"còn <b>{s['left']}</b> số" + (" — <span style='color:#b00020'>⚠ sắp hết, hãy xin cấp dải mới</span>"
                                           if s["low"] else "") for s in series) or "Chưa có dải số biên lai nào.")

    def _officers(self) -> None:
        known = {self.officer.itemData(i) for i in range(self.officer.count())}
        for line in self.lines:
            if line.issued_by not in known:
                self.officer.addItem(line.issued_by, line.issued_by)
                known.add(line.issued_by)

    def selected(self) -> ReceiptLine | None:
        rows = self.table.selectionModel().selectedRows()
        return self.lines[rows[0].row()] if rows else None

    def void_selected(self, *, replace: bool, reason: str | None = None) -> None:
        """Voids the selected receipt (its number stays, marked void); with `replace`, the dossier's
        fee gets a new receipt with the next number."""
        line = self.selected()
        if line is None or line.status != "issued":
            show_error(self, ValidationError("Hãy chọn một biên lai chưa hủy trong danh sách."), "Chưa chọn biên lai")
            return
        if reason is None:
            reason, ok = QInputDialog.getText(self, "Hủy biên lai", f"Lý do hủy biên lai số {line.number:07d}:")
            if not ok:
                return

        def work() -> None:
            void_receipt(self.desk, line.uid, reason=reason or "")
            if replace and line.dossier_uid:
                issue_receipt(self.desk, dossier_uid=line.dossier_uid, replaces_uid=line.uid)

        self.runner.run(work, lambda _: self.reload(), lambda e: show_error(self, e))
