"""Issue 14: the window opens with reception and the list; the other screens are built the first
time they are shown (by Ctrl+digit or a click) or asked for by name, in their own tab, with their
keys, roles and the idle lock's memory of screens working as if they had been there from the start."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

from app.services.clock import to_local
from app.ui.main_window import ENROLL_FIRST, LATER_SCREENS, MainWindow
from app.ui.receipts_view import ReceiptsView
from app.ui.reports_view import ReportsView
from app.ui.runner import Runner
from app.ui.settings_view import SettingsView
from app.ui.sync_view import SyncView
from tests.ui.test_officers_ui import focused, key, log_in, open_window, staffed  # noqa: F401 (a fixture)

KINDS = {"receipts": ReceiptsView, "settings_view": SettingsView, "sync_view": SyncView, "reports": ReportsView}


def test_each_later_screen_is_built_in_its_own_tab_when_first_shown(qtbot, desk):
    window = MainWindow(desk, Runner(synchronous=True), autostart_sync=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: focused() is window.reception.procedure_search)
    assert [window.built_screen(name) for name in LATER_SCREENS] == [None] * len(LATER_SCREENS)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    for index, name in enumerate(LATER_SCREENS, start=2):
        key(getattr(Qt.Key, f"Key_{index + 1}"), Qt.KeyboardModifier.ControlModifier, window=window)
        screen = window.tabs.currentWidget()
        assert isinstance(screen, KINDS[name]) and screen is getattr(window, name) is window.built_screen(name)
        assert window.tabs.currentIndex() == index and window.tabs.tabToolTip(index) == f"Ctrl+{index + 1}"
        assert focused() is not None and screen.isAncestorOf(focused())  # the keyboard is on the screen
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == titles

    # The sync screen's own button explains enrollment on a desk that has none (as the status bar's does).
    window.sync_view.sync_button.click()
    assert window.enroll_question is not None and window.enroll_question.text() == ENROLL_FIRST
    window.enroll_question.done(QMessageBox.StandardButton.Cancel)


def test_a_screen_asked_for_by_name_is_built_without_leaving_the_current_one(qtbot, desk):
    window = MainWindow(desk, Runner(synchronous=True), autostart_sync=False)
    qtbot.addWidget(window)
    reports = window.reports
    assert window.tabs.currentWidget() is window.reception and window.tabs.indexOf(reports) == 5
    assert window.built_screen("receipts") is None  # the others still wait for their first showing


def test_a_screen_first_opened_during_a_shift_starts_fresh_for_the_next_officer(qtbot, staffed, clock):  # noqa: F811
    window = open_window(qtbot, staffed, "lan.nt")
    lock = window.desk_lock
    today = QDate(to_local(clock()).date())
    assert window.built_screen("receipts") is None

    # Lan opens the receipts screen (built now) and looks at yesterday; she locks.
    key(Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    receipts = window.receipts
    assert receipts.day.date() == today
    receipts.day.setDate(today.addDays(-1))
    key(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert lock.locked

    # Hòa takes over: the receipts screen is as fresh for her as the others.
    log_in(qtbot, "hoa.lv")
    assert staffed.officer.full_name == "Lê Văn Hòa" and receipts.day.date() == today

    # Hòa opens the reports screen for the first time (built now) and locks; Lan returns to her day,
    # and the screen Hòa built is fresh for her too.
    key(Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.reports
    fresh = window.reports.preset.currentIndex()
    window.reports.preset.setCurrentIndex((fresh + 1) % window.reports.preset.count())
    key(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    lock.screen.form.username.selectAll()
    log_in(qtbot, "lan.nt")
    assert staffed.officer.full_name == "Nguyễn Thị Lan"
    assert receipts.day.date() == today.addDays(-1) and window.reports.preset.currentIndex() == fresh


def test_roles_gate_a_screen_built_after_the_login(qtbot, staffed):  # noqa: F811
    window = open_window(qtbot, staffed, "lan.nt")
    assert window.built_screen("sync_view") is None
    assert window.sync_view.enroll_button.isHidden()  # built now: enrolling is the administrator's
    window.close()
    admin = open_window(qtbot, staffed, "quantri")
    QTest.keyClick(admin, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    sections = admin.settings_view.sections
    assert sections.indexOf(admin.officers_view) >= 0  # the accounts page joined the settings when built
    assert not admin.sync_view.enroll_button.isHidden()


def test_refreshing_after_a_reception_leaves_unbuilt_screens_unbuilt(qtbot, desk):
    window = MainWindow(desk, Runner(synchronous=True), autostart_sync=False)
    qtbot.addWidget(window)
    window.refresh()
    assert window.built_screen("receipts") is None
