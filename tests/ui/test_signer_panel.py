"""The e-receipt page of the settings screen, driven with keys: a desk with no key says so; a wrong
password is refused and keeps nothing; the right one is tried, kept (the password in the credential
store, never in the database) and the next e-receipt is signed with it; the tax office's fields are
checked and saved; an officer without the right cannot save."""

from datetime import datetime

import keyring
import pytest
from sqlalchemy import text

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.core.permissions import Officer, Role
from app.services.admin import update_settings
from app.services.receipts import issue_receipt
from app.ui.runner import Runner
from app.ui.settings_view import SettingsView
from ereceipt.keys import make_demo_pkcs12
from tests.helpers.ereceipt_desk import COLLECTOR, add_e_range
from tests.ui.test_receipts_view import type_into, types

ALT = Qt.KeyboardModifier.AltModifier
NEW_YEAR = datetime(2027, 1, 1, 7, 30)
PASSWORD = "mật khẩu đúng"


@pytest.fixture
def panel(qtbot, desk):
    view = SettingsView(desk, Runner(synchronous=True))
    qtbot.addWidget(view)
    view.resize(1366, 740)
    view.show()
    qtbot.waitExposed(view)
    view.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is view)
    view.sections.setCurrentWidget(view.signer)
    return view.signer


def press(qtbot, panel, key, modifier=Qt.KeyboardModifier.NoModifier):
    qtbot.keyClick(QApplication.focusWidget() or panel, key, modifier)


def fill(qtbot, edit, value):
    """Ctrl+A, then the value typed (one key event per character, Vietnamese included)."""
    type_into(qtbot, edit, value)
    if not value:
        qtbot.keyClick(edit, Qt.Key.Key_Delete)


def test_a_key_is_tried_before_it_is_kept_and_then_signs_the_receipts(qtbot, panel, desk, clock, tmp_path):
    key = make_demo_pkcs12(tmp_path / "chu ky xã.p12", PASSWORD.encode(), COLLECTOR["collector_name"],
                           COLLECTOR["collector_tax_code"])
    update_settings(desk, **{k: v for k, v in COLLECTOR.items() if k.startswith("collector_")})  # the papers page
    assert "Chưa cài đặt chữ ký số" in panel.state.text()
    # The kind is chosen with the keyboard: the token's fields give way to the file's.
    panel.kind.setFocus()
    while panel.kind.currentData() != "pkcs12":
        press(qtbot, panel, Qt.Key.Key_Down)
    assert not panel.token_label.isVisibleTo(panel) and panel.secret.isVisibleTo(panel)
    assert panel.where_label.text() == "Tệp chứng thư số"
    fill(qtbot, panel.where, str(key))
    fill(qtbot, panel.secret, "sai mật khẩu")
    press(qtbot, panel, Qt.Key.Key_Return)
    assert "sai mật khẩu" in panel.signer_message.text() and "Chưa lưu gì" in panel.signer_message.text()
    assert panel.secret.text() == "" and panel.secret.hasFocus()
    assert desk.settings().signer_kind == "" and desk.settings().signer_path == ""
    types(panel.secret, PASSWORD)
    press(qtbot, panel, Qt.Key.Key_K, ALT)  # a mnemonic clicks the button ~100 ms later (animateClick)
    qtbot.waitUntil(lambda: "Đã lưu" in panel.signer_message.text())
    assert "Ủy ban nhân dân xã Quảng Phú" in panel.state.text() and "hiệu lực đến" in panel.state.text()
    assert (desk.settings().signer_kind, desk.settings().signer_path) == ("pkcs12", str(key))
    with desk.read() as connection:  # the password is in the credential store only
        stored = " ".join(str(v) for v in connection.execute(text("SELECT value FROM setting")).scalars())
    assert PASSWORD not in stored
    assert PASSWORD in [value for value in keyring.get_keyring().store.values()]
    # The tax office's fields, then the next e-receipt is signed with the key kept.
    fill(qtbot, panel.office["collector_budget_code"], "123")
    press(qtbot, panel, Qt.Key.Key_C, ALT)
    qtbot.waitUntil(lambda: "7 ký tự" in panel.office_message.text())
    assert panel.office["collector_budget_code"].hasFocus()
    fill(qtbot, panel.office["collector_budget_code"], "1234567")
    fill(qtbot, panel.office["tax_office_code"], "28101")
    fill(qtbot, panel.office["tax_office_name"], "Thuế cơ sở 1 tỉnh Thanh Hóa")
    fill(qtbot, panel.switch, "31/13/2026")
    press(qtbot, panel, Qt.Key.Key_C, ALT)
    qtbot.waitUntil(lambda: "ngày/tháng/năm" in panel.office_message.text())
    assert desk.settings().tax_office_code == "" and panel.switch.hasFocus()
    fill(qtbot, panel.switch, "")
    press(qtbot, panel, Qt.Key.Key_C, ALT)
    qtbot.waitUntil(lambda: panel.office_message.text() == "Đã lưu.")
    assert (desk.settings().tax_office_code, desk.settings().collector_budget_code) == ("28101", "1234567")
    clock.set(NEW_YEAR)
    add_e_range(desk)
    issued = issue_receipt(desk, payer_name="Lê Văn Cường", fee_name="Phí chứng thực", amount=21000)
    assert issued.kind == "electronic" and issued.lookup_code


def test_a_missing_file_is_refused_at_its_field(qtbot, panel, desk, tmp_path):
    panel.kind.setCurrentIndex(panel.kind.findData("pkcs12"))
    fill(qtbot, panel.where, str(tmp_path / "không có.p12"))
    fill(qtbot, panel.secret, "x")
    press(qtbot, panel, Qt.Key.Key_Return)
    assert "Không tìm thấy tệp chứng thư số" in panel.signer_message.text() and panel.where.hasFocus()
    assert desk.settings().signer_path == ""


def test_an_officer_without_the_right_cannot_save(qtbot, desk):
    desk.act_as(Officer("u-1", "tiepnhan", "Lê Thị Hoa", "Công chức", (Role.RECEPTION,)))
    view = SettingsView(desk, Runner(synchronous=True))
    qtbot.addWidget(view)
    assert not view.signer.save_signer.isEnabled() and not view.signer.save_office.isEnabled()
