"""Screenshots for docs/: the dossier list and the print preview, on the demo commune.

Usage: xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/screenshots.py
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.paths import demo_db  # noqa: E402
from app.services.demo import build_demo  # noqa: E402
from app.services.desk import Desk  # noqa: E402
from app.store.engine import open_database  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402
from app.ui.paper_jobs import dossier_job  # noqa: E402

DOCS = ROOT / "docs"


def main() -> None:
    if not demo_db().exists():
        build_demo(demo_db())
    app = QApplication(sys.argv[:1])
    app.setOrganizationName("MotCua")
    window = MainWindow(Desk(open_database(demo_db()), actor="Nguyễn Thị Lan"))
    window.resize(1366, 740)
    window.show()

    def shoot_list() -> None:
        window.grab().save(str(DOCS / "desk-list.png"))
        dialog = window.open_print(lambda: dossier_job(window.desk, "slip", window.model.row_at(0).uid))
        dialog.resize(1300, 720)
        QTimer.singleShot(600, lambda: (dialog.grab().save(str(DOCS / "print-preview.png")), app.quit()))

    QTimer.singleShot(400, shoot_list)
    app.exec()


if __name__ == "__main__":
    main()
