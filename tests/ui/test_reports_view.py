"""The reports screen in a real window offscreen, driven with keys: the period by preset and by typed
dates, the hand-worked numbers in its tables and charts, and exports written to real files."""

from datetime import date

import pytest
from openpyxl import load_workbook

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from app.core.receipts import SeriesSpec
from app.services.receipts import add_series, issue_receipt
from app.ui.reports_view import ReportsView, presets
from app.ui.runner import Runner
from tests.forms.pdf_tools import text
from tests.helpers.report_data import at, build_hand_set

ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def view(qtbot, desk, clock, qapp):
    hand = build_hand_set(desk, clock)
    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 40))
    at(clock, 2026, 11, 3, 9, 5)
    issue_receipt(desk, dossier_uid=hand["C1_on_time"])
    at(clock, 2026, 12, 2, 9)
    widget = ReportsView(desk, Runner(synchronous=True))
    qtbot.addWidget(widget)
    widget.resize(1300, 700)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    return widget


def cells(table, row):
    return [table.item(row, c).text() for c in range(table.columnCount())]


def choose_last_month(qtbot, view):
    """Alt+K to the period, then the arrow keys to «Tháng trước»: a preset shows its report at once."""
    qtbot.keyClick(QApplication.focusWidget() or view, Qt.Key.Key_K, ALT)
    assert QApplication.focusWidget() is view.preset
    while view.preset.currentText() != "Tháng trước":
        qtbot.keyClick(view.preset, Qt.Key.Key_Down)


def test_presets_cover_the_reporting_conventions():
    found = presets(date(2026, 12, 2))
    assert (found["Quý trước"].first, found["Quý trước"].last) == (date(2026, 7, 1), date(2026, 9, 30))
    assert (found["Tháng trước"].first, found["Tháng trước"].last) == (date(2026, 11, 1), date(2026, 11, 30))
    ky = found["Kỳ báo cáo tháng (15 tháng trước – 14 tháng này)"]
    assert (ky.first, ky.last) == (date(2026, 11, 15), date(2026, 12, 14))
    assert presets(date(2026, 12, 20))["Kỳ báo cáo tháng (15 tháng trước – 14 tháng này)"].first == date(2026, 12, 15)
    assert found["Sáu tháng cuối năm"].first == date(2026, 7, 1) and found["Năm trước"].last == date(2025, 12, 31)


def test_last_month_by_keyboard_shows_the_hand_worked_numbers(qtbot, view):
    choose_last_month(qtbot, view)
    assert (view.first.date().toPython(), view.last.date().toPython()) == (date(2026, 11, 1), date(2026, 11, 30))
    t = view.ii06a_table
    assert cells(t, 1) == ["Hộ tịch", "8", "1", "5", "2", "6", "1", "3", "2", "2", "1", "1"]
    assert cells(t, 2) == ["Tổng cộng", "13", "2", "9", "2", "10", "1", "6", "3", "3", "1", "2"]
    assert "Hộ tịch: Tiếp nhận 8, Đã giải quyết 6, Quá hạn 3" in view.ii06a_chart.describe()
    assert cells(view.ind_table, 0)[:5] == ["2.1", "Tỷ lệ hồ sơ giải quyết trước hạn và đúng hạn", "7", "13", "53,8%"]
    assert "2.1: Tỷ lệ đạt 54, Ngưỡng 100" in view.ind_chart.describe()
    assert cells(view.fee_table, 0) == ["Phí chứng thực bản sao từ bản chính", "1", "14.000 đ"]
    view.fee_by.setCurrentIndex(2)
    assert cells(view.fee_table, 0)[0] == "03/11/2026"
    assert [cells(view.rating_table, r) for r in range(4)][2] == ["Không hài lòng", "1"]
    assert view.late_table.rowCount() == 5 and view.sections.tabText(4) == "Hồ sơ quá hạn (5)"
    assert "tiếp nhận 13 hồ sơ (kỳ trước chuyển sang 2)" in view.note.text()


def test_opening_shows_the_first_preset(view):
    assert view.preset.currentText() == "Quý này" and view.ii06a_table.rowCount() == 3  # 1/10–31/12: both fields


def test_typed_dates_make_a_custom_period_and_a_reversed_one_is_refused(qtbot, view):
    qtbot.keyClick(view, Qt.Key.Key_T, ALT)  # &Từ ngày
    assert QApplication.focusWidget() is view.first
    view.first.setDate(QDate(2026, 10, 1))
    view.last.setDate(QDate(2026, 10, 31))
    assert view.preset.currentText() == "Tùy chọn (chọn ngày)"
    qtbot.keyClick(view.first, Qt.Key.Key_Return)
    assert cells(view.ii06a_table, 0) == ["Hộ tịch", "3", "0", "3", "0", "1", "0", "1", "0", "2", "2", "0"]
    view.last.setDate(QDate(2026, 9, 1))
    qtbot.keyClick(view.last, Qt.Key.Key_Enter)
    assert view.note.text() == "Ngày cuối kỳ phải sau hoặc bằng ngày đầu kỳ."
    assert cells(view.ii06a_table, 0)[1] == "3"  # what was shown stays
    view.last.setDate(QDate(2026, 11, 30))
    view.ii06a_table.setFocus()
    qtbot.keyClick(view.ii06a_table, Qt.Key.Key_X, ALT)  # &Xem báo cáo, from the table (a click after ~100 ms)
    qtbot.waitUntil(lambda: view.ii06a_table.rowCount() == 3)
    assert cells(view.ii06a_table, 2)[:2] == ["Tổng cộng", "14"]  # received 1/10–30/11: 3 + 11


def test_exports_write_real_files(qtbot, view, tmp_path, monkeypatch):
    choose_last_month(qtbot, view)
    targets = iter([tmp_path / "ii06a.pdf", tmp_path / "766.xlsx"])
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(next(targets)), "")))
    qtbot.keyClick(view, Qt.Key.Key_P, ALT)  # II.06a ra &PDF
    qtbot.waitUntil(lambda: (tmp_path / "ii06a.pdf").exists())
    assert "Kỳ báo cáo: Từ ngày 01/11/2026 đến ngày 30/11/2026" in text((tmp_path / "ii06a.pdf").read_bytes())
    qtbot.keyClick(view, Qt.Key.Key_L, ALT)  # Chỉ số 766 ra Exce&l
    qtbot.waitUntil(lambda: (tmp_path / "766.xlsx").exists())
    book = load_workbook(tmp_path / "766.xlsx")
    assert book["Chi so 766"]["C5"].value == 7
    assert view.note.text().startswith("Đã lưu ")


def test_an_officer_who_may_not_see_reports_is_told_on_the_screen(qtbot, desk, qapp):
    from app.core.permissions import Role
    from app.services.officers import create_officer, login

    create_officer(desk, username="lan.nt", full_name="Nguyễn Thị Lan", roles=[Role.RECEPTION.value],
                   password="tiep-nhan-123")
    desk.act_as(login(desk, "lan.nt", "tiep-nhan-123").officer)
    widget = ReportsView(desk, Runner(synchronous=True))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    assert "không được xem báo cáo" in widget.note.text() and widget.ii06a_table.rowCount() == 0


def test_the_finish_step_asks_for_the_form_and_code_of_the_result(qtbot, desk, clock, qapp):
    from app.core.lifecycle import Action
    from app.services.processing import finish
    from app.services.reception import receive_dossier
    from app.store.models import Dossier
    from app.ui.action_dialog import ActionDialog
    from tests.helpers.data import copy_cert

    uid = receive_dossier(desk, copy_cert()).uid
    dialog = ActionDialog(Action.FINISH, "Có kết quả", {})
    qtbot.addWidget(dialog)
    assert dialog.values() == {"note": "", "result_digitised": False, "result_code": ""}
    dialog.inputs["result_digitised"].setCurrentIndex(1)
    dialog.inputs["result_code"].setText("CT-2026-0042")
    finish(desk, uid, **dialog.values())
    with desk.read() as c:
        row = c.execute(Dossier.__table__.select().where(Dossier.uid == uid)).one()
    assert (row.result_digitised, row.result_code) == (1, "CT-2026-0042")


def test_reception_records_digitised_reused_and_online_payment(qtbot, desk, qapp):
    from app.services.reception import receive_dossier
    from app.store.models import Dossier
    from app.ui.reception_view import ReceptionView

    view = ReceptionView(desk, Runner(synchronous=True))
    qtbot.addWidget(view)
    view.procedure_search.setText("chung thuc ban sao")
    view.owner_name.setText("Trần Thị Bình")
    view.channel.setCurrentIndex(1)  # Trực tuyến
    view.docs_digitised.setChecked(True)
    view.docs_reused.setChecked(True)
    view.online_payment.setCurrentIndex(2)  # Qua cổng thanh toán của tỉnh
    uid = receive_dossier(desk, view.form()).uid
    with desk.read() as c:
        row = c.execute(Dossier.__table__.select().where(Dossier.uid == uid)).one()
    assert (row.channel, row.online_payment, row.docs_digitised, row.docs_reused) == (2, 2, 1, 1)
    view.clear()
    assert not view.docs_digitised.isChecked() and view.online_payment.currentData() == 0
