"""The dossier list: search as you type, filters, pages fetched off the GUI thread as the official
scrolls. With no filter, open dossiers due soon or late come first (the day's priorities)."""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.lifecycle import Status
from app.services.desk import Desk
from app.services.queries import DossierRow, ListFilter, fields, list_page, scanned_code, urgent_dossiers
from app.ui.dossier_model import COL_CODE, COL_OWNER, COL_PROCEDURE, DossierTableModel, TailDelegate, column_widths
from app.ui.errors import show_error
from app.ui.runner import Runner
from app.ui.widgets import keyboard_table, search_leads_to

PAGE = 200
CARD_QR = re.compile(r"^\d{12}\|")
OWNER_MAX_PX = 360
SEARCH_DELAY_MS = 150
DEADLINES = {"Mọi thời hạn": "", "Sắp đến hạn": "due_soon", "Quá hạn": "overdue"}


def searched(text: str) -> str:
    """What the search box looks for: a paper's QR becomes its dossier code, and a chip card's QR its
    12-digit number (the citizen's card scanned at the counter finds all their dossiers)."""
    if CARD_QR.match(text.strip()):
        return text.strip()[:12]
    return scanned_code(text).strip()


class DossierListView(QWidget):
    opened = Signal(str)  # dossier uid

    def __init__(self, desk: Desk, runner: Runner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.runner = desk, runner
        self.model = DossierTableModel()
        self.model.more_wanted = self._fetch_more
        self._generation = 0  # answers to an older reload are dropped
        self._urgent_ids: set[int] = set()
        self._last_id: int | None = None
        self._sized = False
        self._build()
        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS, timeout=self.reload)
        for signal in (self.search.textChanged, self.status.currentIndexChanged, self.field.currentIndexChanged,
                       self.deadline.currentIndexChanged, self.use_dates.toggled, self.date_from.dateChanged,
                       self.date_to.dateChanged, self.workstation.valueChanged):
            signal.connect(self._debounce.start)
        self.runner.run(lambda: fields(self.desk), self._fields_loaded, lambda e: show_error(self, e))

    def _build(self) -> None:
        self.search = QLineEdit(placeholderText="Tìm theo tên (gõ không dấu được), số CCCD, điện thoại, mã hồ sơ…")
        self.search.setClearButtonEnabled(True)
        self.status = QComboBox()
        self.status.addItem("Mọi trạng thái", ())
        self.status.addItem("Đang giải quyết", (2, 4, 5, 6))
        for status in Status:
            self.status.addItem(status.label, (int(status),))
        self.field = QComboBox()
        self.field.addItem("Mọi lĩnh vực", "")
        self.deadline = QComboBox()
        for label, key in DEADLINES.items():
            self.deadline.addItem(label, key)
        self.use_dates = QCheckBox("Nhận từ")
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addMonths(-1), calendarPopup=True, displayFormat="dd/MM/yyyy")
        self.date_to = QDateEdit(today, calendarPopup=True, displayFormat="dd/MM/yyyy")
        self.workstation = QSpinBox(minimum=0, maximum=9, specialValueText="Mọi máy trạm", prefix="Máy trạm ")
        filters = QHBoxLayout()
        for widget in (self.status, self.field, self.deadline, self.use_dates, self.date_from, QLabel("đến"),
                       self.date_to, self.workstation):
            filters.addWidget(widget)
        filters.addStretch(1)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)  # one line per dossier: a name or "Sắp đến hạn" never wraps
        self.table.setItemDelegateForColumn(COL_CODE, TailDelegate(self.table))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_PROCEDURE, QHeaderView.ResizeMode.Stretch)
        for column, width in column_widths(self.table.fontMetrics()).items():
            header.resizeSection(column, width)
        keyboard_table(self.table)
        # `activated` is Enter and a double-click both: listening to doubleClicked too opened a dossier twice.
        self.table.activated.connect(lambda index: self.opened.emit(self.model.row_at(index.row()).uid))
        search_leads_to(self.search, self.table)
        self.count_label = QLabel()
        column = QVBoxLayout(self)
        column.addWidget(self.search)
        column.addLayout(filters)
        column.addWidget(self.count_label)
        column.addWidget(self.table, 1)

    def _fields_loaded(self, names: list[str]) -> None:
        for name in names:
            self.field.addItem(name, name)

    def current_filter(self) -> ListFilter:
        def day(edit: QDateEdit) -> date:
            return edit.date().toPython()

        return ListFilter(
            query=searched(self.search.text()), statuses=tuple(self.status.currentData() or ()),
            field=self.field.currentData() or "", deadline=self.deadline.currentData() or "",
            received_from=day(self.date_from) if self.use_dates.isChecked() else None,
            received_to=day(self.date_to) if self.use_dates.isChecked() else None,
            workstation=self.workstation.value(),
        )

    def reload(self) -> None:
        flt = self.current_filter()
        self._generation += 1
        generation = self._generation

        def load() -> tuple[list[DossierRow], list[DossierRow]]:
            urgent = urgent_dossiers(self.desk) if flt.is_default else []
            return urgent, list_page(self.desk, flt, limit=PAGE)

        self.runner.run(load, lambda rows: self._loaded(generation, flt, *rows), lambda e: show_error(self, e))

    def _loaded(self, generation: int, flt: ListFilter, urgent: list[DossierRow], page: list[DossierRow]) -> None:
        if generation != self._generation:
            return
        self._urgent_ids = {row.id for row in urgent}
        self._last_id = page[-1].id if page else None
        rest = [row for row in page if row.id not in self._urgent_ids]
        self.model.set_rows(urgent + rest, has_more=len(page) == PAGE)
        if flt.is_default and urgent:
            self.count_label.setText(f"{len(urgent)} hồ sơ sắp đến hạn hoặc quá hạn ở đầu danh sách; "
                                     "sau đó là các hồ sơ mới nhất")
        elif flt.is_default:
            self.count_label.setText("Hồ sơ mới nhất ở trên")
        else:
            more = "+" if len(page) == PAGE else ""
            self.count_label.setText(f"{len(page)}{more} hồ sơ khớp điều kiện lọc")
        if not self._sized and page:  # measuring every row on each keystroke costs more than the query
            # Measured from the names themselves: Qt's own sizing reads only the rows on screen, none
            # while the list's tab is hidden. Capped: a 100-character name shows its start and a tooltip.
            metrics = self.table.fontMetrics()
            widest = max(metrics.horizontalAdvance(row.owner_name) for row in urgent + page)
            self.table.horizontalHeader().resizeSection(COL_OWNER, min(OWNER_MAX_PX, widest + 16))
            self._sized = True

    def _fetch_more(self) -> None:
        flt, generation, before = self.current_filter(), self._generation, self._last_id

        def more(rows: list[DossierRow]) -> None:
            if generation != self._generation:
                return
            self._last_id = rows[-1].id if rows else self._last_id
            fresh = [row for row in rows if row.id not in self._urgent_ids]
            self.model.append_rows(fresh, has_more=len(rows) == PAGE)

        self.runner.run(lambda: list_page(self.desk, flt, before_id=before, limit=PAGE), more,
                        lambda e: show_error(self, e))

    def keep_column_widths(self) -> None:
        self._sized = True

    def selected_uid(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()).uid if rows else None
