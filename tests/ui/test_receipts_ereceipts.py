"""E-receipts in the receipts screen, driven with keys: the delivery state after the hub's
`receipt.transmission` is applied, the sending deadline and its warning, a void-and-replace that
makes its Mẫu 04/SS-CTĐT notice, and the day's summary exported where the official chooses."""

from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from app.services.clock import from_local
from app.services.ereceipts import apply_transmission
from app.services.receipts import issue_receipt
from app.ui import folders
from app.ui.receipts_view import SENDING_COLUMN, STATE_COLUMN, WARN_BACK, ReceiptsView
from app.ui.runner import Runner
from ereceipt import xsd
from tests.helpers.ereceipt_desk import add_e_range, configure
from tests.ui.test_receipts_view import active_dialog, alt, printed, rows, to_row, type_into, types  # noqa: F401

NEW_YEAR = datetime(2027, 1, 1, 7, 30)  # the line is down; paper receipts have ended


@pytest.fixture
def eview(qtbot, desk, clock, tmp_path, printed, qapp):  # noqa: F811
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings"))
    QCoreApplication.setOrganizationName("MotCuaTest")
    configure(desk, tmp_path)
    clock.set(NEW_YEAR)
    add_e_range(desk)
    issue_receipt(desk, payer_name="Lê Văn Cường", fee_name="Phí chứng thực bản sao từ bản chính", amount=21000)
    issue_receipt(desk, payer_name="Trần Thị Bình", fee_name="Lệ phí đăng ký khai sinh", amount=8000)
    widget = ReceiptsView(desk, Runner(synchronous=True), printer_factory=printed[0], printers=["Máy in văn phòng"])
    qtbot.addWidget(widget)
    widget.resize(1366, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    return widget


def transmitted(desk, receipt_uid, state, at, **extra):
    """The hub's change, written through the desk's own apply function as a pulled page would."""
    payload = {"v": 1, "receipt_id": receipt_uid, "document": "receipt", "state": state,
               "at": from_local(at).isoformat(), **extra}
    with desk.write() as connection:
        return apply_transmission(connection, payload)


def refresh(qtbot, view):
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_F5)


def test_state_column_follows_the_hub_signed_at_hub_rejected_accepted(qtbot, eview, desk, clock):
    assert rows(eview, 1) == ["00000001", "00000002"]  # 8 digits on e-receipts
    signed = eview.table.item(0, SENDING_COLUMN)
    # Same-day deadline: the day of issue is already the last day, so it is warned from the start.
    assert signed.text() == "⚠ Đã ký, chờ gửi lên cấp trên · hạn 23:59 01/01/2027 (sắp hết)"
    assert "Sắp hết hạn gửi cơ quan thuế (hạn 23:59 ngày 01/01/2027)" in signed.toolTip()
    assert signed.background().color() == WARN_BACK
    assert eview.watch.isVisible() and "⚠ 2 biên lai điện tử chưa gửi được cơ quan thuế" in eview.watch.text()
    assert "hạn gần nhất 23:59 ngày 01/01/2027" in eview.watch.text()

    uid = eview.lines[0].uid
    clock.set(datetime(2027, 1, 1, 9, 30))
    assert transmitted(desk, uid, "at_hub", datetime(2027, 1, 1, 9, 0)) == 1
    assert transmitted(desk, uid, "rejected", datetime(2027, 1, 1, 9, 5), reason="Sai mã số thuế người nộp",
                       message_id="V0106026495ABC") == 1
    refresh(qtbot, eview)
    rejected = eview.table.item(0, SENDING_COLUMN)
    assert rejected.text() == "✗ Bị từ chối: Sai mã số thuế người nộp · hạn 23:59 01/01/2027 (sắp hết)"
    assert "Lý do cơ quan thuế từ chối: Sai mã số thuế người nộp" in rejected.toolTip()
    assert "Mã tra cứu: " in rejected.toolTip()

    assert transmitted(desk, uid, "sent", datetime(2027, 1, 1, 9, 10)) == 1
    refresh(qtbot, eview)
    assert eview.table.item(0, SENDING_COLUMN).text() == "Đã gửi cơ quan thuế, chờ kết quả"
    assert transmitted(desk, uid, "accepted", datetime(2027, 1, 1, 9, 20)) == 1
    refresh(qtbot, eview)
    assert eview.table.item(0, SENDING_COLUMN).text() == "✓ Cơ quan thuế đã tiếp nhận"
    assert "⚠ 1 biên lai điện tử" in eview.watch.text()  # the other one still waits


def test_a_late_receipt_is_marked_late(qtbot, eview, desk, clock):
    clock.set(datetime(2027, 1, 2, 8, 0))  # the line stayed down: the deadline waits for the fix
    eview.day.setFocus()
    refresh(qtbot, eview)
    waiting = eview.table.item(0, SENDING_COLUMN)
    assert waiting.text() == "⚠ Đã ký, chờ gửi lên cấp trên · hạn: 03 ngày làm việc sau khi có mạng lại"
    assert "Hệ thống gặp sự cố" in waiting.toolTip()
    transmitted(desk, eview.lines[0].uid, "at_hub", datetime(2027, 1, 2, 9, 0))
    clock.set(datetime(2027, 1, 7, 8, 0))  # three working days after the fix (Sat 2/1) have passed
    refresh(qtbot, eview)
    late = eview.table.item(0, SENDING_COLUMN).text()
    assert late == "⛔ Đã lên cấp trên, chờ gửi cơ quan thuế · hạn 23:59 06/01/2027 — QUÁ HẠN"  # Mon 4, Tue 5, Wed 6
    assert "đã quá hạn gửi" in eview.watch.text()


def test_void_and_replace_an_ereceipt_makes_its_notice(qtbot, eview, desk):
    to_row(qtbot, eview, 0)
    alt(qtbot, eview, Qt.Key.Key_T)
    dialog = active_dialog(qtbot, eview)
    assert dialog.old_number.text().startswith("<b>EBL01 27TAA số 00000001</b> (21.000 đ)")
    assert dialog.new_number.text() == "→ <b>EBL01 27TAA số 00000003</b>"
    types(dialog.reason, "Ghi sai số tiền")
    type_into(qtbot, dialog.amount, "12000")
    qtbot.keyClick(dialog.amount, Qt.Key.Key_Return)
    assert "Đã hủy biên lai EBL01 27TAA số 00000001 → lập biên lai thay thế EBL01 27TAA số 00000003 (12.000 đ)" \
        in eview.message.text()
    assert "Đã lập thông báo Mẫu 04/SS-CTĐT" in eview.message.text()
    states = rows(eview, STATE_COLUMN)
    assert states[0] == "Đã hủy: Ghi sai số tiền · đã lập thông báo Mẫu 04/SS-CTĐT"
    assert states[2] == "Đã lập, thay thế biên lai số 00000001"
    assert "Thông báo Mẫu 04/SS-CTĐT (Thay thế: Ghi sai số tiền)" in eview.table.item(0, SENDING_COLUMN).toolTip()
    assert eview.print_dialog is not None and "00000003" in eview.print_dialog.windowTitle()


@pytest.fixture
def saved(monkeypatch, tmp_path):
    """The save dialog answers with a file in the test's folder and remembers where it started."""
    asked = []

    def answer(_parent, caption, start, pattern):
        asked.append((caption, start))
        return str(tmp_path / Path(start).name), pattern

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))
    return asked


def test_export_the_days_summary_xml_pdf_xlsx(qtbot, eview, tmp_path, saved):
    alt(qtbot, eview, Qt.Key.Key_X)
    qtbot.waitUntil(lambda: len(saved) == 1)
    caption, start = saved[0]
    assert caption == "Lưu bảng tổng hợp ký hiệu 27TAA (XML gửi cơ quan thuế)"
    assert Path(start).parent == Path(folders.start_folder()) and Path(start).name == \
        "Mau01-TH-BLDT_27TAA_2027-01-01.xml"
    xml = (tmp_path / "Mau01-TH-BLDT_27TAA_2027-01-01.xml").read_bytes()
    xsd.check(xml)
    assert len(etree.fromstring(xml).findall("DLBTHop/NDBTHDLieu/DSDLieu/DLieu")) == 2
    assert "Đã lưu bảng tổng hợp ký hiệu 27TAA ngày 01/01/2027" in eview.message.text()
    alt(qtbot, eview, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: len(saved) == 2)
    assert (tmp_path / "Mau01-TH-BLDT_27TAA_2027-01-01.pdf").read_bytes().startswith(b"%PDF")
    alt(qtbot, eview, Qt.Key.Key_E)
    qtbot.waitUntil(lambda: len(saved) == 3)
    assert (tmp_path / "Mau01-TH-BLDT_27TAA_2027-01-01.xlsx").read_bytes().startswith(b"PK")


def test_a_day_without_ereceipts_has_no_summary(qtbot, eview, saved):
    eview.day.setFocus()
    qtbot.keyClick(eview.day, Qt.Key.Key_Up)  # the day field's arrows: 02/01/2027
    alt(qtbot, eview, Qt.Key.Key_X)
    qtbot.waitUntil(lambda: eview.message.isVisible())
    assert saved == [] and "Ngày 02/01/2027 không có biên lai điện tử nào" in eview.message.text()


def test_nothing_cut_at_1366(eview):
    """The window at 1366 pixels: every column in view, the state and deadline read whole."""
    table = eview.table
    widths = [table.columnWidth(c) for c in range(table.columnCount())]
    assert sum(widths) <= table.viewport().width() + 1
    metrics = table.fontMetrics()
    for row in range(table.rowCount()):
        for column in (1, 6, STATE_COLUMN, SENDING_COLUMN):
            assert metrics.horizontalAdvance(table.item(row, column).text()) < widths[column], (row, column)


def test_an_ereceipt_prints_its_signed_copy_and_a_reprint_says_so(qtbot, eview, desk, printed):  # noqa: F811
    from app.services.reception import receive_dossier
    from tests.forms.pdf_tools import text
    from tests.helpers.data import copy_cert
    from tests.ui.test_receipts_view import opened_preview

    issue_receipt(desk, dossier_uid=receive_dossier(desk, copy_cert("Đỗ Thị Mai", pages=5, copies=3)).uid)
    refresh(qtbot, eview)
    to_row(qtbot, eview, 2)
    alt(qtbot, eview, Qt.Key.Key_I)
    first = opened_preview(qtbot, eview, None)
    words = text(first.pdf)
    assert "Bản thể hiện của biên lai điện tử" in words and "00000003" in words and "BẢN IN LẠI" not in words
    qtbot.keyClick(first.print_button, Qt.Key.Key_Return)
    assert not first.isVisible() and len(printed[1]) == 1
    alt(qtbot, eview, Qt.Key.Key_I)
    again = opened_preview(qtbot, eview, first)
    assert again.windowTitle() == "In: Biên lai EBL01 27TAA số 00000003 (bản in lại)"
    assert "BẢN IN LẠI" in text(again.pdf) and "lần thứ 1" in text(again.pdf)


def test_ranges_not_used_today_say_why(qtbot, eview, desk):
    from app.core.receipts import SeriesSpec
    from app.services.receipts import add_series

    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 500))
    add_e_range(desk, "28TAA", 1, 100)
    refresh(qtbot, eview)
    text = eview.series.text()
    assert "Dải giấy 01BLP0-001 AA/26T số 0000001–0000500 (nhập tay): còn <b>500</b> số — <i>không dùng nữa " \
        "(đã chuyển sang biên lai điện tử): các số chưa dùng phải hủy và báo cáo theo Mẫu 02/HUY-HĐBLG" in text
    assert "Dải điện tử EBL01 28TAA số 00000001–00000100 (cấp qua hệ thống cấp trên): còn <b>100</b> số — " \
        "<i>dùng từ ngày 01/01/2028</i>" in text
    assert "Dải điện tử EBL01 27TAA số 00000001–00001000 (cấp qua hệ thống cấp trên): còn <b>998</b> số<br/>" in text
