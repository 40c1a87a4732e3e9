"""Receipts: what was issued on a day and by whom, the cash each officer hands in, printing and
reprinting, voiding with a reason, void-and-replace with the replacement prefilled and editable,
and the number ranges of this workstation (an administrator enters a new one from its notice)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor, QKeySequence, QResizeEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QFileDialog,
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
from app.core.money import format_vnd
from app.core.permissions import Perm
from app.core.receipts import format_e_number, format_number
from app.services.clock import show, to_local
from app.services.desk import Desk
from app.services.ereceipts import (
    DELIVERED,
    REJECTED,
    EReceiptLine,
    daily_summary,
    ereceipts_of_day,
    ereceipts_to_watch,
    paper_stop_warning,
    summary_series,
)
from app.services.receipt_ranges import RangeInput, add_range, next_number_preview, range_lines
from app.services.receipts import (
    VOID_REASON_MAX,
    ReceiptLine,
    Replacement,
    day_totals,
    receipts_of_day,
    replace_receipt,
    void_receipt,
)
from app.ui.errors import show_error
from app.ui.folders import start_file
from app.ui.print_dialog import PrintDialog, PrinterFactory, system_printer
from app.ui.range_dialog import RangeDialog
from app.ui.receipt_dialog import Prefill, ReceiptDialog, Replacing, SubmitDialog
from app.ui.receipt_jobs import receipt_job
from app.ui.runner import Runner
from app.ui.widgets import form_dialog

HEADERS = ["Ký hiệu", "Số", "Giờ lập", "Người thu", "Người nộp", "Loại phí, lệ phí", "Số tiền", "Tình trạng",
           "Gửi cơ quan thuế (biên lai điện tử)"]
STATE_COLUMN, SENDING_COLUMN = 7, 8
WIDEST = {4: 200, 5: 260, 7: 260}  # elided past this; the full text is in the tooltip
OK_STYLE, ERROR_STYLE, WARN_STYLE = "color: #1b5e20;", "color: #b00020;", "color: #8a4b00;"
WARN_BACK, LATE_BACK, REJECTED_BACK = QColor("#fff3cd"), QColor("#f8d7da"), QColor("#f8d7da")
SUMMARY_FORMATS = {"xml": ("XML gửi cơ quan thuế", "Tệp XML (*.xml)"), "pdf": ("PDF", "Tệp PDF (*.pdf)"),
                   "xlsx": ("Excel", "Bảng tính Excel (*.xlsx)")}


NOTICE_MADE = (" Đã lập thông báo Mẫu 04/SS-CTĐT về biên lai điện tử sai sót; thông báo được ký và gửi cơ quan "
               "thuế qua hệ thống cấp trên.")


def number_label(line: ReceiptLine, electronic: bool = False) -> str:
    return f"{line.label} số {format_e_number(line.number) if electronic else format_number(line.number)}"


@dataclass(frozen=True)
class DayView:
    """What the screen shows for a day, read in one go on the database worker."""

    lines: list[ReceiptLine]
    ranges: list[dict[str, Any]]
    electronic: dict[str, EReceiptLine] = field(default_factory=dict)  # by receipt uid
    to_watch: list[EReceiptLine] = field(default_factory=list)  # undelivered, deadline near or passed
    paper_note: str = ""


def load_day(desk: Desk, day: date, officer: str) -> DayView:
    return DayView(receipts_of_day(desk, day, officer), range_lines(desk),
                   {e.receipt_uid: e for e in ereceipts_of_day(desk, day, officer)},
                   [e for e in ereceipts_to_watch(desk) if e.warn], paper_stop_warning(desk))


SHORT_STATE = {"signed": "Đã ký, chờ gửi lên cấp trên", "at_hub": "Đã lên cấp trên, chờ gửi cơ quan thuế",
               "sent": "Đã gửi cơ quan thuế, chờ kết quả", "accepted": "✓ Cơ quan thuế đã tiếp nhận",
               "rejected": "✗ Bị từ chối"}


def sending_text(e: EReceiptLine) -> str:
    """signed → at the hub → sent → accepted / rejected with the reason; the legal deadline while
    not delivered, with a mark (not colour alone) when it is near or passed. Short enough for the
    column at 1366×768; the tooltip has the long words."""
    state = SHORT_STATE.get(e.state, e.state_text) + (f": {e.reason}" if e.state == REJECTED and e.reason else "")
    if e.state in DELIVERED:
        return state
    if e.deadline is None:  # the line is still down: the deadline runs from when it is back
        due = "hạn: 03 ngày làm việc sau khi có mạng lại"
    else:
        due = f"hạn {e.deadline:%H:%M %d/%m/%Y}" + (" — QUÁ HẠN" if e.late else " (sắp hết)" if e.warn else "")
    mark = "" if e.state == REJECTED else "⛔ " if e.late else "⚠ " if e.warn else ""
    return f"{mark}{state} · {due}"


def sending_detail(e: EReceiptLine) -> str:
    """The tooltip: every fact of the delivery, the lookup code and the notices of a wrong receipt."""
    parts = [f"Biên lai điện tử {e.label}", f"Tình trạng gửi: {e.state_text} (lúc {show(e.state_at)})"]
    if e.reason:
        parts.append(f"Lý do cơ quan thuế từ chối: {e.reason}")
    if e.state not in DELIVERED:
        parts.append(f"Hạn gửi cơ quan thuế: {e.deadline_text}")
    parts.append(f"Mã tra cứu: {e.lookup_code}")
    for n in e.notices:
        parts.append(f"Thông báo Mẫu 04/SS-CTĐT ({n.action_text}: {n.cause}) — {n.state_text}"
                     + (f": {n.reason}" if n.reason else ""))
    return "\n".join(parts)


class VoidDialog(SubmitDialog):
    """Asks why a receipt is voided without a replacement (the fee is given back)."""

    def __init__(self, line: ReceiptLine, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Hủy biên lai")
        self.reason = QLineEdit(maxLength=VOID_REASON_MAX)
        form = QFormLayout()
        # Short rows, no wrapping: a wrapped label is cut in a form's row.
        form.addRow("Biên lai", QLabel(f"<b>{escape(label)}</b> ({format_vnd(line.amount)}), người nộp "
                                       f"{escape(line.payer_name)}"))
        form.addRow("", QLabel("Số biên lai được giữ lại, ghi là đã hủy; tiền không còn tính vào ngày."))
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
        self.electronic: dict[str, EReceiptLine] = {}
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
        self.watch = QLabel(wordWrap=True, styleSheet=WARN_STYLE)
        self.watch.setVisible(False)
        self.summary_buttons = {fmt: self._button(text, lambda f=fmt: self.export_summary(f)) for fmt, text in
                                (("xml", "Xuất &XML…"), ("pdf", "Xuất &PDF…"), ("xlsx", "Xuất &Excel…"))}
        refresh = QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.reload)
        refresh.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        top = QHBoxLayout()
        for text, buddy in (("&Ngày", self.day), ("&Cán bộ", self.officer)):
            label = QLabel(text)
            label.setBuddy(buddy)
            top.addWidget(label)
            top.addWidget(buddy)
        top.addStretch(1)
        for button in (self.print_button, self.replace_button, self.void_button):
            top.addWidget(button)
        summary = QHBoxLayout()
        summary.addWidget(QLabel("Bảng tổng hợp dữ liệu biên lai điện tử của ngày (Mẫu 01/TH-BLĐT):"))
        for button in self.summary_buttons.values():
            summary.addWidget(button)
        summary.addStretch(1)
        ranges = QHBoxLayout()
        ranges.addWidget(self.series, 1)
        ranges.addWidget(self.range_button, 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addWidget(self.table, 1)
        column.addWidget(self.message)
        column.addWidget(self.watch)
        column.addWidget(self.totals)
        column.addLayout(summary)
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
        self.runner.run(lambda: load_day(self.desk, day, officer), self._show, lambda e: show_error(self, e))

    def _show(self, loaded: DayView) -> None:
        kept = self.selected()
        self.lines, self.electronic = loaded.lines, loaded.electronic
        self.table.setRowCount(len(self.lines))
        by_id = {line.uid: line for line in self.lines}
        for row, line in enumerate(self.lines):
            e = self.electronic.get(line.uid)
            number = format_e_number(line.number) if e else format_number(line.number)
            values = (line.label, number, show(line.issued_at, "%H:%M"), line.issued_by, line.payer_name,
                      line.fee_name, format_vnd(line.amount), self._state(line, e, by_id),
                      sending_text(e) if e else "— (biên lai giấy)")
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(sending_detail(e) if e and column == SENDING_COLUMN else value)
                if column == 6:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
            if e is not None:
                self._colour(self.table.item(row, SENDING_COLUMN), e)
        self.fit_columns()
        if kept is not None and kept.uid in by_id:
            self.table.selectRow(self.lines.index(by_id[kept.uid]))
        self._officers()
        totals = day_totals(self.lines)
        parts = [f"{name}: <b>{format_vnd(amount)}</b>" for name, amount in sorted(totals.items())]
        self.totals.setText("Tiền thu trong ngày (nộp quỹ, không tính biên lai đã hủy): " + (", ".join(parts) or "0 đ"))
        self.series.setText(self._ranges_text(loaded.ranges))
        self._watch(loaded.to_watch, loaded.paper_note)

    def fit_columns(self) -> None:
        """Every column at its contents' width; the long names capped so the row fits 1366×768
        (elided, full text in the tooltip), then given back what room is left, fee name first."""
        table = self.table
        table.resizeColumnsToContents()
        wanted = {column: table.columnWidth(column) for column in WIDEST}
        for column, widest in WIDEST.items():
            table.setColumnWidth(column, min(wanted[column], widest))
        last = table.columnCount() - 1
        used = sum(table.columnWidth(c) for c in range(last))
        spare = table.viewport().width() - used - max(table.sizeHintForColumn(last),
                                                      table.horizontalHeader().sectionSizeHint(last))
        for column in (5, 4, 7):
            extra = min(spare, wanted[column] - table.columnWidth(column))
            if extra > 0:
                table.setColumnWidth(column, table.columnWidth(column) + extra)
                spare -= extra

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def showEvent(self, event: QShowEvent) -> None:  # loaded while its tab was hidden: fit now
        super().showEvent(event)
        self.fit_columns()

    @staticmethod
    def _colour(item: QTableWidgetItem, e: EReceiptLine) -> None:
        if e.state == REJECTED:
            item.setBackground(REJECTED_BACK)
        elif e.late:
            item.setBackground(LATE_BACK)
        elif e.warn:
            item.setBackground(WARN_BACK)

    @staticmethod
    def _state(line: ReceiptLine, e: EReceiptLine | None, by_id: dict[str, ReceiptLine]) -> str:
        """Voided with its reason, or issued; an e-receipt's replacement and notices are linked."""
        text = "Đã hủy: " + line.void_reason if line.status == "voided" else "Đã lập"
        if e is None:
            return text
        if e.replaces_uid:
            old = by_id.get(e.replaces_uid)
            text += f", thay thế biên lai số {format_e_number(old.number)}" if old else ", thay thế một biên lai đã hủy"
        if e.notices:
            text += " · đã lập thông báo Mẫu 04/SS-CTĐT"
        return text

    def _watch(self, to_watch: list[EReceiptLine], paper_note: str) -> None:
        """A day before a sending deadline passes, and after: said in words above the totals."""
        lines = []
        if to_watch:
            late = [e for e in to_watch if e.late]
            first = min((e for e in to_watch if e.deadline), key=lambda e: e.deadline or 0, default=None)
            lines.append(
                f"⚠ {len(to_watch)} biên lai điện tử chưa gửi được cơ quan thuế"
                + (f", {len(late)} đã quá hạn gửi" if late else "")
                + (f"; hạn gần nhất {first.deadline:%H:%M} ngày {first.deadline:%d/%m/%Y} ({first.label})"
                   if first and first.deadline else "")
                + ". Hãy kết nối mạng và bấm «Đồng bộ ngay» để gửi.")
        if paper_note:
            lines.append(paper_note)
        self.watch.setText("\n".join(lines))
        self.watch.setVisible(bool(lines))

    @staticmethod
    def _ranges_text(ranges: list[dict[str, Any]]) -> str:
        if not ranges:
            return "Chưa có dải số biên lai nào: bấm «Nhập dải số mới…» và ghi dải số theo thông báo phát hành."
        rows = []
        for r in ranges:
            if r["not_now"] and not r["left"]:
                continue  # used up and no longer in use: nothing left to do with it
            if r["not_now"]:
                note = f" — <i>{escape(r['not_now'])}</i>"
            else:
                note = " — <span style='color:#b00020'>⚠ sắp hết, hãy xin cấp dải mới</span>" if r["low"] else ""
            rows.append(escape(f"Dải {r['kind_words']} {r['template_symbol']} {r['series_symbol']} số {r['span']} "
                               f"({r['source_words']}): còn ") + f"<b>{r['left']}</b> số{note}")
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

    def label_of(self, line: ReceiptLine) -> str:
        return number_label(line, line.uid in self.electronic)

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
            self.open_print(line.uid, line.dossier_uid, f"Biên lai {self.label_of(line)}")

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
    def _allowed(self, *perms: Perm) -> bool:
        """Says at once what the signed-in officer's roles do not allow, before anything is typed."""
        try:
            for perm in perms:
                self.desk.require(perm)
        except DeskError as error:
            self.say(error.message, ok=False)
            return False
        return True

    def void_selected(self, *, replace: bool) -> None:
        needs = (Perm.VOID_RECEIPT, Perm.ISSUE_RECEIPT) if replace else (Perm.VOID_RECEIPT,)
        line = self._choose(issued_only=True)
        if line is None or not self._allowed(*needs):
            return
        if not replace:
            dialog = VoidDialog(line, self.label_of(line), self)
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

        def done(notice_id: str | None) -> None:
            dialog.accept()
            self.say(f"Đã hủy biên lai {self.label_of(line)}; số tiền {format_vnd(line.amount)} không còn tính vào "
                     f"tiền thu trong ngày.{NOTICE_MADE if notice_id else ''}")
            self.reload()

        self.runner.run(lambda: void_receipt(self.desk, line.uid, reason=reason), done, failed)

    def _ask_replacement(self, line: ReceiptLine, new_label: str) -> None:
        title = "Biên lai thay thế" + (" cho hồ sơ của " + line.payer_name if line.dossier_uid else "")
        dialog = ReceiptDialog(Prefill(line.payer_name, line.fee_name, line.amount, title),
                               Replacing(self.label_of(line), line.amount, new_label), self)
        dialog.submitted.connect(lambda: self._replace(line, dialog))
        self._open(dialog)

    def _replace(self, line: ReceiptLine, dialog: ReceiptDialog) -> None:
        values = dialog.values()

        def work() -> Replacement:
            return replace_receipt(self.desk, line.uid, reason=values.reason, payer_name=values.payer_name,
                                   fee_name=values.fee_name, amount=values.amount)

        def done(result: Replacement) -> None:
            dialog.accept()
            self._replaced(line, result)

        self.runner.run(work, done, self._refusal_in(dialog))

    def _refusal_in(self, dialog: Any) -> Callable[[Exception], None]:
        """A form dialog stays open on a refusal, with the message at its field; anything else is an error."""
        def failed(error: Exception) -> None:
            if isinstance(error, DeskError):
                dialog.refused(error.message, error.field or "")
            else:
                dialog.refused("")
                show_error(self, error)
        return failed

    def _replaced(self, line: ReceiptLine, result: Replacement) -> None:
        old, notice, issued = self.label_of(line), NOTICE_MADE if result.notice_id else "", result.issued
        self.reload()
        self.say(f"Đã hủy biên lai {old} → lập biên lai thay thế {issued.label} ({format_vnd(issued.amount)}).{notice}")
        self.open_print(issued.uid, line.dossier_uid, f"Biên lai {issued.label}")

    # -- the day's summary of e-receipts (Mẫu 01/TH-BLĐT) --------------------------------------
    def export_summary(self, fmt: str) -> None:
        day = self.day.date().toPython()
        self.runner.run(lambda: summary_series(self.desk, day), lambda found: self._export(day, fmt, found),
                        lambda e: show_error(self, e))

    def _export(self, day: date, fmt: str, found: list[tuple[str, str]]) -> None:
        """One file per series of the day (usually one), each saved where the official chooses,
        starting in the documents folder."""
        if not found:
            self.say(f"Ngày {day:%d/%m/%Y} không có biên lai điện tử nào: không có bảng tổng hợp để xuất.", ok=False)
            return
        words, pattern = SUMMARY_FORMATS[fmt]
        for _, series in found:
            name = f"Mau01-TH-BLDT_{series}_{day:%Y-%m-%d}.{fmt}"
            target, _ = QFileDialog.getSaveFileName(self, f"Lưu bảng tổng hợp ký hiệu {series} ({words})",
                                                    start_file(name), pattern)
            if target:
                self._write_summary(day, fmt, series, Path(target))

    def _write_summary(self, day: date, fmt: str, series: str, target: Path) -> None:
        def work() -> None:
            target.write_bytes(daily_summary(self.desk, day, series_symbol=series, fmt=fmt))

        self.runner.run(work, lambda _: self.say(f"Đã lưu bảng tổng hợp ký hiệu {series} ngày {day:%d/%m/%Y}: "
                                                 f"{target}"), lambda e: show_error(self, e, "Chưa lưu được"))

    # -- ranges -----------------------------------------------------------------------------
    def enter_range(self) -> None:
        if not self._allowed(Perm.RANGES):
            return
        dialog = RangeDialog(to_local(self.desk.now()).date(), self)
        dialog.submitted.connect(lambda: self._add_range(dialog))
        self._open(dialog)

    def _add_range(self, dialog: RangeDialog) -> None:
        entered: RangeInput = dialog.value()

        def done(_: Any) -> None:
            dialog.accept()
            self.say(f"Đã ghi dải số {entered.series_symbol.strip().upper()} từ số "
                     f"{format_number(entered.first_number)} đến số {format_number(entered.last_number)}.")
            self.reload()

        self.runner.run(lambda: add_range(self.desk, entered), done, self._refusal_in(dialog))

