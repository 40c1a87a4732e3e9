"""A commune's dossiers built with the desk's own services to hit every footnote of Biểu II.06a and
every QĐ 766 rule; the expected numbers are worked out by hand in tests/services/test_reports.py.
Also used for the reports screen's screenshot."""

from __future__ import annotations

from datetime import datetime

from app.services import processing as p
from app.services.clock import from_local
from app.services.reception import ReceptionInput, receive_dossier
from tests.helpers.data import copy_cert, marriage_status


def at(clock, *wall: int) -> None:
    clock.set(datetime(*wall))


def receive(desk, clock, wall, form):
    at(clock, *wall)
    return receive_dossier(desk, form).uid


def finish(desk, clock, uid, wall, **kw):
    at(clock, *wall)
    p.finish(desk, uid, **kw)


def build_hand_set(desk, clock) -> dict[str, str]:
    """The hand-worked set (dues from the calendar: TTHN 3 working days, 1.001193 and 2.000815 same day
    by 17:00 when received before 15:00). Names say what each dossier is there to hit."""
    u = {}
    # Hộ tịch
    u["H1_carried_early_disliked"] = receive(desk, clock, (2026, 10, 29, 9), marriage_status())  # due Tue 3/11 09:00
    finish(desk, clock, u["H1_carried_early_disliked"], (2026, 11, 2, 10))
    p.hand_over(desk, u["H1_carried_early_disliked"], receiver="Lê Văn Cường")
    p.rate(desk, u["H1_carried_early_disliked"], level="khong_hai_long")
    u["H2_carried_still_open"] = receive(desk, clock, (2026, 10, 30, 9), marriage_status())  # due Wed 4/11 09:00
    u["H3_done_in_october"] = receive(desk, clock, (2026, 10, 29, 9), ReceptionInput("1.001193", "Phạm Thị Hoa"))
    finish(desk, clock, u["H3_done_in_october"], (2026, 10, 29, 10))
    u["H4_online_handed_over_late"] = receive(desk, clock, (2026, 11, 2, 9), ReceptionInput(
        "1.001193", "Ngô Văn Minh", channel=2, docs_digitised=True, docs_reused=True))  # due 2/11 17:00
    finish(desk, clock, u["H4_online_handed_over_late"], (2026, 11, 2, 16), result_digitised=True, result_code="KS-12")
    at(clock, 2026, 11, 4, 9)  # two days after the due: the result was ready on time
    p.hand_over(desk, u["H4_online_handed_over_late"], receiver="Ngô Văn Minh")
    p.rate(desk, u["H4_online_handed_over_late"], level="hai_long")
    u["H5_two_supplements"] = receive(desk, clock, (2026, 11, 9, 9), marriage_status())  # due Thu 12/11 09:00
    for ask, got in (((2026, 11, 9, 10), (2026, 11, 10, 9)), ((2026, 11, 10, 10), (2026, 11, 10, 11))):
        at(clock, *ask)
        p.request_supplement(desk, u["H5_two_supplements"], reason="Thiếu giấy tờ", missing_documents=["Bản sao"])
        at(clock, *got)
        p.receive_supplement(desk, u["H5_two_supplements"])
    finish(desk, clock, u["H5_two_supplements"], (2026, 11, 11, 9))  # before the due, yet late: two requests
    u["H6_waiting_at_period_end"] = receive(desk, clock, (2026, 11, 23, 9), marriage_status())  # due 26/11
    at(clock, 2026, 11, 24, 9)
    p.request_supplement(desk, u["H6_waiting_at_period_end"], reason="Thiếu giấy tờ", missing_documents=["Tờ khai"])
    u["H7_withdrawn"] = receive(desk, clock, (2026, 11, 16, 9), ReceptionInput("1.001193", "Đỗ Văn Nam"))
    at(clock, 2026, 11, 16, 10)
    p.withdraw(desk, u["H7_withdrawn"], reason="Công dân xin rút hồ sơ")
    u["H8_refused_after_due"] = receive(desk, clock, (2026, 11, 16, 9, 30), marriage_status())  # due 19/11 09:30
    at(clock, 2026, 11, 20, 9)
    p.refuse(desk, u["H8_refused_after_due"], reason="Hồ sơ không đủ điều kiện")
    u["H9_rescheduled"] = receive(desk, clock, (2026, 11, 16, 10), marriage_status())  # due 19/11 10:00
    at(clock, 2026, 11, 18, 9)
    p.reschedule(desk, u["H9_rescheduled"], new_due=from_local(datetime(2026, 11, 23, 10)), reason="Cần xác minh thêm")
    finish(desk, clock, u["H9_rescheduled"], (2026, 11, 20, 9))
    # Chứng thực
    u["C1_on_time"] = receive(desk, clock, (2026, 11, 3, 9), copy_cert())  # due 3/11 17:00
    finish(desk, clock, u["C1_on_time"], (2026, 11, 3, 16, 59))
    u["C2_late"] = receive(desk, clock, (2026, 11, 4, 9), copy_cert())
    finish(desk, clock, u["C2_late"], (2026, 11, 5, 9))
    u["C3_stopped"] = receive(desk, clock, (2026, 11, 5, 9), copy_cert())
    at(clock, 2026, 11, 5, 10)
    p.stop(desk, u["C3_stopped"], reason="Người yêu cầu không bổ sung được")
    u["C4_post_open_overdue"] = receive(desk, clock, (2026, 11, 30, 9), copy_cert(channel=3))
    u["C5_after_period"] = receive(desk, clock, (2026, 12, 1, 9), copy_cert())
    u["C6_online_paid_online"] = receive(desk, clock, (2026, 11, 6, 9), copy_cert(
        channel=2, online_payment=1, docs_digitised=True))
    finish(desk, clock, u["C6_online_paid_online"], (2026, 11, 6, 10), result_digitised=True)
    return u
