"""The desk's main window (minimal until the window issue): search, the dossier list, status bar."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QHeaderView, QLabel, QLineEdit, QMainWindow, QTableView, QVBoxLayout, QWidget

from app.services.desk import Desk
from app.services.queries import count_dossiers, search_dossiers, sync_counts
from app.ui.dossier_model import COL_OWNER, COL_PROCEDURE, DossierTableModel

SEARCH_DELAY_MS = 150
PAGE = 200


class MainWindow(QMainWindow):
    def __init__(self, desk: Desk) -> None:
        super().__init__()
        self.desk = desk
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
        self.refresh()

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
