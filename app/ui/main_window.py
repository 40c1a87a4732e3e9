"""The desk's main window (minimal until the window issue): search, the dossier list, status bar."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.errors import DeskError
from app.services.desk import Desk
from app.services.printing import PAPERS
from app.services.queries import count_dossiers, search_dossiers, sync_counts
from app.ui.dossier_model import COL_OWNER, COL_PROCEDURE, DossierTableModel
from app.ui.paper_jobs import dossier_job, log_book_job, public_list_job, this_month
from app.ui.print_dialog import PrintDialog, PrintJob
from app.ui.runner import Runner

SEARCH_DELAY_MS = 150
PAGE = 200


class MainWindow(QMainWindow):
    def __init__(self, desk: Desk, runner: Runner | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.runner = runner or Runner(parent=self)
        settings = desk.settings()
        self.setWindowTitle(f"Một cửa – {settings.commune_name} ({settings.agency_id})")
        self.search = QLineEdit(placeholderText="Tìm theo tên (gõ không dấu được), số CCCD, điện thoại, mã hồ sơ…")
        self.search.setClearButtonEnabled(True)
        self.model = DossierTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_PROCEDURE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_OWNER, QHeaderView.ResizeMode.Interactive)
        self.count_label = QLabel()
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self.search)
        layout.addWidget(self.count_label)
        layout.addWidget(self.table)
        self.setCentralWidget(body)
        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS, timeout=self.refresh)
        self.search.textChanged.connect(self._debounce.start)
        self.status = QLabel()
        self.statusBar().addPermanentWidget(self.status, 1)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._paper_menu)
        registers = self.menuBar().addMenu("&Giấy tờ")
        registers.addAction("In sổ theo dõi hồ sơ tháng này…", lambda: self.open_print(
            lambda: log_book_job(self.desk, *this_month(self.desk))))
        registers.addAction("In danh mục thủ tục niêm yết…", lambda: self.open_print(
            lambda: public_list_job(self.desk)))
        self.refresh()

    def _paper_menu(self, point: QPoint) -> None:
        index = self.table.indexAt(point)
        if not index.isValid():
            return
        uid = self.model.row_at(index.row()).uid
        menu = QMenu(self)
        for kind, paper in PAPERS.items():
            menu.addAction(f"In {paper.label[0].lower()}{paper.label[1:]}…",
                           lambda k=kind: self.open_print(lambda: dossier_job(self.desk, k, uid)))
        menu.popup(self.table.viewport().mapToGlobal(point))

    def open_print(self, make_job: Callable[[], PrintJob]) -> PrintDialog | None:
        """Opens the preview for a paper, or says why that paper cannot be printed yet."""
        try:
            job = make_job()
            dialog = PrintDialog(job, self.runner, parent=self)
        except DeskError as error:
            QMessageBox.information(self, "Chưa thể in", error.message)
            return None
        dialog.finished.connect(lambda _: self._update_status())
        dialog.open()
        return dialog

    def refresh(self) -> None:
        query = self.search.text()
        rows = search_dossiers(self.desk, query, limit=PAGE)
        self.model.set_rows(rows)
        self.table.resizeColumnToContents(COL_OWNER)
        total = count_dossiers(self.desk)
        self.count_label.setText(
            f"{len(rows)} hồ sơ khớp «{query}»" if query.strip() else f"{total} hồ sơ, mới nhất ở trên"
        )
        self._update_status()

    def _update_status(self) -> None:
        settings = self.desk.settings()
        pending = sync_counts(self.desk)["pending"]
        self.status.setText(
            f"{settings.device_name} (máy trạm số {settings.workstation_no})  ·  Tệp dữ liệu: {self.desk.db.path}"
            f"  ·  {pending} thay đổi chờ đồng bộ lên hệ thống cấp trên"
        )
