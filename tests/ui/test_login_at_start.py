"""The real entry point (`python -m app --demo`) opens on the login, which names the demo accounts;
typing one in opens the window as that officer (issue 9). Run in a process of its own: the entry
point installs the application's message handler and runs its event loop."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import sys
    from pathlib import Path
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from app.__main__ import launch
    from app.services.demo import build_demo

    path = Path(sys.argv[1])
    build_demo(path, days=2)
    seen = {}

    def type_login():
        dialog = QApplication.activeModalWidget()
        if dialog is None or not hasattr(dialog, "form"):
            QTimer.singleShot(50, type_login)
            return
        seen["hint"] = dialog.hint.text()
        QTest.keyClicks(dialog.form.username, "hoa.lv")
        QTest.keyClick(dialog.form.username, Qt.Key.Key_Return)
        QTest.keyClicks(dialog.form.password, "truongbp2026")
        QTest.keyClick(dialog.form.password, Qt.Key.Key_Return)
        QTimer.singleShot(100, look)

    def look():
        windows = [w for w in QApplication.topLevelWidgets() if w.isVisible() and hasattr(w, "desk_lock")]
        if not windows:
            QTimer.singleShot(50, look)
            return
        window = windows[0]
        print("officer:", window.desk.officer.full_name, "| label:", window.desk_lock.officer_label.text())
        print("hint has accounts:", all(u in seen["hint"] for u in ("lan.nt", "hoa.lv", "quantri")))
        window.close()
        QApplication.instance().quit()

    QTimer.singleShot(0, type_login)
    sys.exit(launch(path, demo=True))
""")


def test_the_demo_desk_opens_on_the_login(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "MOTCUA_LOG_DIR": str(tmp_path / "logs"),
           "XDG_CONFIG_HOME": str(tmp_path / "config"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "demo.sqlite")], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "officer: Lê Văn Hòa | label: Cán bộ: Lê Văn Hòa (trưởng bộ phận)" in done.stdout
    assert "hint has accounts: True" in done.stdout
