"""Starting the Qt application around a desk."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.services.desk import Desk
from app.ui.main_window import MainWindow

WINDOW_SIZE = (1366, 740)


def ensure_app() -> QApplication:
    """The QApplication, made if needed (scripts and benchmarks that drive widgets)."""
    existing = QApplication.instance()
    return existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])


def tell(message: str) -> None:
    """A message box before any window exists (e.g. the file is already open elsewhere)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    QMessageBox.warning(None, "Một cửa", message)
    app.processEvents()


def run(desk: Desk, *, screenshot: Path | None = None, probe: bool = False) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("MotCua")
    app.setApplicationName("Một cửa")
    window = MainWindow(desk)
    window.resize(*WINDOW_SIZE)
    window.show()
    if probe:  # for bench/startup.py: interactive = shown, with the first page of the list loaded
        def ready() -> None:
            if window.model.rowCount() or window.dossiers.count_label.text():
                print("ready", flush=True)
                app.quit()
            else:
                QTimer.singleShot(5, ready)

        QTimer.singleShot(0, ready)
    if screenshot is not None:
        def grab() -> None:
            window.grab().save(str(screenshot))
            app.quit()

        QTimer.singleShot(300, grab)
    return app.exec()
