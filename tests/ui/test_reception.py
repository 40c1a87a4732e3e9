import pytest

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.core.lifecycle import Status
from app.core.receipts import SeriesSpec
from app.services.queries import dossier_detail, search_dossiers
from app.services.receipts import add_series
from app.ui.main_window import MainWindow
from app.ui.print_dialog import PrintDialog
from app.ui.runner import Runner

QR = "038190001234|123456789|Lê Thị Hồng|12031990|Nữ|Thôn Đông, xã Quảng Phú|01072022"


@pytest.fixture
def window(qtbot, desk):
    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 100))
    win = MainWindow(desk, Runner(synchronous=True))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    win.reception.print_now.setChecked(False)
    return win


def scanner_types(widget, text):
    """A keyboard-wedge scanner sends one key event per character, with its text (Vietnamese included);
    QTest.keyClicks only handles ASCII."""
    for char in text:
        QTest.sendKeyEvent(QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, char, Qt.KeyboardModifier.NoModifier)
    QTest.keyClick(widget, Qt.Key.Key_Return)


def receive_by_keyboard(qtbot, view, procedure_words, qr, phone):
    qtbot.keyClicks(view.procedure_search, procedure_words)
    qtbot.keyClick(view.procedure_search, Qt.Key.Key_Return)
    assert view.scan.hasFocus()
    scanner_types(view.scan, qr)
    assert view.phone.hasFocus()  # the scan fills the card's fields and moves on to the phone
    qtbot.keyClicks(view.phone, phone)
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def test_keyboard_reception_with_a_scanned_card_ends_in_the_list(window, qtbot, desk):
    view = window.reception
    qtbot.keyClicks(view.procedure_search, "chung thuc ban sao")
    assert view.current_procedure().code == "2.000815"
    view.procedure_search.clear()
    receive_by_keyboard(qtbot, view, "chung thuc ban sao", QR, "0912345678")
    found = search_dossiers(desk, "le thi hong")
    assert len(found) == 1 and found[0].procedure_name == "Chứng thực bản sao từ bản chính"
    d = dossier_detail(desk, found[0].uid)
    assert d["dossier"]["owner_id_number"] == "038190001234" and d["dossier"]["owner_phone"] == "0912345678"
    assert [r["number"] for r in d["receipts"]] == [1]  # the fee was taken in the same step
    assert window.model.rowCount() == 1 and window.model.row_at(0).owner_name == "Lê Thị Hồng"
    assert "Đã tiếp nhận hồ sơ" in window.statusBar().currentMessage()
    assert view.owner_name.text() == ""  # ready for the next citizen


def test_live_fee_and_due(window, qtbot):
    view = window.reception
    qtbot.keyClicks(view.procedure_search, "2.000815")
    view.pages.setValue(5)
    view.copies.setValue(3)
    assert "21.000 đ (Hai mươi mốt nghìn đồng)" in view.fee_label.text()
    assert "Hẹn trả kết quả: 17:00 Thứ Tư 18/11/2026" == view.due_label.text()


def test_a_bad_scan_says_why_at_the_field(window, qtbot):
    view = window.reception
    scanner_types(view.scan, "001090123456|012345678|NGUYEN VAN A|31021990|Nam|addr|15042021")
    assert not view.errors["qr"].isHidden() and "ngày sinh" in view.errors["qr"].text()
    assert "NGUYEN" not in view.errors["qr"].text() and view.owner_name.text() == ""


def test_invalid_phone_is_refused_at_the_field_and_nothing_written(window, qtbot, desk):
    view = window.reception
    receive_by_keyboard(qtbot, view, "khai sinh", QR, "12345")
    assert not view.errors["owner_phone"].isHidden() and "Số điện thoại" in view.errors["owner_phone"].text()
    assert search_dossiers(desk, "le thi hong") == []
    assert view.owner_name.text() == "Lê Thị Hồng"  # what was typed stays for correction


def test_same_day_paper_handed_over_in_one_flow(window, qtbot, desk):
    view = window.reception
    qtbot.keyClicks(view.procedure_search, "chung thuc chu ky")
    view.hand_over_now.setChecked(True)
    view.owner_name.setText("Phạm Văn Dũng")
    view.submit()
    [row] = search_dossiers(desk, "pham van dung")
    assert row.status == Status.RETURNED


def test_print_slip_then_receipt_after_receiving(window, qtbot, desk):
    view = window.reception
    view.print_now.setChecked(True)
    qtbot.keyClicks(view.procedure_search, "chung thuc chu ky")
    view.owner_name.setText("Phạm Văn Dũng")
    view.submit()
    dialogs = [w for w in window.findChildren(PrintDialog) if w.isVisible()]
    assert len(dialogs) == 1 and dialogs[0].job.kind == "slip"
    dialogs[0].reject()
    receipt = [w for w in window.findChildren(PrintDialog) if w.isVisible()]
    assert len(receipt) == 1 and receipt[0].job.kind == "receipt"
    receipt[0].reject()
