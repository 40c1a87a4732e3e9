"""A dossier received without its receipt (no range yet at reception) gets one later from its window:
"Lập biên lai", the receipt dialog prefilled from the dossier, Enter, then the print preview."""

import pytest

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton

from app.core.receipts import SeriesSpec
from app.services.queries import dossier_detail
from app.services.receipts import add_series
from app.services.reception import receive_dossier
from app.ui.dossier_detail import DossierDetail
from app.ui.runner import Runner
from tests.helpers.data import copy_cert
from tests.ui.test_receipts_view import type_into

ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def detail(qtbot, desk):
    uid = receive_dossier(desk, copy_cert("Đỗ Thị Mai", pages=5, copies=3)).uid  # 21.000 đ, no receipt
    window = DossierDetail(desk, Runner(synchronous=True), uid)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def receipt_button(detail):
    found = [b for b in detail.findChildren(QPushButton) if b.text().replace("&", "") == "Lập biên lai…"
             and b.isVisible()]
    return found[0] if found else None


def open_receipt_dialog(qtbot, detail):
    qtbot.keyClick(QApplication.focusWidget() or detail, Qt.Key.Key_B, ALT)
    qtbot.waitUntil(lambda: getattr(detail, "receipt_dialog", None) is not None and detail.receipt_dialog.isVisible())
    dialog = detail.receipt_dialog
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    return dialog


def test_a_dossier_without_its_receipt_gets_one_and_offers_to_print(qtbot, detail, desk):
    assert receipt_button(detail).text() == "Lập &biên lai…"
    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 100))  # the range entered meanwhile
    dialog = open_receipt_dialog(qtbot, detail)
    assert dialog.payer.text() == "Đỗ Thị Mai" and dialog.amount.text() == "21.000"
    assert dialog.fee.text() and dialog.amount.hasFocus()
    with qtbot.waitSignal(detail.print_wanted) as asked:
        qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
    assert asked.args == ["receipt", detail.uid]  # the window opens the receipt's print preview
    assert not dialog.isVisible()
    receipts = dossier_detail(desk, detail.uid)["receipts"]
    assert [(r["number"], r["amount"], r["status"], r["payer_name"]) for r in receipts] == \
        [(1, 21000, "issued", "Đỗ Thị Mai")]
    qtbot.waitUntil(lambda: receipt_button(detail) is None)  # the fee is collected now (old buttons go)


def test_no_range_yet_is_said_in_the_dialog_and_nothing_is_written(qtbot, detail, desk):
    dialog = open_receipt_dialog(qtbot, detail)
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
    assert dialog.isVisible() and "dải số" in dialog.error.text()
    assert dossier_detail(desk, detail.uid)["receipts"] == []
    type_into(qtbot, dialog.amount, "abc")
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
    assert "chỉ gồm chữ số" in dialog.error.text() and dialog.amount.hasFocus()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible() and receipt_button(detail) is not None


def test_an_exempted_or_free_dossier_shows_no_button(qtbot, desk):
    from tests.helpers.data import birth

    uid = receive_dossier(desk, birth()).uid  # khai sinh: no fee
    window = DossierDetail(desk, Runner(synchronous=True), uid)
    qtbot.addWidget(window)
    assert receipt_button(window) is None and all("biên lai" not in b.text() for b in window.findChildren(QPushButton))


def test_the_window_lists_a_void_and_its_replacement(qtbot, detail, desk):
    from app.services.receipts import issue_receipt, void_receipt

    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 100))
    first = issue_receipt(desk, dossier_uid=detail.uid)
    void_receipt(desk, first.uid, reason="Ghi sai số tiền", replacing=True)
    issue_receipt(desk, dossier_uid=detail.uid, replaces_uid=first.uid, amount=12000)
    detail.reload()
    summary = detail.summary.text()
    assert "– Số 0000001 (01BLP0-001 AA/26T): 21.000 đ — ĐÃ HỦY: Ghi sai số tiền" in summary
    assert "– Số 0000002 (01BLP0-001 AA/26T): 12.000 đ, thay thế biên lai số 0000001" in summary
    qtbot.waitUntil(lambda: receipt_button(detail) is None)  # the replacement stands: nothing to collect


def test_in_the_window_the_new_receipt_opens_its_print_preview(qtbot, desk, tmp_path):
    """The whole path in the desk's window: the dossier's window, Alt+B, Enter, the preview."""
    from PySide6.QtCore import QCoreApplication, QSettings

    from app.ui.main_window import MainWindow
    from app.ui.print_dialog import PrintDialog

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QCoreApplication.setOrganizationName("MotCuaTest")
    uid = receive_dossier(desk, copy_cert("Đỗ Thị Mai", pages=5, copies=3)).uid
    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 100))
    window = MainWindow(desk, Runner(synchronous=True), autostart_sync=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    detail = window.open_detail(uid)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is detail)
    dialog = open_receipt_dialog(qtbot, detail)
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
    previews = [w for w in window.findChildren(PrintDialog) if w.isVisible()]
    assert len(previews) == 1 and previews[0].windowTitle() == "In: Biên lai thu phí, lệ phí"
    assert window.receipts.table.rowCount() == 1  # the receipts screen shows it at once
