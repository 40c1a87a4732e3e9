"""A whole day at a new commune's desk with the keyboard and a scanner only (issue 11 §1 and §8):
cold start on an empty file and its first run, a reception from a scanned chip card with the slip
and the receipt printed, the dossier found without accents, every step to handed over and rated,
then a wrong receipt voided and replaced with a corrected amount, and a reprint.

Only key events reach the desk: QTest key clicks to the widget that has the keyboard, the scanner's
characters one event each, Alt+letters read off the buttons. No mouse event, no slot or service is
called to make anything happen (services are only read, to check). Two things stand in for the
window manager: `activateWindow()` on a new dialog, as a WM does when it maps one, and closed
previews hand activation back to the window below."""

from datetime import datetime
from pathlib import Path

import pytest

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit, QPushButton, QWidget

from app.core.lifecycle import ACTION_LABELS, Action, Status
from app.services.desk import Desk
from app.services.queries import dossier_detail, search_dossiers
from app.store.engine import open_database
from app.ui.dossier_detail import DossierDetail
from app.ui.first_run import FirstRun
from app.ui.main_window import MainWindow
from app.ui.print_dialog import PrintDialog
from app.ui.runner import Runner
from app.ui.widgets import mnemonic_letter
from tests.forms.pdf_tools import text

pytest.importorskip("app.services.officers")

QR = "038190001234|123456789|Lê Thị Hồng|12031990|Nữ|Thôn Đông, xã Quảng Phú|01072022"
ALT, CTRL = Qt.KeyboardModifier.AltModifier, Qt.KeyboardModifier.ControlModifier


# -- the hands ------------------------------------------------------------------------------
def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard"
    return widget


def press(key, modifier=Qt.KeyboardModifier.NoModifier, times=1):
    for _ in range(times):
        QTest.keyClick(focused(), key, modifier)


def types(text):
    """One key event per character, with its text: how a wedge scanner or a Vietnamese IME types."""
    for char in text:
        QTest.sendKeyEvent(QTest.KeyAction.Click, focused(), Qt.Key.Key_unknown, char, Qt.KeyboardModifier.NoModifier)


def over(text):
    press(Qt.Key.Key_A, CTRL)
    types(text)


def tab_to(widget, limit=60):
    for _ in range(limit):
        if focused() is widget:
            return
        press(Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {widget!r}")


def alt(button: QPushButton):
    """Alt and the letter underlined on the button, as the official reads it."""
    letter = mnemonic_letter(button.text())
    assert letter, button.text()
    press(getattr(Qt.Key, f"Key_{letter.upper()}"), ALT)


def active(qtbot, window: QWidget) -> QWidget:
    qtbot.waitUntil(window.isVisible, timeout=3000)
    window.activateWindow()  # what the window manager does when a window is mapped or uncovered
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    return window


def save_as_pdf(qtbot, folder: Path, name: str, answered: list[Path]):
    """The print preview's «Lưu thành tệp PDF…» opens Qt's file dialog (modal, in its own loop):
    when it shows, type the file's name and Enter."""
    target = folder / name

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(50, answer)
            return
        field = dialog.findChild(QLineEdit, "fileNameEdit")
        if QApplication.activeWindow() is not dialog or QApplication.focusWidget() is not field:
            dialog.activateWindow()
            field.setFocus()  # where Qt's own dialog puts the caret when it opens
            QTimer.singleShot(50, answer)
            return
        over(str(target))
        press(Qt.Key.Key_Return)
        answered.append(target)

    QTimer.singleShot(50, answer)
    return target


def print_preview(qtbot, window, kind, folder, name, answered):
    """The preview opened for `kind`: Enter prints it (to a PDF file here, the desk has no printer).
    Returns the paper as previewed (the printed file holds page images, not text)."""
    qtbot.waitUntil(lambda: any(d.isVisible() and d.job.kind == kind for d in window.findChildren(PrintDialog)),
                    timeout=5000)
    preview = next(d for d in window.findChildren(PrintDialog) if d.isVisible() and d.job.kind == kind)
    active(qtbot, preview)
    qtbot.waitUntil(preview.print_button.isEnabled, timeout=5000)
    target = save_as_pdf(qtbot, folder, name, answered)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not preview.isVisible(), timeout=10000)
    assert target.is_file() and target.stat().st_size > 1000
    return preview.pdf


# -- the day --------------------------------------------------------------------------------
@pytest.fixture
def fresh(tmp_path, clock):
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings"))
    clock.set(datetime(2026, 11, 18, 7, 45))
    database = open_database(tmp_path / "xa-moi.sqlite")
    desk = Desk(database, actor="Cán bộ một cửa", clock=clock)
    desk.load()
    yield desk
    database.dispose()


def first_run(qtbot, desk):
    wizard = FirstRun(desk, printers=[])
    qtbot.addWidget(wizard)
    wizard.open()
    active(qtbot, wizard)
    press(Qt.Key.Key_Return)  # welcome
    types("000.17.22.H56")
    press(Qt.Key.Key_Tab)
    types("Xã Quảng Phú")
    press(Qt.Key.Key_Return)
    press(Qt.Key.Key_Return)  # workstation 1
    types("lan.nt")
    press(Qt.Key.Key_Tab)
    types("Nguyễn Thị Lan")
    press(Qt.Key.Key_Tab, times=2)
    types("mat-khau-9")
    press(Qt.Key.Key_Tab)
    types("mat-khau-9")
    press(Qt.Key.Key_D, ALT)  # a one-officer commune: she is the head of the office too (voids receipts)
    qtbot.waitUntil(wizard.admin.head.isChecked)  # a mnemonic clicks after Qt's short press animation
    press(Qt.Key.Key_Return)
    tab_to(wizard.receipts.template)  # the notice is already the choice; Tab to its fields
    types("01BLP0-001")
    press(Qt.Key.Key_Tab)
    types("AA/26T")
    press(Qt.Key.Key_Tab, times=2)
    over("200")
    press(Qt.Key.Key_Tab)
    types("05/TB-UBND")
    press(Qt.Key.Key_Return)
    press(Qt.Key.Key_Return)  # the printer: none here, PDF files
    press(Qt.Key.Key_Return)  # the summary: start working
    assert wizard.result() == FirstRun.DialogCode.Accepted


def step(qtbot, detail: DossierDetail, action: Action, *typed: str):
    """A lifecycle step from the dossier's window: its Alt+letter, what the step asks, Ctrl+Enter."""
    active(qtbot, detail)
    button = detail.action_buttons[action]
    assert button.text().replace("&", "") == ACTION_LABELS[action]
    alt(button)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() not in (None, detail), timeout=3000)
    dialog = active(qtbot, QApplication.activeModalWidget())
    for value in typed:
        if value:
            types(value)
        press(Qt.Key.Key_Tab)
    press(Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)


def status(desk, uid) -> Status:
    return Status(dossier_detail(desk, uid)["dossier"]["status"])


def test_a_whole_day_with_keys_and_a_scanner_only(qtbot, fresh, clock, tmp_path):
    desk, papers, printed = fresh, tmp_path / "giay-to", []
    papers.mkdir()
    first_run(qtbot, desk)
    window = MainWindow(desk, Runner(synchronous=True), autostart_sync=False)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    active(qtbot, window)
    view = window.reception
    assert focused() is view.procedure_search

    # 07:50 a citizen with her chip card: the procedure by its words without accents, Enter, scan.
    clock.set(datetime(2026, 11, 18, 7, 50))
    types("chung thuc ban sao")
    press(Qt.Key.Key_Return)
    assert focused() is view.scan
    types(QR)
    press(Qt.Key.Key_Return)
    assert (view.owner_name.text(), view.birth.text(), view.sex.currentText()) == ("Lê Thị Hồng", "12/03/1990", "Nữ")
    types("0912345678")
    press(Qt.Key.Key_R, ALT)  # Số t̲rang
    over("5")
    press(Qt.Key.Key_B, ALT)  # Số b̲ản
    over("3")
    assert "21.000 đ" in view.fee_label.text()
    press(Qt.Key.Key_Return, CTRL)
    slip = print_preview(qtbot, window, "slip", papers, "giay-tiep-nhan.pdf", printed)
    receipt = print_preview(qtbot, window, "receipt", papers, "bien-lai.pdf", printed)
    [row] = search_dossiers(desk, "le thi hong")
    assert row.code in text(slip) and "Hai mươi mốt nghìn đồng" in text(receipt)
    active(qtbot, window)
    banner = view.banner.text()
    assert f"Đã tiếp nhận hồ sơ {row.code}." in banner and "Biên lai số 0000001 (AA/26T): 21.000 đ." in banner
    assert "Đã in: giấy tiếp nhận, biên lai." in banner
    assert focused() is view.procedure_search  # ready for the next citizen

    # 09:00 finding it again, without accents, and every step to handed over and rated.
    clock.set(datetime(2026, 11, 18, 9, 0))
    press(Qt.Key.Key_2, CTRL)
    types("le thi hong")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=3000)
    press(Qt.Key.Key_Return)
    assert focused() is window.dossiers.table
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: row.uid in window.details, timeout=3000)
    detail = window.details[row.uid]
    step(qtbot, detail, Action.FORWARD, "", "Chuyển công chức Tư pháp - Hộ tịch")
    assert status(desk, row.uid) == Status.PROCESSING
    step(qtbot, detail, Action.REQUEST_SUPPLEMENT, "Bản sao giấy khai sinh", "Thiếu giấy khai sinh")
    assert status(desk, row.uid) == Status.SUPPLEMENT
    clock.set(datetime(2026, 11, 18, 10, 30))
    step(qtbot, detail, Action.RECEIVE_SUPPLEMENT, "Đã nhận bản sao giấy khai sinh")
    clock.set(datetime(2026, 11, 18, 14, 0))
    step(qtbot, detail, Action.FINISH, "Đã chứng thực 3 bản")
    clock.set(datetime(2026, 11, 18, 15, 30))
    step(qtbot, detail, Action.HAND_OVER)  # the receiver is the applicant already
    assert status(desk, row.uid) == Status.RETURNED
    step(qtbot, detail, Action.RATE, "", "Nhanh, chu đáo")
    d = dossier_detail(desk, row.uid)["dossier"]
    assert d["rating"] and status(desk, row.uid) == Status.RETURNED
    active(qtbot, detail)
    press(Qt.Key.Key_Escape)  # closes the dossier's window
    qtbot.waitUntil(lambda: not detail.isVisible(), timeout=3000)

    # 16:00 the receipt was wrong (5 pages, not 4): void it and issue the corrected replacement.
    clock.set(datetime(2026, 11, 18, 16, 0))
    active(qtbot, window)
    press(Qt.Key.Key_3, CTRL)
    receipts = window.receipts
    tab_to(receipts.table)
    press(Qt.Key.Key_Home)
    alt(receipts.replace_button)
    qtbot.waitUntil(lambda: receipts.dialog is not None and receipts.dialog.isVisible(), timeout=3000)
    dialog = active(qtbot, receipts.dialog)
    assert dialog.payer.text() == "Lê Thị Hồng" and dialog.amount.text() == "21.000"
    types("Ghi sai số trang")
    tab_to(dialog.amount)
    over("18.000")
    replacement = save_as_pdf(qtbot, papers, "bien-lai-thay-the.pdf", printed)
    press(Qt.Key.Key_Return)
    preview = receipts.print_dialog
    qtbot.waitUntil(lambda: preview is not None and preview.isVisible(), timeout=5000)
    active(qtbot, preview)
    qtbot.waitUntil(preview.print_button.isEnabled, timeout=5000)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not preview.isVisible(), timeout=10000)
    assert replacement.is_file() and "Mười tám nghìn đồng" in text(preview.pdf)
    assert [(r["number"], r["status"], r["amount"]) for r in dossier_detail(desk, row.uid)["receipts"]] == [
        (1, "voided", 21000), (2, "issued", 18000)]

    # And a reprint of the replacement, marked as such.
    active(qtbot, window)
    tab_to(receipts.table)
    press(Qt.Key.Key_End)
    alt(receipts.print_button)
    qtbot.waitUntil(lambda: receipts.print_dialog is not preview and receipts.print_dialog.isVisible(),
                    timeout=5000)
    again = active(qtbot, receipts.print_dialog)
    assert "(bản in lại)" in again.windowTitle()
    qtbot.waitUntil(again.print_button.isEnabled, timeout=5000)
    reprint = save_as_pdf(qtbot, papers, "bien-lai-in-lai.pdf", printed)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not again.isVisible(), timeout=10000)
    assert reprint.is_file() and "BẢN IN LẠI" in text(again.pdf)
    assert len(printed) == 4
