"""A change the desk cannot apply is set aside with its reason and never blocks what follows; a
round that fails for a reason other than the network says so."""

import pytest
from sqlalchemy import insert

from app.services.queries import count_dossiers
from app.services.reception import receive_dossier
from app.sync.client import SyncClient
from app.sync.pulled import set_aside
from sync.hub.models import Change
from tests.helpers.data import copy_cert
from tests.sync.conftest import COMMUNE_A


def bad_change(agency, kind, entity_id, payload):
    return {"agency_id": agency, "entity": "dossier", "entity_id": entity_id, "kind": kind, "payload": payload,
            "origin_device": "hub", "actor": ""}


def test_a_change_that_cannot_be_applied_is_set_aside_and_the_rest_goes_on(make_desk, hub, qtbot):
    one, two = make_desk("mot", 1), make_desk("hai", 2)
    with hub.engine.begin() as c:  # what an older hub let through, or a record damaged upstream
        c.execute(insert(Change), [
            bad_change(COMMUNE_A[0], "dossier.received", "x", {"code": "rác", "status_after": 99}),
            bad_change(COMMUNE_A[0], "dossier.finished", "00000000-0000-4000-8000-00000000000a",
                       {"event_id": "00000000-0000-4000-8000-00000000000b",
                        "dossier_id": "00000000-0000-4000-8000-00000000000a", "kind": "finished", "status_after": 9,
                        "actor": "Ai đó", "device_time": "2026-11-18T02:00:00Z"}),
            bad_change(COMMUNE_A[0], "dossier.exploded", "y", {}),
        ])
    got = receive_dossier(one, copy_cert("Trần Thị Bình"))
    assert SyncClient(one).round().online
    result = SyncClient(two).round()
    assert result.online and not result.problem
    assert count_dossiers(two) == 1  # the good change after the bad ones arrived
    aside = set_aside(two)
    assert sorted(a["code"] for a in aside) == ["invalid_payload", "unknown_dossier", "unknown_kind"]
    assert all(a["reason"] for a in aside)
    assert two.settings().sync_cursor >= 4  # the cursor went past them
    assert SyncClient(two).round().online and len(set_aside(two)) == 3  # not applied again, not blocking
    from app.services import sync_state
    sync_state.save_sync_state(two, sync_cursor=0)  # pulled again from the start, as after a re-enrolment
    assert SyncClient(two).round().online and len(set_aside(two)) == 3  # each listed once

    from app.ui.runner import Runner
    from app.ui.sync_scheduler import SyncScheduler
    from app.ui.sync_view import SyncView

    runner = Runner()
    view = SyncView(two, runner, SyncScheduler(two, runner))
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: view.table.rowCount() == 3, timeout=5000)
    shown = [view.table.item(r, 3).text() for r in range(3)]
    assert shown == ["Nhận về nhưng chưa áp dụng được"] * 3
    assert "0 thay đổi đang chờ hoặc bị từ chối; 3 thay đổi nhận về chưa áp dụng được." in view.summary.text()
    assert "Máy này chưa có hồ sơ" in " ".join(view.table.item(r, 5).text() for r in range(3))
    assert got.code  # the honest dossier is untouched on the desk that made it


@pytest.mark.parametrize("status, body, expected", [
    (200, b"[1, 2, 3]", "Lỗi không mong đợi khi đồng bộ (mã lỗi"),
    (400, '{"code": "x", "message": "Yêu cầu không hợp lệ."}'.encode(), "Yêu cầu không hợp lệ."),
])
def test_a_round_that_fails_for_another_reason_says_so(make_desk, hub, status, body, expected):
    import requests

    desk = make_desk("mot", 1)
    receive_dossier(desk, copy_cert("Trần Thị Bình"))
    client = SyncClient(desk)

    class Broken(requests.Session):
        def post(self, url, **kw):
            response = requests.Response()
            response.status_code, response._content = status, body
            return response

    client.http = Broken()
    client.http.headers["Authorization"] = f"Bearer {client.token}"
    result = client.round()
    assert result.online and expected in result.problem
    assert "Không kết nối được" not in result.problem
    assert result.retry_in > 0 or status == 400


def test_a_step_refused_after_its_history_row_was_written_leaves_nothing(make_desk, hub):
    """The pulled step's event row goes in before the step table refuses it: the savepoint takes it back."""
    from sqlalchemy import text

    from sync.ops import HandedOver

    one, two = make_desk("mot", 1), make_desk("hai", 2)
    got = receive_dossier(one, copy_cert("Trần Thị Bình"))
    SyncClient(one).round()
    step = HandedOver(event_id="00000000-0000-4000-8000-0000000000cc", dossier_id=got.uid, kind="handed_over",
                      status_after=10, actor="Ai đó", device_time="2026-11-18T03:00:00Z", receiver="Người nhận",
                      method="desk")
    with hub.engine.begin() as c:  # what a hub with a bug might pass on: handing over an unfinished dossier
        c.execute(insert(Change), [bad_change(COMMUNE_A[0], "dossier.handed_over", got.uid, step.wire())])
    assert SyncClient(two).round().online
    assert [a["code"] for a in set_aside(two)] == ["illegal_transition"]
    with two.read() as c:
        events = c.execute(text("SELECT e.kind FROM event e JOIN dossier d ON d.id = e.dossier_id "
                                "WHERE d.uid = :u"), {"u": got.uid}).scalars().all()
        status = c.execute(text("SELECT status FROM dossier WHERE uid = :u"), {"u": got.uid}).scalar()
    assert events == ["received"] and status == 2
