"""Reports: pick a period (a preset — this month, last quarter, the 15th-to-14th reporting month… — or
any two dates), then read Biểu II.06a by lĩnh vực, the QĐ 766 indicators, the fees collected, the
satisfaction counts and the late dossiers, each as a table with a chart; export Biểu II.06a or the
766 report to Excel or PDF. Everything is read on the database worker (app.services.reports)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.money import format_vnd
from app.core.permissions import PermissionDenied
from app.core.reporting import II06A_COLUMNS, Period, half_year, month, quarter, reporting_month, year
from app.services.clock import show, to_local
from app.services.desk import Desk
from app.services.reports import FullReport, export, full_report
from app.ui.bar_chart import BarChart, Series
from app.ui.errors import show_error
from app.ui.folders import start_file
from app.ui.runner import Runner
from app.ui.widgets import fit_columns, keyboard_table

II06A_HEADERS = ["Lĩnh vực", "Tiếp nhận (3)", "Trực tuyến (4)", "Trực tiếp, bưu chính (5)", "Kỳ trước (6)",
                 "Đã giải quyết (7)", "Trước hạn (8)", "Đúng hạn (9)", "Quá hạn (10)", "Đang giải quyết (11)",
                 "Trong hạn (12)", "Quá hạn (13)"]
IND_HEADERS = ["Mã", "Chỉ số", "Tử số", "Mẫu số", "Tỷ lệ", "Ngưỡng", "Điểm tối đa", "Điểm đạt"]
LATE_HEADERS = ["Mã hồ sơ", "Chủ hồ sơ", "Thủ tục", "Hẹn trả", "Kết thúc", "Vì sao quá hạn", "Cán bộ tiếp nhận",
                "Cán bộ xử lý"]
FEE_BY = {"fee": "Theo loại phí, lệ phí", "officer": "Theo cán bộ thu", "day": "Theo ngày"}
CUSTOM = "Tùy chọn (chọn ngày)"


def presets(today: date) -> dict[str, Period]:
    """The periods an official picks most, relative to today."""
    q = (today.month - 1) // 3 + 1
    last_month = today.replace(day=1) - timedelta(days=1)
    last_quarter = (today.year, q - 1) if q > 1 else (today.year - 1, 4)
    ky = reporting_month(today.year, today.month) if today.day <= 14 else reporting_month(
        *(today.year + today.month // 12, today.month % 12 + 1))
    return {
        "Quý này": quarter(today.year, q), "Quý trước": quarter(*last_quarter),
        "Tháng này": month(today.year, today.month), "Tháng trước": month(last_month.year, last_month.month),
        "Kỳ báo cáo tháng (15 tháng trước – 14 tháng này)": ky,
        "Sáu tháng đầu năm": half_year(today.year, 1), "Sáu tháng cuối năm": half_year(today.year, 2),
        "Năm nay": year(today.year), "Năm trước": year(today.year - 1),
    }


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}".replace(".", ",") + "%"


def decimal(value: float | None) -> str:
    if value is None:
        return "—"
    text = f"{value:.2f}".replace(".", ",")
    return text.rstrip("0").rstrip(",")


def _item(value: object, *, number: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(str(value))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if number:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _fill(table: QTableWidget, rows: list[list[str]], numbers: set[int], bold_last: bool = False) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = _item(value, number=c in numbers)
            if bold_last and r == len(rows) - 1:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            table.setItem(r, c, item)
    table.resizeRowsToContents()


def _table(headers: list[str], stretch: tuple[int, ...]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    keyboard_table(table)
    fit_columns(table, stretch=stretch)
    return table


def _pane(table: QTableWidget, chart: BarChart) -> QSplitter:
    split = QSplitter(Qt.Orientation.Vertical)
    split.addWidget(table)
    split.addWidget(chart)
    split.setSizes([260, 260])
    return split


class ReportsView(QWidget):
    def __init__(self, desk: Desk, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.runner = desk, runner
        self.current: FullReport | None = None
        self._loading = False
        self.preset = QComboBox()
        self.first, self.last = QDateEdit(), QDateEdit()
        for edit in (self.first, self.last):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
        self.show_button = QPushButton("&Xem báo cáo")
        self.show_button.setDefault(True)
        self.show_button.clicked.connect(self.reload)
        self.exports = {
            ("ii06a", "xlsx"): QPushButton("II.06a ra &Excel"), ("ii06a", "pdf"): QPushButton("II.06a ra &PDF"),
            ("766", "xlsx"): QPushButton("Chỉ số 766 ra Exce&l"), ("766", "pdf"): QPushButton("Chỉ số 766 ra P&DF"),
        }
        for (what, fmt), button in self.exports.items():
            button.clicked.connect(lambda _=False, w=what, f=fmt: self.export(w, f))
        self.note = QLabel()
        self.note.setWordWrap(True)
        self._build()
        self._presets()

    # -- layout -------------------------------------------------------------------------------
    def _build(self) -> None:
        top = QHBoxLayout()
        label = QLabel("&Kỳ báo cáo:")
        label.setBuddy(self.preset)
        from_label, to_label = QLabel("&Từ ngày"), QLabel("Đến ngà&y")
        from_label.setBuddy(self.first)
        to_label.setBuddy(self.last)
        for widget in (label, self.preset, from_label, self.first, to_label, self.last, self.show_button):
            top.addWidget(widget)
        top.addStretch(1)
        for button in self.exports.values():
            top.addWidget(button)
        self.ii06a_table = _table(II06A_HEADERS, (0,))
        self.ii06a_chart = BarChart("Hồ sơ theo lĩnh vực")
        self.ind_table = _table(IND_HEADERS, (1,))
        self.ind_chart = BarChart("Tỷ lệ đạt so với ngưỡng (%)")
        self.fee_by = QComboBox()
        for key, text in FEE_BY.items():
            self.fee_by.addItem(text, key)
        self.fee_by.currentIndexChanged.connect(lambda _: self._show_fees())
        self.fee_table = _table(["Nội dung", "Số biên lai", "Số tiền"], (0,))
        self.fee_chart = BarChart("Số tiền đã thu (nghìn đồng)")
        self.rating_table = _table(["Mức đánh giá", "Số hồ sơ"], (0,))
        self.rating_chart = BarChart("Mức độ hài lòng (hồ sơ đã trả kết quả trong kỳ)")
        self.late_table = _table(LATE_HEADERS, (1, 2, 5))
        self.sections = QTabWidget()
        self.sections.addTab(_pane(self.ii06a_table, self.ii06a_chart), "Biểu II.06a")
        self.sections.addTab(_pane(self.ind_table, self.ind_chart), "Chỉ số 766")
        fees = QWidget()
        fee_box = QVBoxLayout(fees)
        fee_line = QHBoxLayout()
        fee_label = QLabel("&Nhóm theo:")
        fee_label.setBuddy(self.fee_by)
        fee_line.addWidget(fee_label)
        fee_line.addWidget(self.fee_by)
        fee_line.addStretch(1)
        fee_box.addLayout(fee_line)
        fee_box.addWidget(_pane(self.fee_table, self.fee_chart))
        self.sections.addTab(fees, "Phí, lệ phí")
        self.sections.addTab(_pane(self.rating_table, self.rating_chart), "Mức độ hài lòng")
        self.sections.addTab(self.late_table, "Hồ sơ quá hạn")
        box = QVBoxLayout(self)
        box.addLayout(top)
        box.addWidget(self.sections, 1)
        box.addWidget(self.note)

    def _presets(self) -> None:
        self._periods = presets(to_local(self.desk.now()).date())
        for name in self._periods:
            self.preset.addItem(name)
        self.preset.addItem(CUSTOM)
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self._preset_chosen(0)
        for edit in (self.first, self.last):
            edit.dateChanged.connect(self._dates_edited)

    def _preset_chosen(self, index: int) -> None:
        """A preset shows its report at once; typed dates wait for «Xem báo cáo» (or Enter)."""
        period = self._periods.get(self.preset.itemText(index))
        if period is None:
            return
        self._setting = True
        self.first.setDate(QDate(period.first))
        self.last.setDate(QDate(period.last))
        self._setting = False
        if self.isVisible():
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.current is None and not self._loading:
            self.reload()  # the first time the screen is opened: the preset's report

    def _dates_edited(self) -> None:
        if not getattr(self, "_setting", False):
            self.preset.blockSignals(True)
            self.preset.setCurrentText(CUSTOM)
            self.preset.blockSignals(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter after typing a date shows the report (a date box passes Enter on to its screen)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.reload()
            return
        super().keyPressEvent(event)

    # -- reading ------------------------------------------------------------------------------
    def period(self) -> Period:
        return Period(self.first.date().toPython(), self.last.date().toPython())

    def reload(self) -> None:
        try:
            period = self.period()
        except ValueError as error:
            self.note.setText(str(error))
            return
        self.note.setText("Đang tính…")
        self._loading = True
        self.runner.run(lambda: full_report(self.desk, period), self._show, self._failed)

    def _failed(self, error: Exception) -> None:
        self._loading = False
        if isinstance(error, PermissionDenied):  # said on the screen itself, not in a box at every visit
            self.note.setText(error.message)
            return
        self.note.setText("")
        show_error(self, error)

    def _show(self, full: FullReport) -> None:
        self._loading = False
        self.current = full
        self._show_ii06a(full)
        self._show_indicators(full)
        self._show_fees()
        self._show_ratings(full)
        self._show_late(full)
        total = full.report.total
        self.note.setText(f"{full.period.label}: tiếp nhận {total['received_total']} hồ sơ (kỳ trước chuyển sang "
                          f"{total['carried_over']}), đã giải quyết {total['resolved_total']} (quá hạn "
                          f"{total['resolved_late']}), đang giải quyết {total['pending_total']} (quá hạn "
                          f"{total['pending_overdue']}).")

    def _show_ii06a(self, full: FullReport) -> None:
        rows = [[name, *(str(cols[k]) for k in II06A_COLUMNS)] for name, cols in sorted(full.report.rows.items())]
        rows.append(["Tổng cộng", *(str(full.report.total[k]) for k in II06A_COLUMNS)])
        _fill(self.ii06a_table, rows, set(range(1, len(II06A_HEADERS))), bold_last=True)
        names = sorted(full.report.rows)
        pick = (("Tiếp nhận", "received_total"), ("Đã giải quyết", "resolved_total"), ("Quá hạn", "late"))
        self.ii06a_chart.set_data(names, [Series(label, tuple(
            float(full.report.rows[n]["resolved_late"] + full.report.rows[n]["pending_overdue"]) if key == "late"
            else float(full.report.rows[n][key]) for n in names)) for label, key in pick])

    def _show_indicators(self, full: FullReport) -> None:
        rows = []
        for i in full.indicators:
            rate = f"{decimal(i.rate)} ngày" if i.code == "2.2" and i.rate is not None else percent(i.rate)
            rows.append([i.code, i.name, decimal(i.numerator), str(i.denominator), rate, percent(i.threshold),
                         decimal(i.max_points), decimal(i.points)])
        scored = [i for i in full.indicators if i.points is not None]
        rows.append(["", "Tổng điểm các chỉ số tính được", "", "", "", "",
                     decimal(sum(i.max_points or 0 for i in scored)), decimal(sum(i.points or 0 for i in scored))])
        _fill(self.ind_table, rows, {2, 3, 4, 5, 6, 7}, bold_last=True)
        shares = [i for i in full.indicators if i.code != "2.2"]
        self.ind_chart.set_data([i.code for i in shares], [
            Series("Tỷ lệ đạt", tuple(100 * (i.rate or 0) for i in shares)),
            Series("Ngưỡng", tuple(100 * (i.threshold or 0) for i in shares))], label=lambda v: f"{v:.0f}")

    def _show_fees(self) -> None:
        if self.current is None:
            return
        by = self.fee_by.currentData() or "fee"
        lines = self.current.fees_by.get(by, [])
        rows = [[_fee_label(by, f.key), str(f.receipts), format_vnd(f.amount)] for f in lines]
        rows.append(["Tổng cộng", str(sum(f.receipts for f in lines)), format_vnd(sum(f.amount for f in lines))])
        _fill(self.fee_table, rows, {1, 2}, bold_last=True)
        self.fee_chart.set_data([_fee_label(by, f.key) for f in lines],
                                [Series("Số tiền (nghìn đồng)", tuple(f.amount / 1000 for f in lines))],
                                label=lambda v: f"{v:,.0f}".replace(",", "."))

    def _show_ratings(self, full: FullReport) -> None:
        items = list(full.satisfaction.items())
        _fill(self.rating_table, [[k, str(v)] for k, v in items] + [["Tổng cộng", str(sum(v for _, v in items))]],
              {1}, bold_last=True)
        self.rating_chart.set_data([k for k, _ in items], [Series("Số hồ sơ", tuple(float(v) for _, v in items))])

    def _show_late(self, full: FullReport) -> None:
        rows = [[d.code, d.owner_name, d.procedure_name, show(d.due_at), show(d.ended_at) or "Đang giải quyết",
                 d.why, d.received_by, d.ended_by] for d in full.late]
        _fill(self.late_table, rows, set())
        self.sections.setTabText(4, f"Hồ sơ quá hạn ({len(rows)})")

    # -- exporting ----------------------------------------------------------------------------
    def export(self, what: str, fmt: str) -> None:
        try:
            period = self.period()
        except ValueError as error:
            self.note.setText(str(error))
            return
        name = f"{'bieu-II06a' if what == 'ii06a' else 'chi-so-766'}_{period.first:%Y%m%d}-{period.last:%Y%m%d}.{fmt}"
        pattern = "Bảng tính Excel (*.xlsx)" if fmt == "xlsx" else "Tệp PDF (*.pdf)"
        target, _ = QFileDialog.getSaveFileName(self, "Lưu báo cáo", start_file(name), pattern)
        if target:
            self.write(what, fmt, period, Path(target))

    def write(self, what: str, fmt: str, period: Period, target: Path,
              done: Callable[[Path], None] | None = None) -> None:
        def work() -> Path:
            target.write_bytes(export(self.desk, period, what, fmt))  # type: ignore[arg-type]
            return target

        def saved(path: Path) -> None:
            self.note.setText(f"Đã lưu {path}")
            if done:
                done(path)

        self.runner.run(work, saved, lambda e: show_error(self, e, "Chưa lưu được"))


def _fee_label(by: str, key: str) -> str:
    if by == "day":
        try:
            return f"{date.fromisoformat(key):%d/%m/%Y}"
        except ValueError:
            return key
    return key or "(không ghi)"
