"""Starting the Qt application around a desk."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

from PySide6.QtCore import QMessageLogContext, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

from app import logs
from app.core.errors import DeskError
from app.services.desk import Desk
from app.ui.errors import show_error
from app.ui.main_window import MainWindow
from app.ui.translation import install_vietnamese

WINDOW_SIZE = (1366, 740)


def ensure_app() -> QApplication:
    """The QApplication, made if needed (scripts and benchmarks that drive widgets)."""
    existing = QApplication.instance()
    return existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])


def tell(message: str) -> None:
    """A message box before any window exists (e.g. the file is already open elsewhere)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    install_vietnamese(app)  # its button says "Đồng ý", not "OK"
    QMessageBox.warning(None, "Một cửa", message)
    app.processEvents()


_QT_LEVELS = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}


def _qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Qt's own warnings go to the log file, not to a console the official never sees."""
    logging.getLogger("qt").log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)


_ORPHAN_DIALOGS: set[QMessageBox] = set()  # dialogs with no window to own them, kept alive until closed


def _tell_unexpected(error: BaseException, error_id: str) -> None:
    """An error no slot caught: already logged under its id; the official sees the plain dialog."""
    if threading.current_thread() is not threading.main_thread() or QApplication.instance() is None:
        return
    parent = QApplication.activeWindow()
    box = show_error(parent, error)
    if parent is None:
        _ORPHAN_DIALOGS.add(box)
        box.finished.connect(lambda _: _ORPHAN_DIALOGS.discard(box))


def install_reporting() -> None:
    """Route Qt's messages and uncaught errors of the window to the log (set up by app.logs)."""
    qInstallMessageHandler(_qt_message)
    logs.set_reporter(_tell_unexpected)


def run(desk: Desk, *, screenshot: Path | None = None, probe: bool = False, demo: bool = False) -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("MotCua")
    app.setApplicationName("Một cửa")
    logs.configure()  # no-op when the entry point already did it
    install_reporting()
    install_vietnamese(app)
    try:
        desk.load()  # the settings and calendar snapshot, once, before any widget reads it
    except DeskError as error:  # e.g. stored working hours that make no calendar: say so, open nothing
        tell(error.message)
        return 2
    # A new commune is led step by step first (not when a script asked for a screenshot or a probe:
    # nobody is there to answer the wizard, and the wizard's module is not even loaded).
    if screenshot is None and not probe:
        from app.ui.first_run import needs_first_run, run_first_run

        if needs_first_run(desk) and not run_first_run(desk):
            return 0
    from app.ui.login import sign_in_at_start

    desk.trusted = False  # issue 9: from here on every act is an officer's, checked against their roles
    # The wizard signed its administrator in; a probe or a screenshot opens, acts on nothing, and quits.
    if desk.officer is None and not (probe or screenshot) and not sign_in_at_start(desk, demo=demo):
        return 0
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
