from datetime import datetime

import pytest

from PySide6.QtCore import QDateTime

from app.core.lifecycle import Action, Status
from app.services.queries import dossier_detail
from app.services.reception import receive_dossier
from app.ui.dossier_detail import DossierDetail
from app.ui.runner import Runner
from tests.helpers.data import marriage_status


@pytest.fixture
def open_detail(qtbot, desk):
    def make():
        uid = receive_dossier(desk, marriage_status()).uid
        detail = DossierDetail(desk, Runner(synchronous=True), uid)
        qtbot.addWidget(detail)
        return detail
    return make


def act(detail, action, **values):
    dialog = detail.ask(action)
    for key, value in values.items():
        widget = dialog.inputs[key]
        if hasattr(widget, "setPlainText"):
            widget.setPlainText(value)
        elif hasattr(widget, "setDateTime"):
            widget.setDateTime(QDateTime(value))
        elif hasattr(widget, "setCurrentIndex") and not widget.isEditable():
            widget.setCurrentIndex(widget.findData(value))
        elif hasattr(widget, "setCurrentText"):
            widget.setCurrentText(value)
        else:
            widget.setText(value)
    dialog.accept()
    return dialog


def status(detail):
    return Status(dossier_detail(detail.desk, detail.uid)["dossier"]["status"])


def test_walk_through_every_step_from_the_detail_view(open_detail, clock):
    detail = open_detail()
    assert set(detail.action_buttons) == {Action.REFUSE, Action.FORWARD, Action.REQUEST_SUPPLEMENT, Action.RESCHEDULE,
                                          Action.STOP, Action.FINISH, Action.WITHDRAW}
    act(detail, Action.FORWARD, to_unit="Công chức Tư pháp - Hộ tịch")
    assert status(detail) == Status.PROCESSING
    act(detail, Action.REQUEST_SUPPLEMENT, missing_documents="Bản sao CCCD\nGiấy xác nhận cư trú",
        reason="Thiếu giấy tờ chứng minh")
    assert status(detail) == Status.SUPPLEMENT and set(detail.action_buttons) == {
        Action.RECEIVE_SUPPLEMENT, Action.RESCHEDULE, Action.STOP, Action.WITHDRAW}
    act(detail, Action.RECEIVE_SUPPLEMENT)
    act(detail, Action.RESCHEDULE, new_due=datetime(2026, 11, 27, 9, 0), reason="Chờ kết quả xác minh")
    assert Action.RESCHEDULE in detail.action_buttons  # offered, but a second one is refused with a reason
    again = act(detail, Action.RESCHEDULE, new_due=datetime(2026, 11, 30, 9, 0), reason="Lần hai")
    assert "một lần" in again.error.text()
    again.reject()
    act(detail, Action.FINISH, note="Đã có kết quả")
    act(detail, Action.HAND_OVER)  # receiver defaults to the applicant
    act(detail, Action.RATE, level="rat_hai_long")
    assert status(detail) == Status.RETURNED and detail.action_buttons == {}
    kinds = [detail.timeline.item(r, 2).text() for r in range(detail.timeline.rowCount())]
    assert kinds == ["Tiếp nhận hồ sơ", "Chuyển xử lý", "Yêu cầu bổ sung", "Nhận hồ sơ bổ sung",
                     "Xin lỗi và hẹn lại ngày trả", "Có kết quả", "Trả kết quả", "Đánh giá mức độ hài lòng"]
    assert "Lê Văn Cường" in detail.timeline.item(6, 3).text()


@pytest.mark.parametrize(("action", "target"), [(Action.REFUSE, Status.REFUSED), (Action.STOP, Status.STOPPED),
                                                (Action.WITHDRAW, Status.WITHDRAWN)])
def test_closing_steps_need_a_reason_shown_in_the_dialog(open_detail, action, target):
    detail = open_detail()
    dialog = act(detail, action, reason="")
    assert "lý do" in dialog.error.text() and status(detail) == Status.RECEIVED
    dialog.reject()
    act(detail, action, reason="Công dân đề nghị bằng văn bản")
    assert status(detail) == target


def test_a_scan_is_attached_from_the_detail_view(open_detail, tmp_path):
    detail = open_detail()
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    detail.attach(str(scan))
    assert "to-khai.pdf" in detail.summary.text() and "chờ gửi" in detail.summary.text()
    kinds = [detail.timeline.item(r, 2).text() for r in range(detail.timeline.rowCount())]
    assert kinds[-1] == "Đính kèm bản quét"


def test_the_due_soon_threshold_is_the_setting_in_the_list_and_the_detail_alike(qtbot, desk, clock):
    """One rule: with a 3-working-day warning, a dossier due in 3 working days is "Sắp đến hạn" in
    the list and in its own window (the detail once used the default of one day)."""
    from datetime import timedelta

    from app.core.lifecycle import DeadlineState
    from app.services import processing
    from app.services.clock import from_local, to_local
    from app.services.queries import list_dossiers
    from app.services.settings import save_settings
    from tests.helpers.data import copy_cert

    with desk.write() as connection:
        save_settings(connection, deadline_warning_days=3)
    desk.forget_cached()
    got = receive_dossier(desk, copy_cert("Trần Thị Bình"))
    wall = to_local(got.due_at)
    later = next(d for d in ((wall + timedelta(days=k)).replace(hour=9, minute=0) for k in range(2, 9))
                 if desk.calendar().is_working_time(d) and desk.calendar().working_time_between(to_local(clock()), d)
                 > 1.5 * desk.calendar().day_length)
    got = processing.reschedule(desk, got.uid, new_due=from_local(later), reason="Cần xác minh thêm")
    ahead = desk.calendar().working_time_between(to_local(clock()), to_local(got.due_at))
    assert desk.calendar().day_length < ahead <= 3 * desk.calendar().day_length  # 1 day's default would miss it
    rows = [r for r in list_dossiers(desk) if r.due_at == got.due_at]
    assert rows and rows[0].deadline == DeadlineState.DUE_SOON
    detail = DossierDetail(desk, Runner(synchronous=True), rows[0].uid)
    qtbot.addWidget(detail)
    assert "Sắp đến hạn" in detail.summary.text()
