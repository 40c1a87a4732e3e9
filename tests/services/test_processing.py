from datetime import datetime

import pytest
from sqlalchemy import func, select

from app.core.errors import TransitionError, ValidationError
from app.core.lifecycle import Status
from app.services import processing as p
from app.services.clock import from_local, to_local
from app.services.queries import dossier_detail
from app.services.reception import receive_dossier
from app.store.models import Event, Outbox
from tests.helpers.data import marriage_status


def status_of(desk, uid):
    return Status(dossier_detail(desk, uid)["dossier"]["status"])


def test_full_walk_to_returned_and_rated(desk, clock):
    uid = receive_dossier(desk, marriage_status()).uid
    assert p.forward(desk, uid, to_unit="Công chức Tư pháp - Hộ tịch").status == Status.PROCESSING
    assert p.finish(desk, uid).status == Status.DONE
    assert p.hand_over(desk, uid, receiver="Lê Văn Cường").status == Status.RETURNED
    p.rate(desk, uid, level="rat_hai_long")
    detail = dossier_detail(desk, uid)
    assert [e["kind"] for e in detail["events"]] == ["received", "forwarded", "finished", "handed_over", "rated"]
    assert detail["dossier"]["rating"] == "rat_hai_long"
    with desk.read() as c:
        assert c.execute(select(func.count()).select_from(Outbox)).scalar() == 5
    with pytest.raises(TransitionError, match="đã được đánh giá"):
        p.rate(desk, uid, level="hai_long")


def test_supplement_pauses_the_clock_and_resumes_where_it_was(desk, clock):
    uid = receive_dossier(desk, marriage_status()).uid  # Wed 18/11 09:00, due Mon 23/11 09:00
    p.forward(desk, uid, to_unit="Tư pháp")
    clock.set(datetime(2026, 11, 19, 9, 0))
    assert p.request_supplement(desk, uid, reason="Thiếu giấy tờ", missing_documents=["Bản sao CCCD"]).status \
        == Status.SUPPLEMENT
    clock.set(datetime(2026, 11, 20, 9, 0))  # a whole working day later
    step = p.receive_supplement(desk, uid)
    assert step.status == Status.PROCESSING
    assert to_local(step.due_at) == datetime(2026, 11, 24, 9, 0)


def test_reschedule_only_once_and_only_later_in_working_time(desk):
    uid = receive_dossier(desk, marriage_status()).uid
    with pytest.raises(ValidationError, match="giờ làm việc"):
        p.reschedule(desk, uid, new_due=from_local(datetime(2026, 11, 29, 9, 0)), reason="Chưa có kết quả xác minh")
    with pytest.raises(ValidationError, match="sau ngày hẹn"):
        p.reschedule(desk, uid, new_due=from_local(datetime(2026, 11, 19, 9, 0)), reason="Chưa có kết quả xác minh")
    p.reschedule(desk, uid, new_due=from_local(datetime(2026, 11, 27, 9, 0)), reason="Chưa có kết quả xác minh")
    with pytest.raises(TransitionError, match="một lần"):
        p.reschedule(desk, uid, new_due=from_local(datetime(2026, 11, 30, 9, 0)), reason="Lần thứ hai")
    detail = dossier_detail(desk, uid)["dossier"]
    assert to_local(detail["due_at"]) == datetime(2026, 11, 27, 9, 0)
    assert to_local(detail["original_due_at"]) == datetime(2026, 11, 23, 9, 0)


@pytest.mark.parametrize(("action", "kwargs", "status"), [
    (p.refuse, {"reason": "Không thuộc thẩm quyền của xã"}, Status.REFUSED),
    (p.withdraw, {"reason": "Công dân xin rút hồ sơ"}, Status.WITHDRAWN),
    (p.stop, {"reason": "Có tranh chấp, dừng giải quyết"}, Status.STOPPED),
])
def test_closing_actions_need_a_reason(desk, action, kwargs, status):
    uid = receive_dossier(desk, marriage_status()).uid
    with pytest.raises(ValidationError, match="lý do"):
        action(desk, uid, reason="  ")
    assert action(desk, uid, **kwargs).status == status
    with pytest.raises(TransitionError):
        p.forward(desk, uid, to_unit="Tư pháp")


def test_illegal_transition_writes_nothing(desk):
    uid = receive_dossier(desk, marriage_status()).uid
    with desk.read() as c:
        before = c.execute(select(func.count()).select_from(Event)).scalar()
    with pytest.raises(TransitionError, match="Được tiếp nhận"):
        p.hand_over(desk, uid, receiver="Lê Văn Cường")
    with pytest.raises(ValidationError):
        p.rate(desk, uid, level="tuyệt vời")
    with desk.read() as c:
        assert c.execute(select(func.count()).select_from(Event)).scalar() == before
    assert status_of(desk, uid) == Status.RECEIVED
