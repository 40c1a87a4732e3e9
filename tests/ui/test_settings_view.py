from datetime import date, datetime

import pytest

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from app.services.clock import to_local
from app.services.queries import dossier_detail
from app.services.reception import ReceptionInput, receive_dossier
from app.ui.runner import Runner
from app.ui.settings_view import SettingsView
from tests.helpers.data import marriage_status


@pytest.fixture
def view(qtbot, desk):
    widget = SettingsView(desk, Runner(synchronous=True))
    qtbot.addWidget(widget)
    return widget


def test_catalogue_lists_procedures_with_time_fee_and_basis(view):
    names = [view.catalogue.item(r, 0).text() for r in range(view.catalogue.rowCount())]
    assert len(names) == 12 and "Chứng thực chữ ký trong giấy tờ, văn bản" in names
    row = names.index("Chứng thực chữ ký trong giấy tờ, văn bản")
    assert view.catalogue.item(row, 3).text() == "10.000 đ/trường hợp"


def test_new_fee_from_an_effective_date_keeps_old_dossiers(view, desk, clock):
    before = receive_dossier(desk, ReceptionInput("2.000884", "Trần Thị Bình"))
    names = [view.catalogue.item(r, 0).text() for r in range(view.catalogue.rowCount())]
    view.catalogue.selectRow(names.index("Chứng thực chữ ký trong giấy tờ, văn bản"))
    view.effective.setDate(date(2026, 12, 1))
    view.amount.setValue(15000)
    view.record_new_version()
    assert "10.000 đ → 15.000 đ" in view.question.text() and "01/12/2026" in view.question.text()
    QTest.keyClick(view.question, Qt.Key.Key_Return)  # the official confirms with Enter
    assert view.version_error.text() == "Đã ghi mức mới."
    clock.set(datetime(2026, 12, 1, 9, 0))
    after = receive_dossier(desk, ReceptionInput("2.000884", "Nguyễn Văn A"))
    assert (before.fee_amount, after.fee_amount) == (10000, 15000)
    assert dossier_detail(desk, before.uid)["dossier"]["fee_amount"] == 10000
    view.catalogue.selectRow(names.index("Chứng thực chữ ký trong giấy tờ, văn bản"))
    view.effective.setDate(date(2026, 12, 1))
    view.amount.setValue(20000)
    view.record_new_version()
    QTest.keyClick(view.question, Qt.Key.Key_Return)
    assert "đã có một phiên bản" in view.version_error.text()


def test_settings_are_validated_and_saved(view, desk, clock):
    view.agency_id.setText("sai")
    view.save_settings()
    assert "NNN.NN.NN.Xnn" in view.settings_error.text()
    view.agency_id.setText("000.17.22.H56")
    view.periods.setText("7h-11h")
    view.save_settings()
    assert "07:00-11:30" in view.settings_error.text()
    view.periods.setText("07:30-11:30, 13:30-17:00")
    view.commune.setText("")
    view.save_settings()
    assert "Tên xã" in view.settings_error.text()
    view.commune.setText("Xã Quảng Phú")
    view.saturday_counts.setChecked(True)
    view.save_settings()
    assert view.settings_error.text() == "Đã lưu."
    assert desk.settings().saturday_counts and desk.settings().working_periods[0] == ["07:30", "11:30"]


def test_holiday_editor_moves_due_dates(view, desk):
    view.day.setDate(date(2026, 11, 20))
    view.day_kind.setCurrentIndex(0)
    view.day_name.setText("Nghỉ theo thông báo của tỉnh")
    view.add_day()
    days = [view.holidays.item(r, 0).text() for r in range(view.holidays.rowCount())]
    assert "20/11/2026" in days
    assert to_local(receive_dossier(desk, marriage_status()).due_at) == datetime(2026, 11, 24, 9, 0)
    view.holidays.selectRow(days.index("20/11/2026"))
    view.remove_day()
    assert "20/11/2026" not in [view.holidays.item(r, 0).text() for r in range(view.holidays.rowCount())]


def test_the_new_version_form_starts_from_the_selected_one_and_unedited_changes_nothing(view, desk):
    """Issue 11: pressing it unedited on a 3-working-day procedure recorded «Trong ngày, 0 đ»."""
    names = [view.catalogue.item(r, 0).text() for r in range(view.catalogue.rowCount())]
    row = next(r for r, n in enumerate(names) if "tình trạng hôn nhân" in n)
    view.catalogue.selectRow(row)
    procedure = view.selected_procedure()
    assert procedure.legal_time.kind == "working_days" and view.days.value() == procedure.legal_time.days
    assert view.effective.date().toPython() > to_local(desk.now()).date()
    view.record_new_version()
    assert "giống hệt mức đang áp dụng" in view.version_error.text() and view.question is None
    view.days.setValue(5)
    view.record_new_version()
    assert f"{procedure.legal_time.describe()} → 05 ngày làm việc" in view.question.text()
    QTest.keyClick(view.question, Qt.Key.Key_Escape)  # Esc goes back: nothing recorded
    assert view.version_error.text() == ""
    view.record_new_version()
    QTest.keyClick(view.question, Qt.Key.Key_Return)
    assert view.version_error.text() == "Đã ghi mức mới."
    assert "b00020" not in view.version_error.styleSheet()  # success is never red
