import threading

import pytest
import requests
from sqlalchemy import func, select, text

from app.services import processing, sync_state
from app.services.queries import search_dossiers
from app.services.reception import ReceptionInput, receive_dossier
from app.sync.client import SyncClient, enroll
from sync.hub.admin import create_enroll_code, revoke
from sync.hub.models import AppliedOp, Change, Dossier
from tests.helpers.data import birth, marriage_status
from tests.sync.conftest import COMMUNE_A, COMMUNE_B


def hub_count(hub, model):
    with hub.engine.connect() as c:
        return c.execute(select(func.count()).select_from(model)).scalar()


def test_two_workstations_see_each_others_dossiers_exactly_once(make_desk, hub):
    one, two = make_desk("mot", 1), make_desk("hai", 2)
    a = receive_dossier(one, birth("Nguyễn Văn Đức"))
    b = receive_dossier(two, marriage_status("Trần Thị Bình"))
    processing.forward(two, b.uid, to_unit="Tư pháp")
    for desk in (one, two, one, two):
        result = SyncClient(desk).round()
        assert result.online and not result.problem
    assert [r.code for r in search_dossiers(one, "tran thi binh")] == [b.code]
    assert [r.code for r in search_dossiers(two, "nguyen van duc")] == [a.code]
    assert search_dossiers(one, "tran thi binh")[0].status.label == "Đang xử lý"
    assert hub_count(hub, Dossier) == 2 and hub_count(hub, AppliedOp) == 3
    assert sync_state.counts(one) == {"pending": 0, "sent": 1, "rejected": 0}
    assert one.settings().sync_last_success


def test_replayed_batches_in_parallel_give_one_row_per_op_and_the_same_answers(make_desk, hub):
    desk = make_desk("mot", 1)
    for k in range(5):
        got = receive_dossier(desk, birth(f"Người số {k}"))
        processing.forward(desk, got.uid, to_unit="Tư pháp")
    batch = sync_state.next_batch(desk, max_ops=200, max_bytes=10**6)
    body = {"schema": 1, "ops": [SyncClient._wire(op) for op in batch]}
    token = SyncClient(desk).token
    answers = []

    def send():
        response = requests.post(f"{hub.url}/api/v1/sync/push", json=body, headers={"Authorization": f"Bearer {token}"})
        answers.append([(r["op_id"], r["status"]) for r in response.json()["results"]])

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    send()
    assert hub_count(hub, AppliedOp) == 10 and hub_count(hub, Dossier) == 5 and hub_count(hub, Change) == 10
    statuses = [{status for _, status in answer} for answer in answers]
    assert sum(s == {"applied"} for s in statuses) <= 1 and all(s <= {"applied", "duplicate"} for s in statuses)
    assert {op for op, _ in answers[0]} == {op.op_id for op in batch}


def test_tenant_isolation(make_desk, hub):
    a, b = make_desk("a", 1, COMMUNE_A), make_desk("b", 1, COMMUNE_B)
    got = receive_dossier(a, birth("Nguyễn Văn Đức"))
    SyncClient(a).round()
    SyncClient(b).round()
    assert search_dossiers(b, "nguyen van duc") == []  # B never reads A's data
    op = sync_state.next_batch(a, max_ops=1, max_bytes=10**6)  # nothing pending on A any more
    assert op == []
    with a.read() as c:
        row = c.execute(text("SELECT * FROM outbox LIMIT 1")).mappings().one()
    import json

    # A well-formed step (the contract would refuse a malformed one before the tenant check).
    from sync.ops import Forwarded
    step = Forwarded(event_id="00000000-0000-4000-8000-000000000002", dossier_id=got.uid, kind="forwarded",
                     status_after=4, actor="b", device_time="2026-11-18T02:00:00+00:00", to_unit="Phòng X")
    forged = {"op_id": "00000000-0000-0000-0000-000000000001", "entity": "dossier", "entity_id": got.uid,
              "kind": "dossier.forwarded", "payload": step.wire(),
              "payload_sha256": "x", "actor": "b", "device_time": "2026-11-18T02:00:00+00:00", "device_seq": 1}
    from sync.canonical import payload_hash
    forged["payload_sha256"] = payload_hash(forged["payload"])
    response = requests.post(f"{hub.url}/api/v1/sync/push", json={"schema": 1, "ops": [forged]},
                             headers={"Authorization": f"Bearer {SyncClient(b).token}"})
    assert response.json()["results"][0]["code"] == "unknown_dossier"  # B cannot touch A's dossier
    copied = {**forged, "op_id": "00000000-0000-0000-0000-000000000002", "kind": "dossier.received",
              "payload": json.loads(row["payload"]), "actor": row["actor"]}
    copied["payload_sha256"] = payload_hash(copied["payload"])
    response = requests.post(f"{hub.url}/api/v1/sync/push", json={"schema": 1, "ops": [copied]},
                             headers={"Authorization": f"Bearer {SyncClient(b).token}"})
    assert response.json()["results"][0]["code"] == "wrong_agency"


def test_a_revoked_workstation_is_stopped_with_the_reason(make_desk, hub):
    desk = make_desk("mot", 1)
    receive_dossier(desk, birth())
    revoke(hub.engine, desk.settings().device_id)
    result = SyncClient(desk).round()
    assert result.stopped and "thu hồi" in result.problem
    assert sync_state.counts(desk)["pending"] == 1  # nothing lost: it waits in the outbox


def test_an_enrollment_code_works_once(make_desk, hub):
    desk = make_desk("mot", 1, enrolled=False)
    code = create_enroll_code(hub.engine, *COMMUNE_A, 1)
    enroll(desk, hub.url, code, "Máy một")
    other = make_desk("hai", 2, enrolled=False)
    with pytest.raises(Exception, match="đã được dùng"):
        enroll(other, hub.url, code, "Máy hai")


def test_offline_round_says_so_and_backs_off(make_desk, hub):
    desk = make_desk("mot", 1)
    receive_dossier(desk, birth())
    sync = SyncClient(desk)
    sync.base = "http://127.0.0.1:9"  # nothing listens there
    first, second = sync.round(), sync.round()
    assert not first.online and "Không kết nối" in first.problem
    assert 0 <= first.retry_in <= 2 and 0 <= second.retry_in <= 4
    assert sync_state.counts(desk)["pending"] == 1


def test_a_rejected_op_holds_back_only_its_own_dossier(make_desk, hub):
    desk = make_desk("mot", 1)
    held = receive_dossier(desk, marriage_status("Lê Văn Cường"))
    free = receive_dossier(desk, birth("Nguyễn Văn Đức"))
    with desk.write() as c:  # the hub will see a forged reception of another commune and reject it
        c.execute(text("UPDATE outbox SET payload = replace(payload, '000.17.22.H56', '000.99.99.H56') "
                       "WHERE entity_id = :u"), {"u": held.uid})
        row = c.execute(text("SELECT payload FROM outbox WHERE entity_id = :u"), {"u": held.uid}).scalar()
        import json

        from sync.canonical import payload_hash
        c.execute(text("UPDATE outbox SET payload_sha256 = :h WHERE entity_id = :u"),
                  {"h": payload_hash(json.loads(row)), "u": held.uid})
    processing.forward(desk, held.uid, to_unit="Tư pháp")
    processing.forward(desk, free.uid, to_unit="Tư pháp")
    result = SyncClient(desk).round()
    assert result.rejected == 1 and result.pushed == 2
    problems = sync_state.sync_problems(desk)
    assert [(p["kind"], p["state"]) for p in problems] == [("dossier.received", "rejected"),
                                                           ("dossier.forwarded", "pending")]
    assert "không thuộc cơ quan" in problems[0]["last_error"]


def test_enroll_and_sync_from_the_command_line(tmp_path, hub, capsys, monkeypatch):
    from app.cli import main

    db = str(tmp_path / "cli.sqlite")
    assert main(["--db", db, "init", "--agency-id", COMMUNE_A[0], "--commune", COMMUNE_A[1]]) == 0
    monkeypatch.setenv("MOTCUA_NEW_PASSWORD", "quan-tri-123")  # enrolment is the administrator's (issue 9)
    assert main(["--db", db, "officer", "add", "--username", "admin", "--name", "Trần Văn Quản"]) == 0
    monkeypatch.setenv("MOTCUA_PASSWORD", "quan-tri-123")
    code = create_enroll_code(hub.engine, *COMMUNE_A, 3)
    assert main(["--db", db, "--user", "admin", "enroll", "--hub", hub.url, "--code", code]) == 0
    assert "máy trạm số 3" in capsys.readouterr().out
    assert main(["--db", db, "sync"]) == 0
    assert "Đã gửi 1 thay đổi" in capsys.readouterr().out  # the administrator's account (officer.saved)
    assert main(["--db", db, "--user", "admin", "enroll", "--hub", hub.url, "--code", code]) == 2
    assert "đã được dùng" in capsys.readouterr().err


def test_the_same_op_twice_in_one_batch_applies_once(make_desk, hub):
    desk = make_desk("mot", 1)
    receive_dossier(desk, birth())
    [op] = sync_state.next_batch(desk, max_ops=10, max_bytes=10**6)
    wire = SyncClient._wire(op)
    reused = {**wire, "op_id": "00000000-0000-0000-0000-00000000abcd"}  # another op id, the same event
    response = requests.post(f"{hub.url}/api/v1/sync/push", json={"schema": 1, "ops": [wire, wire]},
                             headers={"Authorization": f"Bearer {SyncClient(desk).token}"})
    assert [r["status"] for r in response.json()["results"]] == ["applied", "duplicate"]
    response = requests.post(f"{hub.url}/api/v1/sync/push", json={"schema": 1, "ops": [reused]},
                             headers={"Authorization": f"Bearer {SyncClient(desk).token}"})
    assert response.json()["results"][0]["status"] in ("conflict", "rejected")
    assert hub_count(hub, Dossier) == 1 and hub_count(hub, AppliedOp) == 2 and hub_count(hub, Change) == 1


def test_receipt_ranges_allotted_by_the_hub_reach_their_workstation_only(make_desk, hub):
    from app.core.receipts import SeriesSpec
    from app.services.receipts import issue_receipt, series_status
    from sync.hub.admin import HubError, allot

    with pytest.raises(HubError, match="chưa có xã"):
        allot(hub.engine, COMMUNE_A[0], 1, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 500))
    allot(hub.engine, COMMUNE_A[0], 1, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 500), COMMUNE_A[1])
    one = make_desk("mot", 1)  # gets the range with its enrollment
    assert [(s["series_symbol"], s["first_number"], s["source"]) for s in series_status(one)] == [("AA/26T", 1, "hub")]
    two = make_desk("hai", 2)
    assert series_status(two) == []
    allot(hub.engine, COMMUNE_A[0], 2, SeriesSpec("paper", "01BLP0-001", "AA/26T", 501, 900))
    with pytest.raises(HubError, match="trùng"):
        allot(hub.engine, COMMUNE_A[0], 2, SeriesSpec("paper", "01BLP0-001", "AA/26T", 800, 1000))
    for desk in (one, two, two):  # pulled by the next round; applying it again changes nothing
        SyncClient(desk).round()
    assert [(s["first_number"], s["last_number"]) for s in series_status(two)] == [(501, 900)]
    assert len(series_status(one)) == 1
    got = receive_dossier(two, ReceptionInput("2.000884", "Nguyễn Văn A"))
    assert issue_receipt(two, dossier_uid=got.uid).number == 501


def test_steps_taken_upstream_reach_the_desk(make_desk, hub):
    from app.core.lifecycle import Action, Status
    from app.services.queries import dossier_detail
    from sync.hub.admin import HubError
    from sync.hub.upstream import record_upstream_event

    desk = make_desk("mot", 1)
    got = receive_dossier(desk, marriage_status("Lê Văn Cường"))
    processing.forward(desk, got.uid, to_unit="Sở Tư pháp (liên thông)")
    SyncClient(desk).round()
    with pytest.raises(HubError, match="Không thể"):
        record_upstream_event(hub.engine, got.code, Action.HAND_OVER, actor="Sở Tư pháp")
    record_upstream_event(hub.engine, got.code, Action.FINISH, actor="Sở Tư pháp", details={"note": "Đã có kết quả"})
    SyncClient(desk).round()
    detail = dossier_detail(desk, got.uid)
    assert Status(detail["dossier"]["status"]) == Status.DONE and detail["dossier"]["finished_at"] is not None
    assert [(e["kind"], e["actor"]) for e in detail["events"]][-1] == ("finished", "Sở Tư pháp")


def test_an_outdated_client_is_told_to_update(make_desk, hub):
    desk = make_desk("mot", 1)
    response = requests.post(f"{hub.url}/api/v1/sync/push", json={"schema": 0, "ops": []},
                             headers={"Authorization": f"Bearer {SyncClient(desk).token}"})
    assert response.status_code == 426 and "cập nhật phần mềm" in response.json()["message"]
    response = requests.get(f"{hub.url}/api/v1/sync/pull", params={"since": 0, "schema": 0},
                            headers={"Authorization": f"Bearer {SyncClient(desk).token}"})
    assert response.status_code == 426


def test_a_batch_too_large_is_halved_and_still_goes_through(make_desk, hub):
    desk = make_desk("mot", 1)
    with desk.batch():
        for k in range(150):
            got = receive_dossier(desk, birth(f"Người {k:03d}"))
            processing.forward(desk, got.uid, to_unit="Tư pháp")
    client = SyncClient(desk)
    client.max_ops = 300  # more than the hub accepts in one request
    result = client.round()
    assert result.online and result.pushed == 300 and client.max_ops == 150


def test_published_fees_and_days_off_reach_the_desks(make_desk, hub, clock):
    from datetime import date, datetime

    from app.assets import load_json
    from app.services.clock import to_local
    from sync.hub.publish import publish_day, publish_procedure

    desk = make_desk("mot", 1)
    before = receive_dossier(desk, ReceptionInput("2.000884", "Nguyễn Văn A"))
    procedure = next(p for p in load_json("catalogue", "procedures.json")["procedures"] if p["code"] == "2.000884")
    new_version = {**procedure["versions"][0], "effective_from": "2026-11-19",
                   "fee": {**procedure["versions"][0]["fee"], "amount": 12000}}
    assert publish_procedure(hub.engine, {**procedure, "versions": [new_version]}) == 1
    assert publish_day(hub.engine, date(2026, 11, 20), "off", "Nghỉ theo thông báo của tỉnh") == 1
    SyncClient(desk).round()
    clock.set(datetime(2026, 11, 19, 9, 0))
    after = receive_dossier(desk, ReceptionInput("2.000884", "Nguyễn Văn B"))
    assert (before.fee_amount, after.fee_amount) == (10000, 12000)
    three_days = receive_dossier(desk, marriage_status("Lê Văn C"))  # Thu 19/11 09:00, Fri 20/11 now off
    assert to_local(three_days.due_at) == datetime(2026, 11, 25, 9, 0)


def test_a_machine_without_a_keyring_is_told_plainly_and_nothing_is_stored(make_desk, hub, tmp_path):
    import keyring
    from keyring.backends.fail import Keyring as NoKeyring

    from app.sync.credentials import CredentialsUnavailable

    desk = make_desk("mot", 1, enrolled=False)
    code = create_enroll_code(hub.engine, *COMMUNE_A, 1)
    working = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    with pytest.raises(CredentialsUnavailable, match="kho mật khẩu"):
        enroll(desk, hub.url, code, "Máy một")
    assert desk.settings().device_id == ""  # not enrolled half-way
    keyring.set_keyring(working)  # the admin set up a credential store: the same code still works
    enroll(desk, hub.url, code, "Máy một")
    assert desk.settings().device_id


def test_enrolling_again_removes_the_old_token(make_desk, hub):
    from app.sync.credentials import load_token

    desk = make_desk("mot", 1)
    old = desk.settings()
    assert load_token(old.hub_url, old.device_id)
    enroll(desk, hub.url, create_enroll_code(hub.engine, *COMMUNE_A, 1), "Máy một (máy mới)")
    assert load_token(old.hub_url, old.device_id) is None
    assert desk.settings().device_id != old.device_id and SyncClient(desk).round().online


def test_a_replaced_pc_under_the_same_number_never_reuses_a_code_it_pulled(make_desk, hub):
    """The old PC of workstation 1 received three dossiers today and sent them; its replacement,
    enrolled as workstation 1 again, pulls them and then receives the fourth under a new code."""
    old = make_desk("cu", 1)
    codes = [receive_dossier(old, birth(f"Người {k}")).code for k in range(3)]
    assert SyncClient(old).round().online
    new = make_desk("moi", 1)
    assert SyncClient(new).round().online
    fourth = receive_dossier(new, birth("Người thứ tư"))
    assert fourth.code not in codes and fourth.code.endswith("-1004")
