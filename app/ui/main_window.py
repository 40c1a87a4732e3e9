"""The desk's main window: reception, the dossier list and detail, receipts, catalogue and settings,
and a status bar that says plainly which workstation this is and what waits to be synced."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import ModuleType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QPoint, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QWidget,
)

from app.core.errors import DeskError
from app.services.clock import show
from app.services.desk import Desk
from app.services.queries import sync_counts
from app.ui.backup_panel import check_chain_at_start
from app.ui.dossier_list import DossierListView
from app.ui.dossier_model import DossierTableModel
from app.ui.errors import show_error
from app.ui.reception_view import ReceptionView
from app.ui.runner import Runner
from app.ui.sync_scheduler import SyncScheduler
from app.ui.widgets import give_mnemonics, mnemonic_letter

if TYPE_CHECKING:  # the modules of the screens built later, and of papers and dossiers, load at first use
    from app.services.reception_flow import Counter
    from app.ui.dossier_detail import DossierDetail
    from app.ui.print_dialog import PrintDialog, PrintJob
    from app.ui.receipts_view import ReceiptsView
    from app.ui.reports_view import ReportsView
    from app.ui.settings_view import SettingsView
    from app.ui.sync_view import SyncView

ENROLL_FIRST = ("Máy trạm này chưa đăng ký với hệ thống cấp trên nên chưa gửi được gì: hãy xin quản trị cấp trên "
                "một mã đăng ký rồi bấm «Đăng ký máy trạm…»; trong lúc chờ, mọi hồ sơ vẫn được lưu an toàn trên máy.")
STATUS_REFRESH_MS = 30_000
FIRST_SYNC_DELAY_MS = 1_500
CLOCK_WARNING_S = 300
# Issue 14: the window opens with reception and the list; these screens (attribute -> tab title) are
# built the first time they are shown or asked for by name, with their modules.
LATER_SCREENS = {"receipts": "Biên lai", "settings_view": "Danh mục và cài đặt", "sync_view": "Đồng bộ",
                 "reports": "Báo cáo"}


def _papers() -> ModuleType:
    """app.ui.paper_jobs (the papers' print jobs), loaded at the first print, not to open the window."""
    from app.ui import paper_jobs

    return paper_jobs


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
    screen_built = Signal(str)  # the attribute name of a screen just built (see LATER_SCREENS)
    receipts: ReceiptsView
    settings_view: SettingsView
    sync_view: SyncView
    reports: ReportsView

    def __init__(self, desk: Desk, runner: Runner | None = None, *, sync_runner: Runner | None = None,
                 autostart_sync: bool = True) -> None:
        super().__init__()
        self.desk = desk
        self._focused_once = False
        self.enroll_question: QMessageBox | None = None
        self.runner = runner or Runner(parent=self)
        # Printing rasterises pages for seconds: its own worker, so the desk's database work never waits.
        self.print_runner = runner or Runner(parent=self)
        # Network rounds get their own pool: a slow line never queues the desk's database work.
        self.scheduler = SyncScheduler(desk, sync_runner or Runner(parent=self), self)
        settings = desk.settings()
        self.setWindowTitle(f"Một cửa – {settings.agency_name} ({settings.agency_id})")
        self.tabs = QTabWidget()
        self.details: dict[str, DossierDetail] = {}  # one window per dossier
        self.reception = ReceptionView(desk, self.runner)
        self.dossiers = DossierListView(desk, self.runner)
        # Issue 14: the list's first page is the database worker's first job; the other screens' loads
        # queue behind it (their results arrive after the event loop starts, like this one's).
        self.dossiers.reload()
        self.tabs.addTab(self.reception, "Tiếp nhận")
        self.tabs.addTab(self.dossiers, "Hồ sơ")
        self._later: dict[str, QWidget] = {}  # screen attribute -> its empty page until it is built
        for name, title in LATER_SCREENS.items():
            self._later[name] = QWidget()
            self.tabs.addTab(self._later[name], title)
        self.setCentralWidget(self.tabs)
        self.status = QLabel()
        self.sync_status = QLabel()
        # F9 (send/receive in mail programs) rather than an Alt+letter, which the status bar would take from
        # every tab; not F5, which refreshes the receipts screen.
        self.sync_button = QPushButton("Đồng bộ ngay (F9)")
        self.sync_button.clicked.connect(self.sync_now)
        sync_key = QAction("Đồng bộ ngay", self, shortcut=QKeySequence("F9"), triggered=self.sync_now)
        self.addAction(sync_key)  # a window action: a button's own shortcut did not fire from the status bar
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
        self._screen_keys()
        self._mnemonics()
        self.tabs.currentChanged.connect(self._screen_shown)
        self._status_timer = QTimer(self, interval=STATUS_REFRESH_MS, timeout=self.update_status)
        self._status_timer.start()
        self._restore_geometry()
        self.update_status()
        check_chain_at_start(self, desk, self.runner)  # issue 9: a red banner if this desk's records were edited
        from app.ui.lock import install as install_officer_lock

        self.desk_lock = install_officer_lock(self, desk, self.runner)  # issue 9: roles, idle lock, shift change
        if autostart_sync:  # the first round once the window is up: its imports and reads wait for the first page
            QTimer.singleShot(FIRST_SYNC_DELAY_MS, self.scheduler, self.scheduler.start)

    @property
    def model(self) -> DossierTableModel:
        """The dossier list's model (scripts and tests read the list through it)."""
        return self.dossiers.model

    @property
    def search(self) -> QLineEdit:
        return self.dossiers.search

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._focused_once:  # typing the procedure works at once, without a Tab first
            self._focused_once = True
            self.reception.procedure_search.setFocus(Qt.FocusReason.OtherFocusReason)

    def _screen_keys(self) -> None:
        """Ctrl+1…Ctrl+9 switch screens from anywhere in the window; the menu shows the keys."""
        screens = self.menuBar().addMenu("&Màn hình")
        for index in range(min(self.tabs.count(), 9)):
            action = QAction(self.tabs.tabText(index).replace("&", ""), self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _=False, i=index: self.tabs.setCurrentIndex(i))
            screens.addAction(action)
            self.addAction(action)  # works while the menu bar is hidden or another widget has focus
            self.tabs.setTabToolTip(index, f"Ctrl+{index + 1}")

    def _mnemonics(self) -> None:
        """Every button of every screen shows its Alt+letter, unique among what is on screen with it
        (the menu bar's letters, as the window opens, are taken first)."""
        self._menu_letters = {mnemonic_letter(action.text()) for action in self.menuBar().actions()}
        for index in range(self.tabs.count()):
            self._keys_of_page(self.tabs.widget(index))

    def _keys_of_page(self, page: QWidget) -> None:
        taken = self._menu_letters | {mnemonic_letter(label.text()) for label in page.findChildren(QLabel)}
        taken |= {mnemonic_letter(box.text()) for box in page.findChildren(QAbstractButton)}
        give_mnemonics(page.findChildren(QPushButton), taken)
        for view in page.findChildren(QAbstractItemView):  # every table: Tab leaves, arrows move inside
            view.setTabKeyNavigation(False)  # (focus policies stay: headers and popups take no Tab)

    # -- screens built at first use (issue 14) ---------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        """Reached only when `name` is not an attribute yet: a later screen is built when asked for."""
        later = self.__dict__.get("_later", {})
        if name in later:
            return self._build_screen(name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def screen_page(self, name: str) -> QWidget:
        """The page of a screen in the tabs without building it (the roles gate hides tabs by it)."""
        return self._later[name] if name in self._later else getattr(self, name)

    def built_screen(self, name: str) -> QWidget | None:
        """The screen if it has been built, else None (nothing on it to refresh or gate yet)."""
        return None if name in self._later else getattr(self, name, None)

    def _make_receipts(self) -> QWidget:
        from app.ui.receipts_view import ReceiptsView

        return ReceiptsView(self.desk, self.runner)

    def _make_settings_view(self) -> QWidget:
        from app.ui.settings_view import SettingsView

        return SettingsView(self.desk, self.runner)

    def _make_sync_view(self) -> QWidget:
        from app.ui.sync_view import SyncView

        view = SyncView(self.desk, self.runner, self.scheduler)
        # The sync screen's own button too: on an unenrolled desk it must explain, not do nothing.
        view.sync_button.clicked.disconnect()
        view.sync_button.clicked.connect(self.sync_now)
        return view

    def _make_reports(self) -> QWidget:
        from app.ui.reports_view import ReportsView  # issue 13

        return ReportsView(self.desk, self.runner)

    def _build_screen(self, name: str) -> QWidget:
        """Builds a later screen and puts it in its tab in place of the empty page, keeping the tab's
        place, title, key, visibility and which tab is current."""
        placeholder = self._later[name]
        view = getattr(self, f"_make_{name}")()
        index, current = self.tabs.indexOf(placeholder), self.tabs.currentIndex()
        visible = self.tabs.isTabVisible(index)
        blocked = self.tabs.blockSignals(True)  # the same screen stays current: nothing to announce
        try:
            self.tabs.removeTab(index)
            self.tabs.insertTab(index, view, LATER_SCREENS[name])
            self.tabs.setTabToolTip(index, f"Ctrl+{index + 1}")
            self.tabs.setTabVisible(index, visible)
            self.tabs.setCurrentIndex(current)
        finally:
            self.tabs.blockSignals(blocked)
        del self._later[name]
        placeholder.deleteLater()
        setattr(self, name, view)  # an attribute from now on (the idle lock finds its fields by name)
        self._keys_of_page(view)
        self.screen_built.emit(name)
        return view

    def when_built(self, name: str, then: Callable[[QWidget], None]) -> None:
        """`then(screen)` now if the screen exists, else right after it is built."""
        if name not in self._later:
            then(getattr(self, name))
            return

        def built(which: str) -> None:
            if which == name:
                self.screen_built.disconnect(built)
                then(getattr(self, name))

        self.screen_built.connect(built)

    def _screen_shown(self, index: int) -> None:
        """Each screen starts with the keyboard where its work starts (a later screen is built first)."""
        later = next((name for name, page in self._later.items() if page is self.tabs.widget(index)), None)
        if later is not None:
            self._build_screen(later)
        first = {self.reception: self.reception.procedure_search, self.dossiers: self.dossiers.search}
        widget = first.get(self.tabs.widget(index))
        if widget is not None:
            widget.setFocus(Qt.FocusReason.ShortcutFocusReason)
        else:
            self.tabs.widget(index).focusNextChild()

    def sync_now(self) -> None:
        """On an unenrolled desk, say in one sentence what enrollment is, with its button."""
        if self.scheduler.enrolled:
            self.scheduler.sync_now()
            return
        box = QMessageBox(QMessageBox.Icon.Information, "Chưa đăng ký máy trạm", ENROLL_FIRST,
                          QMessageBox.StandardButton.NoButton, self)
        enroll = box.addButton("Đăng &ký máy trạm…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Để &sau", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(enroll)

        def answered() -> None:
            if box.clickedButton() is enroll:
                self.tabs.setCurrentWidget(self.sync_view)
                self.sync_view.open_enroll()

        box.finished.connect(lambda _: answered())
        box.open()
        self.enroll_question = box

    def refresh(self) -> None:
        self.dossiers.reload()
        if self.built_screen("receipts") is not None:  # else it loads when it is built
            self.receipts.reload()
        self.update_status()

    def _menus(self) -> None:
        registers = self.menuBar().addMenu("&Giấy tờ")
        registers.addAction("In sổ theo dõi hồ sơ hôm nay…", lambda: self.open_print(
            lambda: _papers().log_book_job(self.desk, *_papers().today(self.desk))))
        registers.addAction("In sổ theo dõi hồ sơ tháng này…", lambda: self.open_print(
            lambda: _papers().log_book_job(self.desk, *_papers().this_month(self.desk))))
        registers.addAction("In danh mục thủ tục niêm yết…", lambda: self.open_print(
            lambda: _papers().public_list_job(self.desk)))

    def _received(self, result: Counter) -> None:
        from app.ui.feedback import ReceptionBanner, receipt_numbers
        from app.ui.paper_jobs import dossier_job

        self.scheduler.changed_locally()
        got = result.received
        self.statusBar().showMessage(f"Đã tiếp nhận hồ sơ {got.code}.", 15_000)
        self.refresh()
        banner = ReceptionBanner(self.reception, result)
        self.runner.run(lambda: receipt_numbers(self.desk, got.uid), banner.receipts_known, lambda _: None)
        if not self.reception.print_now.isChecked():
            banner.show()
            return

        def slip_done(slip: PrintDialog) -> None:
            def closed(code: int) -> None:
                banner.printed("giấy tiếp nhận", code == QDialog.DialogCode.Accepted)
                if result.receipt_uid:
                    self.open_print(lambda: dossier_job(self.desk, "receipt", got.uid), receipt_done)

            slip.finished.connect(closed)

        def receipt_done(receipt: PrintDialog) -> None:
            receipt.finished.connect(lambda code: banner.printed("biên lai", code == QDialog.DialogCode.Accepted))

        self.open_print(lambda: dossier_job(self.desk, "slip", got.uid), slip_done)

    def open_detail(self, uid: str) -> DossierDetail:
        """One window per dossier: asking again raises the open one."""
        existing = self.details.get(uid)
        if existing is not None:
            existing.show()
            existing.raise_()
            existing.activateWindow()
            return existing
        from app.ui.dossier_detail import DossierDetail
        from app.ui.paper_jobs import dossier_job

        detail = DossierDetail(self.desk, self.runner, uid, self)
        self.details[uid] = detail
        detail.finished.connect(lambda _: self.details.pop(uid, None))
        detail.changed.connect(self.refresh)
        detail.changed.connect(self.scheduler.changed_locally)
        detail.print_wanted.connect(lambda kind, dossier: self.open_print(
            lambda: dossier_job(self.desk, kind, dossier)))
        detail.open()
        detail.activateWindow()  # its first step button has the keyboard
        return detail

    def _paper_menu(self, point: QPoint) -> None:
        table = self.dossiers.table
        index = table.indexAt(point)
        if not index.isValid():
            return
        uid = self.model.row_at(index.row()).uid
        from app.services.printing import PAPERS
        from app.ui.paper_jobs import dossier_job

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
        from app.ui.print_dialog import PrintDialog

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
        # Short enough to share the bar at 1366 px with the sync state, its button and the officer; the
        # database file is one hover away.
        self.status.setText(f"{settings.device_name} (máy trạm số {settings.workstation_no})  ·  "
                            f"{counts['pending']} thay đổi chờ đồng bộ")
        self.status.setToolTip(f"Tệp dữ liệu: {self.desk.db.path}\n{counts['pending']} thay đổi chờ đồng bộ lên hệ "
                               "thống cấp trên")
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
