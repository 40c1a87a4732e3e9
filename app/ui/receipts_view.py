"""Receipts: what was issued on a day and by whom, the cash each officer hands in, printing and
reprinting, voiding with a reason, void-and-replace with the replacement prefilled and editable,
and the number ranges of this workstation (an administrator enters a new one from its notice)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import DeskError
from app.core.limits import LIMITS
from app.core.money import format_vnd
from app.core.receipts import format_number
from app.services.clock import show, to_local
from app.services.desk import Desk
from app.services.receipt_ranges import RangeInput, add_range, next_number_preview, range_lines
from app.services.receipts import Issued, ReceiptLine, day_totals, issue_receipt, receipts_of_day, void_receipt
from app.ui.errors import show_error
from app.ui.print_dialog import PrintDialog, PrinterFactory, system_printer
from app.ui.range_dialog import RangeDialog
from app.ui.receipt_dialog import Prefill, ReceiptDialog, Replacing, SubmitDialog
from app.ui.receipt_jobs import receipt_job
from app.ui.runner import Runner
from app.ui.widgets import form_dialog

HEADERS = ["Ký hiệu", "Số", "Giờ lập", "Người thu", "Người nộp", "Loại phí, lệ phí", "Số tiền", "Tình trạng"]
STATE_COLUMN = 7
WIDEST = {4: 220, 5: 300}  # payer and fee names: elided past this, full text in the tooltip
OK_STYLE, ERROR_STYLE = "color: #1b5e20;", "color: #b00020;"


def number_label(line: ReceiptLine) -> str:
    return f"{line.label} số {format_number(line.number)}"


class VoidDialog(SubmitDialog):
    """Asks why a receipt is voided without a replacement (the fee is given back)."""

    def __init__(self, line: ReceiptLine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Hủy biên lai")
        self.reason = QLineEdit(maxLength=LIMITS["reason"].max_chars)
        form = QFormLayout()
        form.addRow(QLabel(f"Hủy biên lai <b>{number_label(line)}</b> ({format_vnd(line.amount)}); "
                           "số biên lai được giữ lại, ghi là đã hủy.", wordWrap=True))
        label = QLabel("&Lý do hủy")
        label.setBuddy(self.reason)
        form.addRow(label, self.reason)
        self.fields = {"reason": self.reason}
        form_dialog(self, form, self.error, "Hủy &biên lai này", self.submit)
        self.resize(520, 0)


class ReceiptsView(QWidget):
    def __init__(self, desk: Desk, runner: Runner, parent: QWidget | None = None, *,
                 print_runner: Runner | None = None, printer_factory: PrinterFactory = system_printer,
                 printers: list[str] | None = None) -> None:
        super().__init__(parent)
        self.desk, self.runner = desk, runner
        # Rendering and printing take seconds: off the database worker unless the caller runs inline.
        self.print_runner = print_runner or (runner if runner.synchronous else Runner(parent=self))
        self.printer_factory, self.printers = printer_factory, printers
        self.lines: list[ReceiptLine] = []
        self.dialog: QDialog | None = None  # the dialog open now (tests and screenshots reach it)
        self.print_dialog: PrintDialog | None = None
        self._build()
        self.reload()

    # -- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        today = to_local(self.desk.now()).date()
        self.day = QDateEdit(QDate(today), calendarPopup=True, displayFormat="dd/MM/yyyy")
        self.officer = QComboBox()
        self.officer.addItem("Mọi cán bộ", "")
        self.table = self._table()
        self.message = QLabel(wordWrap=True)
        self.message.setVisible(False)
        self.totals = QLabel(wordWrap=True)
        self.series = QLabel(wordWrap=True, textFormat=Qt.TextFormat.RichText)
        self.print_button = self._button("&In biên lai…", self.print_selected)
        self.replace_button = self._button("Hủy và lập biên lai &thay thế…", lambda: self.void_selected(replace=True))
        self.void_button = self._button("Hủy biên lai (&hoàn tiền)…", lambda: self.void_selected(replace=False))
        self.range_button = self._button("Nhập &dải số mới…", self.enter_range)
        top = QHBoxLayout()
        for text, buddy in (("&Ngày", self.day), ("&Cán bộ", self.officer)):
            label = QLabel(text)
            label.setBuddy(buddy)
            top.addWidget(label)
            top.addWidget(buddy)
        top.addStretch(1)
        for button in (self.print_button, self.replace_button, self.void_button):
            top.addWidget(button)
        ranges = QHBoxLayout()
        ranges.addWidget(self.series, 1)
        ranges.addWidget(self.range_button, 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addWidget(self.table, 1)
        column.addWidget(self.message)
        column.addWidget(self.totals)
        column.addLayout(ranges)
        self.day.dateChanged.connect(self.reload)
        self.officer.currentIndexChanged.connect(self.reload)

    def _table(self) -> QTableWidget:
        table = QTableWidget(0, len(HEADERS))
        table.setHorizontalHeaderLabels(HEADERS)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)  # Tab leaves the table; the arrows move inside it
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.horizontalHeader().setStretchLastSection(True)
        # Tabbing in makes the first row current without selecting it; the row under the keyboard
        # is the one the buttons act on, so select it (and the official sees which it is).
        table.selectionModel().currentRowChanged.connect(
            lambda current, _: current.isValid() and not table.selectionModel().isRowSelected(current.row())
            and table.selectRow(current.row()))
        return table

    def _button(self, text: str, slot: Any) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda _=False: slot())
        return button

    # -- the day's list ---------------------------------------------------------------------
    def reload(self) -> None:
        day, officer = self.day.date().toPython(), self.officer.currentData() or ""
        self.runner.run(lambda: (receipts_of_day(self.desk, day, officer), range_lines(self.desk)), self._show,
                        lambda e: show_error(self, e))

    def _show(self, loaded: tuple[list[ReceiptLine], list[dict[str, Any]]]) -> None:
        kept = self.selected()
        self.lines, ranges = loaded
        self.table.setRowCount(len(self.lines))
        by_id = {line.uid: line for line in self.lines}
        for row, line in enumerate(self.lines):
            values = (line.label, format_number(line.number), show(line.issued_at, "%H:%M"), line.issued_by,
                      line.payer_name, line.fee_name, format_vnd(line.amount), self._state(line, by_id))
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if column == 6:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        for column, widest in WIDEST.items():
            self.table.setColumnWidth(column, min(self.table.columnWidth(column), widest))
        if kept is not None and kept.uid in by_id:
            self.table.selectRow(self.lines.index(by_id[kept.uid]))
        self._officers()
        totals = day_totals(self.lines)
        parts = [f"{name}: <b>{format_vnd(amount)}</b>" for name, amount in sorted(totals.items())]
        self.totals.setText("Tiền thu trong ngày (nộp quỹ, không tính biên lai đã hủy): " + (", ".join(parts) or "0 đ"))
        self.series.setText(self._ranges_text(ranges))

    @staticmethod
    def _state(line: ReceiptLine, by_id: dict[str, ReceiptLine]) -> str:
        if line.status == "voided":
            return "Đã hủy: " + line.void_reason
        return "Đã lập"

    @staticmethod
    def _ranges_text(ranges: list[dict[str, Any]]) -> str:
        if not ranges:
            return "Chưa có dải số biên lai nào: bấm «Nhập dải số mới…» và ghi dải số theo thông báo phát hành."
        rows = []
        for r in ranges:
            low = " — <span style='color:#b00020'>⚠ sắp hết, hãy xin cấp dải mới</span>" if r["low"] else ""
            rows.append(f"Dải {r['kind_words']} {r['template_symbol']} {r['series_symbol']} số {r['span']} "
                        f"({r['source_words']}): còn <b>{r['left']}</b> số{low}")
        return "<br/>".join(rows)

    def _officers(self) -> None:
        known = {self.officer.itemData(i) for i in range(self.officer.count())}
        for line in self.lines:
            if line.issued_by not in known:
                self.officer.addItem(line.issued_by, line.issued_by)
                known.add(line.issued_by)

    def selected(self) -> ReceiptLine | None:
        rows = self.table.selectionModel().selectedRows()
        return self.lines[rows[0].row()] if rows and rows[0].row() < len(self.lines) else None

    def say(self, text: str, *, ok: bool = True) -> None:
        """The screen's message line: what was just done (green) or what could not be (red)."""
        self.message.setStyleSheet(OK_STYLE if ok else ERROR_STYLE)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _choose(self, *, issued_only: bool) -> ReceiptLine | None:
        line = self.selected()
        if line is None or (issued_only and line.status != "issued"):
            wanted = "một biên lai chưa hủy" if issued_only else "một biên lai"
            self.say(f"Hãy chọn {wanted} trong danh sách (Tab đến danh sách, dùng phím mũi tên).", ok=False)
            self.table.setFocus()
            return None
        return line

    # -- printing ---------------------------------------------------------------------------
    def print_selected(self) -> None:
        line = self._choose(issued_only=False)
        if line is not None:
            self.open_print(line.uid, line.dossier_uid, f"Biên lai {number_label(line)}")

    def open_print(self, receipt_uid: str, dossier_uid: str | None, label: str) -> None:
        """The preview of one receipt; printing it again later is a reprint, marked on the paper."""
        def opened(job: Any) -> None:
            dialog = PrintDialog(job, self.print_runner, printer_factory=self.printer_factory, printers=self.printers,
                                 parent=self)
            if dialog.failed:
                return
            self.print_dialog = dialog
            dialog.finished.connect(lambda _: self.reload())
            dialog.open()

        self.runner.run(lambda: receipt_job(self.desk, receipt_uid, dossier_uid, label), opened,
                        lambda e: show_error(self, e, "Chưa thể in"))

    # -- void, and void-and-replace ---------------------------------------------------------
    def void_selected(self, *, replace: bool) -> None:
        line = self._choose(issued_only=True)
        if line is None:
            return
        if not replace:
            dialog = VoidDialog(line, self)
            dialog.submitted.connect(lambda: self._void(line, dialog))
            self._open(dialog)
            return
        self.runner.run(lambda: next_number_preview(self.desk), lambda new: self._ask_replacement(line, new),
                        lambda e: show_error(self, e))

    def _open(self, dialog: QDialog) -> None:
        self.dialog = dialog
        dialog.open()

    def _void(self, line: ReceiptLine, dialog: VoidDialog) -> None:
        reason = dialog.reason.text()

        def failed(error: Exception) -> None:
            if isinstance(error, DeskError):
                dialog.refused(error.message, "reason")
            else:
                dialog.refused("")
                show_error(self, error)

        def done(_: Any) -> None:
            dialog.accept()
            self.say(f"Đã hủy biên lai {number_label(line)}; số tiền {format_vnd(line.amount)} không còn tính vào "
                     "tiền thu trong ngày.")
            self.reload()

        self.runner.run(lambda: void_receipt(self.desk, line.uid, reason=reason), done, failed)

    def _ask_replacement(self, line: ReceiptLine, new_label: str) -> None:
        title = "Biên lai thay thế" + (" cho hồ sơ của " + line.payer_name if line.dossier_uid else "")
        dialog = ReceiptDialog(Prefill(line.payer_name, line.fee_name, line.amount, title),
                               Replacing(number_label(line), line.amount, new_label), self)
        dialog.submitted.connect(lambda: self._replace(line, dialog))
        self._open(dialog)

    def _replace(self, line: ReceiptLine, dialog: ReceiptDialog) -> None:
        values = dialog.values()

        def work() -> tuple[Issued | None, str]:
            void_receipt(self.desk, line.uid, reason=str(values["reason"]))
            try:
                issued = issue_receipt(self.desk, dossier_uid=line.dossier_uid, replaces_uid=line.uid,
                                       payer_name=str(values["payer_name"]), fee_name=str(values["fee_name"]),
                                       amount=int(values["amount"]))  # type: ignore[call-overload]
            except DeskError as error:  # the void stands (its own transaction): say so plainly
                return None, error.message
            return issued, ""

        def failed(error: Exception) -> None:
            if isinstance(error, DeskError):
                dialog.refused(error.message, error.field or "")
            else:
                dialog.refused("")
                show_error(self, error)

        def done(result: tuple[Issued | None, str]) -> None:
            dialog.accept()
            self._replaced(line, *result)

        self.runner.run(work, done, failed)

    def _replaced(self, line: ReceiptLine, issued: Issued | None, problem: str) -> None:
        self.reload()
        if issued is None:
            self.say(f"Đã hủy biên lai {number_label(line)} nhưng chưa lập được biên lai thay thế: {problem} "
                     "Khi khắc phục xong, mở hồ sơ và bấm «Lập biên lai».", ok=False)
            return
        self.say(f"Đã hủy biên lai {number_label(line)} → lập biên lai thay thế {issued.label} "
                 f"({format_vnd(issued.amount)}).")
        self.open_print(issued.uid, line.dossier_uid, f"Biên lai {issued.label}")

    # -- ranges -----------------------------------------------------------------------------
    def enter_range(self) -> None:
        dialog = RangeDialog(to_local(self.desk.now()).date(), self)
        dialog.submitted.connect(lambda: self._add_range(dialog))
        self._open(dialog)

    def _add_range(self, dialog: RangeDialog) -> None:
        entered: RangeInput = dialog.value()

        def failed(error: Exception) -> None:
            if isinstance(error, DeskError):
                dialog.refused(error.message, error.field or "")
            else:
                dialog.refused("")
                show_error(self, error)

        def done(_: Any) -> None:
            dialog.accept()
            self.say(f"Đã ghi dải số {entered.series_symbol.strip().upper()} từ số "
                     f"{format_number(entered.first_number)} đến số {format_number(entered.last_number)}.")
            self.reload()

        self.runner.run(lambda: add_range(self.desk, entered), done, failed)

