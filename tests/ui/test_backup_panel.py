"""The settings screen's backup group and the desk's own checks, in a real Qt window offscreen:
the first backup shows the recovery key once, the hourly check makes today's backup only when
none exists, the retention years are saved, and a desk whose records were edited outside the
software opens with a red banner naming the broken record."""

import sqlite3

from PySide6.QtWidgets import QMessageBox

from app.services.backup import backups_in
from app.services.reception import receive_dossier
from app.store.engine import open_database
from app.ui.backup_panel import BackupPanel
from app.ui.main_window import MainWindow
from app.ui.runner import Runner
from app.ui.settings_view import SettingsView
from tests.helpers.data import birth


def test_backup_now_then_the_hourly_check(qtbot, desk, tmp_path):
    panel = BackupPanel(desk, Runner(synchronous=True), timer=False)
    qtbot.addWidget(panel)
    assert "Chưa sao lưu lần nào" in panel.state.text()
    panel.daily_check()  # no key yet: the automatic backup never makes one (its recovery key would go unseen)
    folder = tmp_path / "usb"
    panel.folder.setText(str(folder))
    assert backups_in(folder) == []
    panel.backup_now()
    assert len(panel.last_recovery_key.replace("-", "")) == 52
    boxes = [w for w in panel.findChildren(QMessageBox) if "KHÓA KHÔI PHỤC" in w.text()]
    assert boxes and panel.last_recovery_key in boxes[0].informativeText()
    assert "Đã sao lưu vào" in panel.message.text() and "giờ vừa qua" in panel.state.text()
    panel.daily_check()
    assert len(backups_in(folder)) == 1  # today's exists: nothing new
    backups_in(folder)[0].unlink()
    panel.daily_check()
    assert len(backups_in(folder)) == 1
    panel.years.setValue(10)
    panel.save_years()
    assert desk.settings().retention_years == 10


def test_the_settings_screen_has_the_backup_page(qtbot, desk):
    view = SettingsView(desk, Runner(synchronous=True))
    qtbot.addWidget(view)
    titles = [view.sections.tabText(i) for i in range(view.sections.count())]
    assert "Sao lưu, dữ liệu cá nhân" in titles and isinstance(view.backup, BackupPanel)


def test_an_edited_record_puts_a_banner_on_the_window(qtbot, desk, clock, db_path):
    receive_dossier(desk, birth())
    desk.db.dispose()
    c = sqlite3.connect(db_path)
    c.execute("UPDATE event SET actor = 'Người khác'")
    c.commit()
    c.close()
    desk.db = open_database(db_path)
    win = MainWindow(desk, Runner(synchronous=True), autostart_sync=False)
    qtbot.addWidget(win)
    assert "Chuỗi kiểm toán bị phá vỡ" in win.audit_banner.text() and "người thực hiện" in win.audit_banner.text()


def test_an_intact_desk_has_no_banner(qtbot, desk):
    receive_dossier(desk, birth())
    win = MainWindow(desk, Runner(synchronous=True), autostart_sync=False)
    qtbot.addWidget(win)
    assert not hasattr(win, "audit_banner")


def test_the_start_up_check_runs_on_a_worker_of_its_own(qtbot, desk, db_path, monkeypatch):
    import app.ui.backup_panel as panel_module

    monkeypatch.setattr(panel_module, "CHAIN_CHECK_DELAY_MS", 0)
    receive_dossier(desk, birth())
    desk.db.dispose()
    c = sqlite3.connect(db_path)
    c.execute("UPDATE event SET device_time = '2026-11-01 02:00:00.000000'")  # backdated behind the desk's back
    c.commit()
    c.close()
    desk.db = open_database(db_path)
    win = MainWindow(desk, Runner(), autostart_sync=False)
    qtbot.addWidget(win)
    qtbot.waitUntil(lambda: hasattr(win, "audit_banner"), timeout=20_000)
    assert "Chuỗi kiểm toán bị phá vỡ" in win.audit_banner.text() and "thời điểm" in win.audit_banner.text()
