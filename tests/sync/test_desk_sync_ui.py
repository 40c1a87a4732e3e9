import json

import pytest
from sqlalchemy import text

from app.services import sync_state
from app.services.queries import count_dossiers
from app.services.reception import receive_dossier
from app.ui.main_window import MainWindow
from app.ui.runner import Runner
from sync.canonical import payload_hash
from sync.hub.admin import create_enroll_code, revoke
from tests.helpers.data import birth
from tests.sync.conftest import COMMUNE_A


@pytest.fixture
def window(qtbot, make_desk):
    def make(desk):
        win = MainWindow(desk, Runner(synchronous=True), sync_runner=Runner(synchronous=True), autostart_sync=False)
        qtbot.addWidget(win)
        return win
    return make


def test_enroll_from_the_desk_then_sync_now(window, make_desk, hub):
    desk = make_desk("mot", 2, enrolled=False)
    win = window(desk)
    assert win.sync_status.text() == "Chưa đăng ký với hệ thống cấp trên"
    assert "chưa đăng ký" in win.sync_view.summary.text()
    receive_dossier(desk, birth())
    dialog = win.sync_view.open_enroll()
    dialog.hub.setText(hub.url)
    dialog.code.setText("SAI-MA")
    dialog.submit()
    assert "không đúng" in dialog.error.text() and dialog.isVisible()
    dialog.code.setText(create_enroll_code(hub.engine, *COMMUNE_A, 2))
    dialog.submit()
    assert not dialog.isVisible()
    assert win.sync_status.text().startswith("● Trực tuyến") and "lần cuối" in win.sync_status.text()
    assert sync_state.counts(desk)["pending"] == 0 and "0 thay đổi chờ đồng bộ" in win.status.text()


def test_offline_is_said_plainly_and_retried(window, make_desk, hub):
    desk = make_desk("mot", 1)
    receive_dossier(desk, birth())
    sync_state.save_sync_state(desk, hub_url="http://127.0.0.1:9")
    win = window(desk)
    win.sync_button.click()
    assert win.sync_status.text().startswith("○ Ngoại tuyến")
    assert win.scheduler.retry.isActive()
    assert "1 thay đổi chờ đồng bộ" in win.status.text()
    assert win.sync_view.table.item(0, 3).text() == "Chờ gửi"


def test_a_refused_change_is_listed_with_its_reason_and_can_be_sent_again(window, make_desk, hub):
    desk = make_desk("mot", 1)
    got = receive_dossier(desk, birth())
    with desk.write() as c:
        row = c.execute(text("SELECT payload FROM outbox WHERE entity_id = :u"), {"u": got.uid}).scalar()
        forged = json.loads(row.replace("000.17.22.H56", "000.99.99.H56"))
        c.execute(text("UPDATE outbox SET payload = :p, payload_sha256 = :h WHERE entity_id = :u"),
                  {"p": json.dumps(forged, ensure_ascii=False), "h": payload_hash(forged), "u": got.uid})
    win = window(desk)
    win.scheduler.sync_now()
    assert "1 thay đổi bị từ chối" in win.sync_status.text()
    table = win.sync_view.table
    assert table.item(0, 3).text() == "Bị từ chối" and "không thuộc cơ quan" in table.item(0, 5).text()
    table.selectRow(0)
    win.sync_view.retry_selected()
    assert sync_state.counts(desk)["rejected"] == 1  # sent again, refused again: the reason stays visible


def test_a_revoked_workstation_stops_syncing_and_says_why(window, make_desk, hub):
    desk = make_desk("mot", 1)
    revoke(hub.engine, desk.settings().device_id)
    win = window(desk)
    win.scheduler.start()
    assert "Đã dừng" in win.sync_status.text() and "thu hồi" in win.sync_status.text()
    assert not win.scheduler.timer.isActive()


def test_the_desk_catches_up_by_itself_when_the_hub_comes_back(qtbot, make_desk, tmp_path):
    from app.sync.client import enroll
    from tests.sync.conftest import COMMUNE_A
    from tests.sync.hubprocess import HubProcess

    hub = HubProcess(f"sqlite:///{tmp_path / 'hub-restart.sqlite'}")
    try:
        one, two = make_desk("mot", 1, enrolled=False), make_desk("hai", 2, enrolled=False)
        for desk, workstation in ((one, 1), (two, 2)):
            enroll(desk, hub.url, create_enroll_code(hub.engine, *COMMUNE_A, workstation), f"Máy {workstation}")
        windows = []
        for desk in (one, two):
            win = MainWindow(desk, Runner(synchronous=True), sync_runner=Runner(synchronous=True),
                             autostart_sync=False)
            qtbot.addWidget(win)
            windows.append(win)
        hub.stop()  # the line is down
        receive_dossier(one, birth("Nguyễn Văn Đức"))
        receive_dossier(two, birth("Trần Thị Bình"))
        for win in windows:
            win.scheduler.start()
            assert win.sync_status.text().startswith("○ Ngoại tuyến") and win.scheduler.retry.isActive()
        hub.start()  # the line is back; nobody touches the desks
        qtbot.waitUntil(lambda: all(sync_state.counts(d)["pending"] == 0 for d in (one, two)), timeout=20_000)
        for win in windows:  # one more round each brings the other's dossier
            win.scheduler.sync_now()
        assert count_dossiers(one) == count_dossiers(two) == 2
        assert windows[0].sync_status.text().startswith("● Trực tuyến")
    finally:
        hub.stop()
