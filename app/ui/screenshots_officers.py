"""Screenshots of the login, the lock screen and the accounts page for docs/ (issue 9), taken on a
demo commune under Xvfb: `xvfb-run -s "-screen 0 1366x768x24" python -m app.ui.screenshots_officers`.
SCREENSHOT_DB names the demo file (built with 60 days when missing)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from app.services.demo import DEMO_OFFICERS, build_demo
from app.services.desk import Desk
from app.services.officers import login
from app.store.engine import open_database
from app.ui.login import LoginDialog
from app.ui.main_window import MainWindow
from app.ui.runner import Runner
from app.ui.translation import install_vietnamese

DOCS = Path(__file__).resolve().parents[2] / "docs"


def main() -> None:
    path = Path(os.environ.get("SCREENSHOT_DB", "/tmp/motcua-officers-demo.sqlite"))
    if not path.exists():
        build_demo(path, days=60)
    app = QApplication(sys.argv[:1])
    app.setOrganizationName("MotCua")
    app.setQuitOnLastWindowClosed(False)  # the login closes before the window opens
    install_vietnamese(app)
    desk = Desk(open_database(path), actor="")
    desk.load()
    desk.trusted = False
    dialog = LoginDialog(desk, Runner(synchronous=True), demo=True)
    dialog.show()
    steps: list = []

    def shot(widget: QWidget, name: str) -> None:
        widget.grab().save(str(DOCS / name))
        print(f"docs/{name}", flush=True)

    def login_dialog() -> None:
        QTest.keyClicks(dialog.form.username, "lan.nt")
        shot(dialog, "desk-login.png")
        dialog.close()

    state: dict = {}

    def lock_screen() -> None:
        lan = next(o for o in DEMO_OFFICERS if o.username == "lan.nt")
        desk.act_as(login(desk, lan.username, lan.password).officer)
        window = MainWindow(desk, autostart_sync=False)
        window.resize(1366, 740)
        window.show()
        state["window"] = window
        QTest.keyClicks(window.reception.procedure_search, "chung thuc ban sao")
        window.desk_lock.lock()

    def lock_grab() -> None:
        shot(state["window"], "desk-lock.png")
        admin = next(o for o in DEMO_OFFICERS if o.username == "quantri")
        form = state["window"].desk_lock.screen.form
        form.username.setText(admin.username)
        form.password.setText(admin.password)
        form.submit()

    def accounts() -> None:
        window = state["window"]
        window.tabs.setCurrentWidget(window.settings_view)
        window.settings_view.sections.setCurrentWidget(window.officers_view)

    def accounts_grab() -> None:
        shot(state["window"], "desk-accounts.png")
        app.quit()

    steps.extend([login_dialog, lock_screen, lock_grab, accounts, accounts_grab])

    def next_step() -> None:
        window = state.get("window")
        if window is not None and window.desk_lock.locked and steps[0] is accounts:
            QTimer.singleShot(200, next_step)  # the login is checked on the database worker
            return
        steps.pop(0)()
        if steps:
            QTimer.singleShot(1500, next_step)

    QTimer.singleShot(500, next_step)
    app.exec()


if __name__ == "__main__":
    main()
