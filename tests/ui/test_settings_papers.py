"""The settings screen holds what the papers print: office name, signer, "Nơi nhận", collector,
receipt copies; a value no paper can hold is refused with the field named."""

import pytest

from app.ui.runner import Runner
from app.ui.settings_view import SettingsView


@pytest.fixture
def view(qtbot, desk):
    widget = SettingsView(desk, Runner(synchronous=True))
    qtbot.addWidget(widget)
    return widget


def test_papers_settings_are_saved_and_shown_again(view, desk):
    view.office.setText("Trung tâm Phục vụ hành chính công xã Quảng Phú")
    view.signer_authority.setCurrentText("KT. CHỦ TỊCH")
    view.signer_title.setCurrentText("PHÓ CHỦ TỊCH")
    view.signer_name.setText("Lê Thị Thu Hà")
    view.recipients.setText("Như trên; Lưu: VT, BPMC")
    view.collector_tax_code.setText("2800123456")
    view.collector_phone.setText("0237 3888 123")
    view.collector_account.setText("3713.0.1234567 tại Kho bạc Nhà nước khu vực XI")
    view.receipt_copies.setCurrentIndex(view.receipt_copies.findData(1))
    view.save_settings()
    assert view.settings_error.text() == "Đã lưu."
    s = desk.settings()
    assert (s.office_name, s.signer_authority, s.signer_title, s.signer_name) == (
        "Trung tâm Phục vụ hành chính công xã Quảng Phú", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Thị Thu Hà")
    assert s.recipients == ["Như trên", "Lưu: VT, BPMC"] and s.receipt_copies == 1
    assert s.collector_account == "3713.0.1234567 tại Kho bạc Nhà nước khu vực XI"
    fresh = SettingsView(desk, Runner(synchronous=True))
    assert fresh.signer_name.text() == "Lê Thị Thu Hà" and fresh.recipients.text() == "Như trên; Lưu: VT, BPMC"
    assert fresh.receipt_copies.currentData() == 1
    fresh.deleteLater()


def test_a_signer_name_no_paper_can_print_is_refused(view, desk):
    view.signer_name.setText("Lê Thị 中")
    view.save_settings()
    assert "Họ tên người ký có ký tự «中»" in view.settings_error.text()
    assert desk.settings().signer_name == ""
