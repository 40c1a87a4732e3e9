"""Officers at the real window (issue 9), by real key presses offscreen: the login, two officers
sharing one desk across a shift change (idle lock, the other logs in and works, the first returns
to the screens they left), each seeing only what their role allows, and the day's cash per officer."""

from __future__ import annotations

import pytest

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from app.core.permissions import Role
from app.core.receipts import SeriesSpec
from app.services import officers
from app.services.clock import to_local
from app.services.processing import forward
from app.services.queries import search_dossiers
from app.services.receipts import add_series, day_totals, receipts_of_day
from app.services.reception import ReceptionInput, receive_dossier
from app.services.settings import save_settings
from app.ui.login import LoginDialog
from app.ui.main_window import MainWindow
from app.ui.role_gate import visible_screens
from app.ui.runner import Runner

PASSWORDS = {"lan.nt": "tiepnhan-123", "hoa.lv": "truongbp-123", "quantri": "quantri-123"}
NAMES = {"lan.nt": "Nguyễn Thị Lan", "hoa.lv": "Lê Văn Hòa", "quantri": "Phạm Thu Hà"}
ROLES = {"lan.nt": Role.RECEPTION, "hoa.lv": Role.HEAD, "quantri": Role.ADMIN}


@pytest.fixture
def staffed(desk):
    """Three accounts, one per role; a receipt range; from now on nothing is trusted without a login."""
    for username, role in ROLES.items():
        officers.create_officer(desk, username=username, full_name=NAMES[username], roles=[role.value],
                                password=PASSWORDS[username])
    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 100))
    desk.trusted = False
    return desk


def focused():
    return QApplication.focusWidget()


def key(k, modifier=Qt.KeyboardModifier.NoModifier, *, window=None):
    QTest.keyClick(focused() or window or QApplication.activeWindow(), k, modifier)


def types(text: str) -> None:
    """One key event per character with its text, as the keyboard sends Vietnamese (QTest.keyClicks is ASCII)."""
    for char in text:
        QTest.sendKeyEvent(QTest.KeyAction.Click, focused(), Qt.Key.Key_unknown, char, Qt.KeyboardModifier.NoModifier)


def log_in(qtbot, username: str, password: str | None = None) -> None:
    """Type into whatever has the keyboard: the username, Enter, the password, Enter."""
    qtbot.keyClicks(focused(), username)
    key(Qt.Key.Key_Return)
    qtbot.keyClicks(focused(), password or PASSWORDS[username])
    key(Qt.Key.Key_Return)


def open_window(qtbot, desk, username: str) -> MainWindow:
    dialog = LoginDialog(desk, Runner(synchronous=True))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: focused() is dialog.form.username)
    log_in(qtbot, username)
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    window = MainWindow(desk, Runner(synchronous=True), autostart_sync=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: focused() is window.reception.procedure_search or not window.reception.isVisible())
    return window


def test_login_by_keyboard_refuses_a_wrong_password_in_vietnamese(qtbot, staffed):
    dialog = LoginDialog(staffed, Runner(synchronous=True))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: focused() is dialog.form.username)
    qtbot.keyClicks(focused(), "lan.nt")
    key(Qt.Key.Key_Return)
    assert focused() is dialog.form.password and not dialog.form.message.text()  # no attempt spent yet
    key(Qt.Key.Key_Return)
    assert dialog.form.message.text() == "Hãy nhập mật khẩu."
    qtbot.keyClicks(focused(), "sai-mat-khau")
    key(Qt.Key.Key_Return)
    assert dialog.isVisible() and staffed.officer is None
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in dialog.form.message.text()
    assert dialog.form.password.text() == "" and focused() is dialog.form.password
    qtbot.keyClicks(focused(), PASSWORDS["lan.nt"])
    key(Qt.Key.Key_Return)
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    assert staffed.officer.full_name == "Nguyễn Thị Lan" and staffed.actor == "Nguyễn Thị Lan"
    with staffed.read() as connection:  # one wrong password was one attempt, and the good one cleared it
        assert connection.exec_driver_sql("SELECT failed_count FROM officer WHERE username='lan.nt'").scalar() == 0


def test_the_demo_login_names_its_accounts():
    from app.services.demo import DEMO_OFFICERS
    from app.ui.login import demo_hint

    hint = demo_hint()
    assert all(f"{o.username} / {o.password}" in hint for o in DEMO_OFFICERS)
    assert {o.role for o in DEMO_OFFICERS} == set(Role)


@pytest.mark.parametrize(("username", "screens"), [
    ("lan.nt", ["Tiếp nhận", "Hồ sơ", "Biên lai", "Đồng bộ"]),
    ("hoa.lv", ["Tiếp nhận", "Hồ sơ", "Biên lai", "Đồng bộ", "Báo cáo"]),
    ("quantri", ["Hồ sơ", "Biên lai", "Danh mục và cài đặt", "Đồng bộ"]),
])
def test_each_officer_sees_only_what_their_role_allows(qtbot, staffed, username, screens):
    got = receive_dossier(_trusted(staffed), ReceptionInput("2.000815", "Trần Văn Bình", pages=2))
    forward(staffed, got.uid, to_unit="Công chức Tư pháp - Hộ tịch")
    staffed.trusted = False
    window = open_window(qtbot, staffed, username)
    assert visible_screens(window, staffed) == screens
    key(Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier, window=window)  # «Báo cáo»: nothing when hidden
    assert (window.tabs.currentWidget() is window.reports) == ("Báo cáo" in screens)
    assert (not window.sync_view.enroll_button.isHidden()) == (username == "quantri")
    detail = window.open_detail(got.uid)
    qtbot.addWidget(detail)
    shown = {a.value for a in detail.action_buttons}
    head_only = {"rescheduled", "stopped"}
    if username == "hoa.lv":
        assert head_only <= shown and "finished" in shown
    elif username == "lan.nt":
        assert not head_only & shown and "finished" in shown
    else:
        assert not shown  # the administrator configures; he does not process dossiers
    detail.close()
    if username == "quantri":  # the accounts page is the administrator's
        sections = window.settings_view.sections
        assert sections.tabText(sections.indexOf(window.officers_view)) == "Tài khoản cán bộ"
        sections.setCurrentWidget(window.officers_view)
        assert window.officers_view.table.rowCount() == 3


def _trusted(desk):
    desk.trusted = True
    return desk


def test_two_officers_share_one_desk_across_a_shift_change(qtbot, staffed, clock):
    with staffed.write() as connection:  # a short idle time, so the test waits one second, not ten minutes
        save_settings(connection, idle_lock_seconds=1)
    staffed.forget_cached()
    window = open_window(qtbot, staffed, "lan.nt")
    lock = window.desk_lock
    view = window.reception
    view.print_now.setChecked(False)
    assert "Nguyễn Thị Lan" in lock.officer_label.text()

    # Lan starts a reception and leaves it half-typed.
    qtbot.keyClicks(focused(), "chung thuc ban sao")
    key(Qt.Key.Key_Return)
    key(Qt.Key.Key_Tab)
    assert focused() is view.owner_name
    types("Phạm Văn Dũng")
    procedure = view.current_procedure().code

    # Nobody touches the desk: it locks, and no one acts until a login.
    qtbot.waitUntil(lambda: lock.locked, timeout=5000)
    assert lock.screen.isVisible() and staffed.officer is None
    assert focused() is lock.screen.form.username and lock.screen.form.username.selectedText() == "lan.nt"
    key(Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # the window's keys do nothing while locked
    assert window.tabs.currentWidget() is view
    QTest.keyClick(view.owner_name, Qt.Key.Key_X)  # nor does typing into the screens under the lock
    assert view.owner_name.text() == "Phạm Văn Dũng"

    # Hòa takes over: fresh screens, her role's screens, and she receives a dossier.
    log_in(qtbot, "hoa.lv")
    assert not lock.locked and staffed.officer.full_name == "Lê Văn Hòa"
    assert view.owner_name.text() == "" and "Báo cáo" in visible_screens(window, staffed)
    assert "Lê Văn Hòa" in lock.officer_label.text()
    view.print_now.setChecked(False)
    window.tabs.setCurrentWidget(view)
    view.procedure_search.setFocus()
    qtbot.keyClicks(focused(), "chung thuc chu ky")
    key(Qt.Key.Key_Return)
    key(Qt.Key.Key_Tab)
    types("Trần Thị Mai")
    key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    [mai] = search_dossiers(staffed, "tran thi mai")

    # Hòa locks with Ctrl+L; Lan comes back to her half-typed form and finishes it.
    key(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert lock.locked
    lock.screen.form.username.selectAll()
    log_in(qtbot, "lan.nt")
    assert staffed.officer.full_name == "Nguyễn Thị Lan" and "Báo cáo" not in visible_screens(window, staffed)
    assert view.owner_name.text() == "Phạm Văn Dũng" and view.current_procedure().code == procedure
    assert focused() is view.owner_name
    view.print_now.setChecked(False)
    key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    [dung] = search_dossiers(staffed, "pham van dung")

    # Every act recorded its officer, and the day's cash per officer adds up.
    with staffed.read() as connection:
        by = dict(connection.exec_driver_sql("SELECT code, received_by FROM dossier").all())
    assert by[mai.code] == "Lê Văn Hòa" and by[dung.code] == "Nguyễn Thị Lan"
    lines = receipts_of_day(staffed, to_local(clock()).date())
    totals = day_totals(lines)
    assert set(totals) == {"Lê Văn Hòa", "Nguyễn Thị Lan"}
    assert sum(totals.values()) == sum(line.amount for line in lines if line.status == "issued") > 0
    for name, amount in totals.items():
        assert sum(line.amount for line in receipts_of_day(staffed, to_local(clock()).date(), name)) == amount
    window.receipts.reload()
    shown = window.receipts.totals.text()
    assert "Lê Văn Hòa" in shown and "Nguyễn Thị Lan" in shown


def test_an_open_dossier_window_waits_for_its_officer(qtbot, staffed):
    got = receive_dossier(_trusted(staffed), ReceptionInput("2.000815", "Trần Văn Bình", pages=2))
    staffed.trusted = False
    with staffed.write() as connection:
        save_settings(connection, idle_lock_seconds=1)
    staffed.forget_cached()
    window = open_window(qtbot, staffed, "lan.nt")
    detail = window.open_detail(got.uid)
    qtbot.addWidget(detail)
    assert detail.isVisible()
    qtbot.waitUntil(lambda: window.desk_lock.locked, timeout=5000)
    assert not detail.isVisible()  # put away with the lock: nothing of Lan's work shows
    form = window.desk_lock.screen.form
    qtbot.waitUntil(lambda: focused() is form.username)  # the lock screen took the keyboard from the dialog
    log_in(qtbot, "hoa.lv")
    assert not detail.isVisible() and staffed.officer.full_name == "Lê Văn Hòa"
    key(Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier, window=window)
    window.desk_lock.screen.form.username.selectAll()
    log_in(qtbot, "lan.nt")
    assert detail.isVisible() and staffed.officer.full_name == "Nguyễn Thị Lan"


def test_a_file_without_accounts_asks_for_its_first_administrator(qtbot, desk):
    """A commune's file from before accounts existed: the desk does not lock its own people out."""
    from PySide6.QtCore import QTimer

    from app.ui.login import FirstAdminDialog, sign_in_at_start

    desk.trusted = False
    typed = {}

    def type_in() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, FirstAdminDialog):
            QTimer.singleShot(20, type_in)
            return
        for field, text in ((dialog.username, "quantri"), (dialog.full_name, None), (dialog.password, "quantri-123"),
                            (dialog.repeat, "quantri-khac")):
            dialog.activateWindow()
            if text is None:
                for char in "Phạm Thu Hà":
                    QTest.sendKeyEvent(QTest.KeyAction.Click, field, Qt.Key.Key_unknown, char,
                                       Qt.KeyboardModifier.NoModifier)
            else:
                QTest.keyClicks(field, text)
            QTest.keyClick(field, Qt.Key.Key_Return)
        typed["first"] = dialog.message.text()
        QTest.keyClicks(dialog.repeat, "quantri-123")
        QTest.keyClick(dialog.repeat, Qt.Key.Key_Return)

    QTimer.singleShot(0, type_in)
    assert sign_in_at_start(desk)
    assert typed["first"] == "Hai lần nhập mật khẩu không giống nhau."
    assert desk.officer.full_name == "Phạm Thu Hà" and desk.officer.roles == (Role.ADMIN,) and not desk.trusted
