"""The desk's main window: reception, the dossier list and detail, receipts, catalogue and settings,
and a status bar that says plainly which workstation this is and what waits to be synced."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QByteArray, QPoint, QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QMainWindow, QMenu, QMessageBox, QPushButton, QTabWidget

from app.core.errors import DeskError
from app.services.clock import show
from app.services.desk import Desk
from app.services.printing import PAPERS
from app.services.queries import sync_counts
from app.services.reception_flow import Counter
from app.ui.dossier_detail import DossierDetail
from app.ui.dossier_list import DossierListView
from app.ui.dossier_model import DossierTableModel
from app.ui.errors import show_error
from app.ui.paper_jobs import dossier_job, log_book_job, public_list_job, this_month, today
from app.ui.print_dialog import PrintDialog, PrintJob
from app.ui.receipts_view import ReceiptsView
from app.ui.reception_view import ReceptionView
from app.ui.runner import Runner
from app.ui.settings_view import SettingsView
from app.ui.sync_scheduler import SyncScheduler
from app.ui.sync_view import SyncView

STATUS_REFRESH_MS = 30_000
CLOCK_WARNING_S = 300


def sync_line(scheduler: SyncScheduler, counts: dict[str, int], offset_s: float, last_success: str = "") -> str:
    """The truth about sync in one line: a word and a mark for the state, never colour alone."""
    if not scheduler.enrolled:
        return "Chưa đăng ký với hệ thống cấp trên"
    last = scheduler.last
    if scheduler.stopped_reason:
        state = f"⛔ Đã dừng: {scheduler.stopped_reason}"
    elif last is None:
        state = "… Chưa đồng bộ lần nào từ khi mở"
    elif last.online:
        state = "● Trực tuyến"
    else:
        state = "○ Ngoại tuyến (sẽ tự thử lại)"
    parts = [state]
    if last_success:
        parts.append(f"lần cuối {show(datetime.fromisoformat(last_success), '%H:%M %d/%m')}")
    if counts.get("rejected"):
        parts.append(f"⚠ {counts['rejected']} thay đổi bị từ chối (xem thẻ Đồng bộ)")
    if abs(offset_s) > CLOCK_WARNING_S:
        parts.append(f"⚠ Giờ máy lệch {abs(offset_s) / 60:.0f} phút so với hệ thống cấp trên")
    return "  ·  ".join(parts)


class MainWindow(QMainWindow):
    def __init__(self, desk: Desk, runner: Runner | None = None, *, sync_runner: Runner | None = None,
                 autostart_sync: bool = True) -> None:
        super().__init__()
        self.desk = desk
        self.runner = runner or Runner(parent=self)
        # Printing rasterises pages for seconds: its own worker, so the desk's database work never waits.
        self.print_runner = runner or Runner(parent=self)
        # Network rounds get their own pool: a slow line never queues the desk's database work.
        self.scheduler = SyncScheduler(desk, sync_runner or Runner(parent=self), self)
        settings = desk.settings()
        self.setWindowTitle(f"Một cửa – {settings.agency_name} ({settings.agency_id})")
        self.tabs = QTabWidget()
        self.reception = ReceptionView(desk, self.runner)
        self.dossiers = DossierListView(desk, self.runner)
        self.tabs.addTab(self.reception, "Tiếp nhận")
        self.tabs.addTab(self.dossiers, "Hồ sơ")
        self.receipts = ReceiptsView(desk, self.runner)
        self.tabs.addTab(self.receipts, "Biên lai")
        self.settings_view = SettingsView(desk, self.runner)
        self.tabs.addTab(self.settings_view, "Danh mục và cài đặt")
        self.sync_view = SyncView(desk, self.runner, self.scheduler)
        self.tabs.addTab(self.sync_view, "Đồng bộ")
        self.setCentralWidget(self.tabs)
        self.status = QLabel()
        self.sync_status = QLabel()
        self.sync_button = QPushButton("Đồng bộ ngay")
        self.sync_button.clicked.connect(self.scheduler.sync_now)
        self.statusBar().addPermanentWidget(self.status, 1)
        self.statusBar().addPermanentWidget(self.sync_status)
        self.statusBar().addPermanentWidget(self.sync_button)
        self.scheduler.started.connect(lambda: self.sync_status.setText("⟳ Đang đồng bộ…"))
        self.scheduler.finished.connect(lambda _: self.refresh())
        self.reception.received.connect(self._received)
        self.dossiers.opened.connect(self.open_detail)
        table = self.dossiers.table
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(self._paper_menu)
        self._menus()
        self._status_timer = QTimer(self, interval=STATUS_REFRESH_MS, timeout=self.update_status)
        self._status_timer.start()
        self._restore_geometry()
        self.dossiers.reload()
        self.update_status()
        if autostart_sync:
            self.scheduler.start()

    @property
    def model(self) -> DossierTableModel:
        """The dossier list's model (scripts and tests read the list through it)."""
        return self.dossiers.model

    @property
    def search(self) -> QLineEdit:
        return self.dossiers.search

    def refresh(self) -> None:
        self.dossiers.reload()
        self.receipts.reload()
        self.update_status()

    def _menus(self) -> None:
        registers = self.menuBar().addMenu("&Giấy tờ")
        registers.addAction("In sổ theo dõi hồ sơ hôm nay…", lambda: self.open_print(
            lambda: log_book_job(self.desk, *today(self.desk))))
        registers.addAction("In sổ theo dõi hồ sơ tháng này…", lambda: self.open_print(
            lambda: log_book_job(self.desk, *this_month(self.desk))))
        registers.addAction("In danh mục thủ tục niêm yết…", lambda: self.open_print(
            lambda: public_list_job(self.desk)))

    def _received(self, result: Counter) -> None:
        self.scheduler.changed_locally()
        got = result.received
        self.statusBar().showMessage(f"Đã tiếp nhận hồ sơ {got.code}.", 15_000)
        self.refresh()
        if not self.reception.print_now.isChecked():
            return
        def then_receipt(slip: PrintDialog) -> None:
            if result.receipt_uid:
                slip.finished.connect(lambda _: self.open_print(lambda: dossier_job(self.desk, "receipt", got.uid)))

        self.open_print(lambda: dossier_job(self.desk, "slip", got.uid), then_receipt)

    def open_detail(self, uid: str) -> DossierDetail:
        detail = DossierDetail(self.desk, self.runner, uid, self)
        detail.changed.connect(self.refresh)
        detail.changed.connect(self.scheduler.changed_locally)
        detail.print_wanted.connect(lambda kind, dossier: self.open_print(
            lambda: dossier_job(self.desk, kind, dossier)))
        detail.open()
        return detail

    def _paper_menu(self, point: QPoint) -> None:
        table = self.dossiers.table
        index = table.indexAt(point)
        if not index.isValid():
            return
        uid = self.model.row_at(index.row()).uid
        menu = QMenu(self)
        menu.addAction("Mở hồ sơ…", lambda: self.open_detail(uid))
        for kind, paper in PAPERS.items():
            menu.addAction(f"In {paper.label[0].lower()}{paper.label[1:]}…",
                           lambda k=kind: self.open_print(lambda: dossier_job(self.desk, k, uid)))
        menu.popup(table.viewport().mapToGlobal(point))

    def open_print(self, make_job: Callable[[], PrintJob],
                   then: Callable[[PrintDialog], None] | None = None) -> PrintDialog | None:
        """Opens the preview for a paper, or says why that paper cannot be printed yet. The job is
        made on the database worker (it reads the dossier); `then` gets the dialog once it is open.
        Returns the dialog when it opened at once (a synchronous runner), else None."""
        opened: list[PrintDialog] = []

        def show(job: PrintJob) -> None:
            dialog = PrintDialog(job, self.print_runner, parent=self)
            if dialog.failed:
                return
            dialog.finished.connect(lambda _: self.update_status())
            dialog.open()
            opened.append(dialog)
            if then is not None:
                then(dialog)

        def refused(error: Exception) -> None:
            if isinstance(error, DeskError):
                QMessageBox.information(self, "Chưa thể in", error.message)
            else:
                show_error(self, error, "Chưa thể in")

        self.runner.run(make_job, show, refused)
        return opened[0] if opened else None

    def update_status(self) -> None:
        self.runner.run(lambda: sync_counts(self.desk), self._show_status, lambda _: None)

    def _show_status(self, counts: dict[str, int]) -> None:
        settings = self.desk.settings()
        self.status.setText(
            f"{settings.device_name} (máy trạm số {settings.workstation_no})  ·  Tệp dữ liệu: {self.desk.db.path}"
            f"  ·  {counts['pending']} thay đổi chờ đồng bộ lên hệ thống cấp trên"
        )
        self.sync_status.setText(sync_line(self.scheduler, counts, settings.sync_clock_offset_s,
                                           settings.sync_last_success))

    def _restore_geometry(self) -> None:
        settings = QSettings()
        geometry, columns = settings.value("window/geometry"), settings.value("window/dossier_columns")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(columns, QByteArray):
            self.dossiers.table.horizontalHeader().restoreState(columns)
            self.dossiers.keep_column_widths()  # the official's own widths win over automatic sizing

    def closeEvent(self, event: QCloseEvent) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/dossier_columns", self.dossiers.table.horizontalHeader().saveState())
        super().closeEvent(event)
