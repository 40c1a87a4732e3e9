"""Screenshots of the desk's screens for docs/, taken on the demo commune under Xvfb."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from app.paths import demo_db
from app.services.demo import build_demo
from app.services.desk import Desk
from app.store.engine import open_database
from app.ui.main_window import MainWindow
from app.ui.paper_jobs import dossier_job
from app.ui.print_dialog import PrintDialog
from app.ui.translation import install_vietnamese

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _enroll_for_docs(desk: Desk) -> None:
    """Docs only: with SCREENSHOT_HUB and SCREENSHOT_CODE set, enroll this copy with a live hub (the
    calling script provides a keyring: a build machine has none), push a year of the demo's work,
    then make one change that waits for the next round."""
    import os
    import time

    from app.services.reception import ReceptionInput, receive_dossier
    from app.sync.client import SyncClient, enroll

    if not os.environ.get("SCREENSHOT_HUB"):
        return
    enroll(desk, os.environ["SCREENSHOT_HUB"], os.environ["SCREENSHOT_CODE"], "Máy trạm 1")
    began = time.perf_counter()
    result = SyncClient(desk).round()
    print(f"first sync: {result.pushed} ops in {time.perf_counter() - began:.1f} s", flush=True)
    receive_dossier(desk, ReceptionInput("2.000884", "Phạm Thu Trang"))


def main() -> None:
    import os

    path = Path(os.environ.get("SCREENSHOT_DB") or demo_db())
    if not path.exists():
        build_demo(path)
    app = QApplication(sys.argv[:1])
    app.setOrganizationName("MotCua")
    install_vietnamese(app)
    desk = Desk(open_database(path), actor="Nguyễn Thị Lan")
    _enroll_for_docs(desk)
    window = MainWindow(desk)
    window.resize(1366, 740)
    window.show()
    steps = [_reception, _list, _detail, _preview, _receipts, _receipt_replace, _settings, _holidays, _signer, _sync,
             _first_run, _reports]

    def next_step() -> None:
        if not steps:
            app.quit()
            return
        steps.pop(0)(window)
        QTimer.singleShot(3000, next_step)  # a step's own wait (a preview renders) ends before the next

    QTimer.singleShot(500, next_step)
    app.exec()


def _save(widget: object, name: str) -> None:
    widget.grab().save(str(DOCS / name))  # type: ignore[attr-defined]


def _reception(window: MainWindow) -> None:
    view = window.reception
    view.procedure_search.setText("chung thuc ban sao")
    view.scan.setText("038190001234|123456789|Lê Thị Hồng|12031990|Nữ|Thôn Đông, xã Quảng Phú|01072022")
    view.apply_scan()
    view.phone.setText("0912345678")
    view.pages.setValue(5)
    view.copies.setValue(3)
    QTimer.singleShot(300, lambda: _save(window, "desk-reception.png"))


def _list(window: MainWindow) -> None:
    window.tabs.setCurrentWidget(window.dossiers)
    QTimer.singleShot(300, lambda: _save(window, "desk-list.png"))


def _detail(window: MainWindow) -> None:
    detail = window.open_detail(window.model.row_at(0).uid)
    waited = [0]

    def shoot() -> None:  # once its data has come back from the database worker (busy at start-up)
        waited[0] += 1
        if detail.timeline.rowCount() == 0 and waited[0] < 100:
            QTimer.singleShot(200, shoot)
            return
        QTimer.singleShot(300, lambda: (_save(detail, "desk-detail.png"), detail.close()))

    shoot()


def _preview(window: MainWindow) -> None:
    def shoot(dialog: PrintDialog) -> None:
        dialog.resize(1300, 720)
        QTimer.singleShot(2500, lambda: (_save(dialog, "print-preview.png"), dialog.close()))

    window.open_print(lambda: dossier_job(window.desk, "slip", window.model.row_at(0).uid), shoot)


def _receipts(window: MainWindow) -> None:
    window.tabs.setCurrentWidget(window.receipts)
    last = window.receipts
    if last.table.rowCount() == 0:  # a day off today: the demo's last working day has receipts
        last.day.setDate(last.day.date().addDays(-2))
    QTimer.singleShot(300, lambda: _save(window, "desk-receipts.png"))


def _receipt_replace(window: MainWindow) -> None:
    """Void-and-replace: both numbers, the corrected amount typed over the wrong one (not confirmed)."""
    view = window.receipts
    view.table.selectRow(min(1, view.table.rowCount() - 1))
    view.void_selected(replace=True)

    def shoot() -> None:
        dialog = view.dialog
        if dialog is None:  # the next number is read on the database worker
            QTimer.singleShot(200, shoot)
            return
        dialog.reason.setText("Ghi sai số tiền (5 trang thay vì 3 trang)")
        dialog.amount.setText("18.000")
        QTimer.singleShot(300, lambda: (_save(dialog, "desk-receipt-replace.png"), dialog.reject()))

    QTimer.singleShot(300, shoot)


def _settings(window: MainWindow) -> None:
    window.tabs.setCurrentWidget(window.settings_view)
    QTimer.singleShot(300, lambda: _save(window, "desk-settings.png"))


def _holidays(window: MainWindow) -> None:
    window.settings_view.sections.setCurrentIndex(2)
    QTimer.singleShot(300, lambda: _save(window, "desk-holidays.png"))


def _signer(window: MainWindow) -> None:
    window.settings_view.sections.setCurrentWidget(window.settings_view.signer)
    QTimer.singleShot(600, lambda: _save(window, "desk-ereceipt-settings.png"))  # the key opens on the runner


def _first_run(window: MainWindow) -> None:
    """The first run of a new commune, at its first step, on a throw-away file."""
    import tempfile

    from app.ui.first_run import FirstRun

    folder = tempfile.mkdtemp(prefix="motcua-first-run-")
    desk = Desk(open_database(Path(folder) / "moi.sqlite"), actor="Cán bộ một cửa")
    desk.load()
    wizard = FirstRun(desk, parent=window)
    wizard.open()
    wizard.next()
    wizard.commune.agency_id.setText("000.17.22.H56")
    wizard.commune.commune.setText("Xã Quảng Phú")
    QTimer.singleShot(400, lambda: (_save(wizard, "desk-first-run.png"), wizard.reject()))


def _reports(window: MainWindow) -> None:
    """The quarter so far, on the II.06a page with its chart (issue 13)."""
    window.tabs.setCurrentWidget(window.reports)
    QTimer.singleShot(700, lambda: _save(window, "desk-reports.png"))


def _sync(window: MainWindow) -> None:
    window.tabs.setCurrentWidget(window.sync_view)
    window.update_status()
    QTimer.singleShot(400, lambda: _save(window, "desk-sync.png"))
