"""The hub stores signed e-receipts and notices pushed by a desk (real hub on 127.0.0.1, SQLite and
PostgreSQL), refuses what does not match with a code, and delivers what it stored to the provider
simulator, writing a `receipt.transmission` change for each state move."""

import base64
import hashlib
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select, update

from ereceipt.notice import EXPLAIN
from sync.canonical import payload_hash
from sync.hub.ereceipts import TransmitSettings, claim, start_in_process, transmit_once
from sync.hub.models import Change, EDocument
from sync.hub.store import open_hub
from sync.hub.transmit import HttpTransmitter, RetryPolicy
from sync.provider_sim.app import SimState
from tests.sync.conftest import COMMUNE_A, COMMUNE_B, Hub
from tests.sync.ereceipt_ops import (
    b64,
    enrolled_token,
    make,
    notice_bytes,
    noticed,
    outage,
    pull,
    push,
    replacement,
    signer,
    simulator,
    voided,
)

ROOT = Path(__file__).resolve().parents[2]
FAST = TransmitSettings(policy=RetryPolicy(base=0.01, cap=0.05, attempts=3, poll_interval=0, polls=5))


@pytest.fixture(scope="module")
def key(tmp_path_factory):
    return signer(tmp_path_factory.mktemp("key"))


def documents(hub):
    with hub.engine.connect() as c:
        return c.execute(select(EDocument).order_by(EDocument.id)).all()


def transmissions(hub):
    with hub.engine.connect() as c:
        rows = c.execute(select(Change).where(Change.kind == "receipt.transmission").order_by(Change.seq)).all()
    return [(r.payload["document"], r.payload["state"], r.payload["reason"]) for r in rows]


def test_a_signed_receipt_is_stored_once_and_every_desk_hears_it_is_at_the_hub(hub, key):
    token, other = enrolled_token(hub, COMMUNE_A, 1), enrolled_token(hub, COMMUNE_A, 2)
    made = make(key, 1)
    assert [r["status"] for r in push(hub, token, made.ops())] == ["applied", "applied"]
    assert [r["status"] for r in push(hub, token, made.ops())] == ["duplicate", "duplicate"]
    [row] = documents(hub)
    assert (row.uid, row.document, row.state, row.doc_key, row.lookup_code, row.tax_code) == (
        made.receipt_id, "receipt", "at_hub", "EBL01-27TAA-00000001", made.receipt.lookup_code, "2800123456")
    assert bytes(row.xml) == made.xml
    # The hub's own change reaches the desk that issued the receipt too, not only the others.
    for reader in (token, other):
        mine = [c for c in pull(hub, reader) if c["kind"] == "receipt.transmission"]
        assert [(c["origin_device"], c["payload"]["state"], c["entity_id"]) for c in mine] == [
            ("hub", "at_hub", made.receipt_id)]


def test_what_does_not_match_is_refused_with_its_code_and_nothing_is_stored(hub, key):
    token = enrolled_token(hub, COMMUNE_A, 1)
    base = make(key, 1)
    assert [r["status"] for r in push(hub, token, [base.issued])] == ["applied"]

    def signed_with(**payload):
        return {**base.signed, "payload": {**base.signed["payload"], **payload},
                "payload_sha256": payload_hash(
                    {**base.signed["payload"], **payload}), "op_id": str(uuid.uuid4())}

    tampered = base.xml.replace("Nguyễn Văn Đức".encode(), "Nguyễn Văn Đực".encode())  # one letter
    cases = {
        "signature_invalid": signed_with(**b64(tampered)),
        "xml_hash_mismatch": signed_with(xml_sha256="0" * 64),
        "xml_mismatch": signed_with(**b64(make(key, 1, amount=2_100_000).xml)),  # the amount inside differs
        "receipt_mismatch": signed_with(number=2),
    }
    garbage = base64.b64encode(bytes(range(256)) * 700).decode()[: 256 * 1024 - 4]
    cases["bad_xml"] = signed_with(xml_b64=garbage, xml_sha256=hashlib.sha256(
        base64.b64decode(garbage)).hexdigest())
    for code, attack in cases.items():
        [result] = push(hub, token, [attack])
        expected = "signature_invalid" if code == "bad_xml" else code
        assert (result["status"], result["code"]) == ("rejected", expected), (code, result)
        assert result["message"]
    assert documents(hub) == []
    assert push(hub, token, [base.signed])[0]["status"] == "applied"  # the refusals left nothing in the way


def test_another_communes_receipt_or_one_not_yet_here(hub, key):
    mine, theirs = enrolled_token(hub, COMMUNE_A, 1), enrolled_token(hub, COMMUNE_B, 1)
    made = make(key, 1)
    # The signed document before its receipt: held back, not recorded, so it is answered afresh later.
    assert push(hub, mine, [made.signed])[0]["status"] == "held_back"
    assert [r["status"] for r in push(hub, mine, made.ops())] == ["applied", "applied"]
    stolen = make(key, 2)
    push(hub, mine, [stolen.issued])
    [result] = push(hub, theirs, [stolen.signed])
    assert (result["status"], result["code"]) == ("rejected", "foreign_receipt")
    assert push(hub, mine, [{**make(key, 1).signed, "entity_id": made.receipt_id}])[0]["status"] == "rejected"
    assert len(documents(hub)) == 1


def test_a_receipt_signed_twice_or_a_lookup_code_reused_is_a_conflict(hub, key):
    token = enrolled_token(hub, COMMUNE_A, 1)
    first = make(key, 1)
    push(hub, token, first.ops())
    [twice] = push(hub, token, [{**first.signed, "op_id": str(uuid.uuid4())}])  # same document, new op
    assert (twice["status"], twice["code"]) == ("conflict", "already_signed")
    reused = make(key, 2, lookup_code=first.receipt.lookup_code)
    assert [(r["status"], r["code"]) for r in push(hub, token, reused.ops())] == [
        ("applied", ""), ("conflict", "lookup_taken")]
    assert len(documents(hub)) == 1


def test_a_notice_only_for_a_voided_or_replaced_e_receipt_that_it_names(hub, key):
    token = enrolled_token(hub, COMMUNE_A, 1)
    wrong = make(key, 1)
    push(hub, token, wrong.ops())
    early = noticed(wrong, notice_bytes(key, wrong))
    assert push(hub, token, [early])[0]["code"] == "receipt_not_wrong"  # still a live receipt
    assert push(hub, token, [voided(wrong)])[0]["status"] == "applied"
    for bad in (notice_bytes(key, wrong, number=9), notice_bytes(key, wrong, action=EXPLAIN)):  # not what it says
        [result] = push(hub, token, [noticed(wrong, bad)])
        assert (result["status"], result["code"]) == ("rejected", "xml_mismatch")
    fix = replacement(key, wrong, 2)
    assert [r["status"] for r in push(hub, token, [noticed(wrong, notice_bytes(key, wrong)), *fix.ops()])] == [
        "applied"] * 3
    assert [(d.document, d.receipt_uid) for d in documents(hub)] == [
        ("receipt", wrong.receipt_id), ("notice", wrong.receipt_id), ("receipt", fix.receipt_id)]


def test_stored_documents_reach_the_provider_and_each_move_is_a_change(hub, key):
    token = enrolled_token(hub, COMMUNE_A, 1)
    wrong = make(key, 1)
    push(hub, token, wrong.ops())
    with simulator() as sim:
        report = transmit_once(hub.engine, HttpTransmitter(sim.url), FAST)
        assert (report.claimed, report.moved("accepted")) == (1, 1)
        fix = replacement(key, wrong, 2)
        push(hub, token, [voided(wrong), noticed(wrong, notice_bytes(key, wrong)), *fix.ops()])
        report = transmit_once(hub.engine, HttpTransmitter(sim.url), FAST)
        assert (report.claimed, report.moved("accepted")) == (2, 2)
        assert sorted(sim.accepted) == ["2800123456/EBL01-27TAA-00000001", "2800123456/EBL01-27TAA-00000002"]
        assert len(sim.notices) == 1
        assert transmit_once(hub.engine, HttpTransmitter(sim.url), FAST).claimed == 0  # nothing left
    assert [d.state for d in documents(hub)] == ["accepted"] * 3
    assert transmissions(hub) == [
        ("receipt", "at_hub", ""), ("receipt", "sent", ""), ("receipt", "accepted", ""),
        ("notice", "at_hub", ""), ("receipt", "at_hub", ""),
        ("receipt", "sent", ""), ("receipt", "accepted", ""), ("notice", "sent", ""), ("notice", "accepted", "")]


def test_an_outage_is_ridden_out_and_a_rejection_keeps_its_reason(hub, key, tmp_path):
    token = enrolled_token(hub, COMMUNE_A, 1)
    push(hub, token, make(key, 1).ops())
    with simulator() as sim:
        outage(sim, True)
        report = transmit_once(hub.engine, HttpTransmitter(sim.url), FAST)
        assert report.retries == FAST.policy.attempts - 1 and report.moves == {}
        assert [d.state for d in documents(hub)] == ["at_hub"]  # kept for the next pass, lease released
        outage(sim, False)
        assert transmit_once(hub.engine, HttpTransmitter(sim.url), FAST).moved("accepted") == 1
    # The provider knows another certificate for this tax code: it rejects, and says why.
    push(hub, token, make(key, 2).ops())
    with simulator(SimState(registered={"2800123456": signer(tmp_path).certificate()})) as sim:
        assert transmit_once(hub.engine, HttpTransmitter(sim.url), FAST).moved("rejected") == 1
    last = documents(hub)[-1]
    assert last.state == "rejected" and "chứng thư" in last.reason
    assert transmissions(hub)[-1] == ("receipt", "rejected", last.reason)


def test_items_waiting_over_a_day_are_logged_loudly(hub, key, caplog):
    token = enrolled_token(hub, COMMUNE_A, 1)
    push(hub, token, make(key, 1).ops())
    with hub.engine.begin() as c:
        c.execute(update(EDocument).values(stored_at=datetime.now(UTC) - timedelta(days=2)))
    with simulator() as sim:
        outage(sim, True)
        with caplog.at_level("ERROR", logger="sync.hub.ereceipts"):
            report = transmit_once(hub.engine, HttpTransmitter(sim.url), FAST)
    assert report.overdue == 1
    assert any("quá 1 ngày" in r.getMessage() and COMMUNE_A[0] in r.getMessage() for r in caplog.records)


def test_two_workers_never_claim_the_same_document(hub, key):
    token = enrolled_token(hub, COMMUNE_A, 1)
    ops = [o for n in range(1, 41) for o in make(key, n).ops()]
    push(hub, token, ops)
    got: list[list[int]] = []
    barrier = threading.Barrier(4)

    def worker():
        barrier.wait()
        got.append([row.id for row in claim(hub.engine, 15, timedelta(minutes=5))])

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    claimed = [i for ids in got for i in ids]
    assert len(claimed) == len(set(claimed)) == 40
    with hub.engine.connect() as c:
        assert c.execute(select(func.count()).where(EDocument.lease_until.is_not(None))).scalar() == 40


def test_the_transmit_command_sends_once_and_says_so(hub, hub_url, key):
    token = enrolled_token(hub, COMMUNE_A, 1)
    push(hub, token, make(key, 1).ops())
    command = [sys.executable, "-m", "sync.hub", "--db", hub_url, "transmit", "--once", "--attempts", "2"]
    with simulator() as sim:
        outage(sim, True)
        down = subprocess.run([*command, "--provider", sim.url], capture_output=True, text=True, timeout=600,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert down.returncode == 1, down.stderr
        assert "Tổ chức truyền nhận không trả lời" in down.stdout
        outage(sim, False)
        done = subprocess.run([*command, "--provider", sim.url], capture_output=True, text=True, timeout=120,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert "Đã xử lý 1 chứng từ điện tử (đã gửi: 1, được chấp nhận: 1)." in done.stdout
    assert [d.state for d in documents(hub)] == ["accepted"]


def test_a_message_the_provider_lost_is_sent_again_under_its_own_id(hub, key):
    token = enrolled_token(hub, COMMUNE_A, 1)
    push(hub, token, make(key, 1).ops())
    with simulator(polls=100) as slow:  # acknowledged, then never answered
        assert transmit_once(hub.engine, HttpTransmitter(slow.url), FAST).moved("sent") == 1
    [row] = documents(hub)
    assert row.state == "sent" and row.message_id and row.lease_until is None
    with simulator() as fresh:  # the provider was reset: it does not know that message
        assert transmit_once(hub.engine, HttpTransmitter(fresh.url), FAST).moved("accepted") == 1
        assert list(fresh.accepted) == ["2800123456/EBL01-27TAA-00000001"]
        assert list(fresh.results) == [row.message_id]  # the same MTDiep, not a new message
    assert documents(hub)[0].message_id == row.message_id


class Stopped(BaseException):
    """The hub's process stopping (power cut, kill) at a chosen point."""


class StopsBeforeSending(HttpTransmitter):
    def send(self, message: bytes):
        raise Stopped


def test_a_hub_stopped_after_keeping_the_id_and_before_sending_sends_it_under_that_id(hub, key):
    token = enrolled_token(hub, COMMUNE_A, 1)
    push(hub, token, make(key, 1).ops())
    with simulator() as sim:
        with pytest.raises(Stopped):
            transmit_once(hub.engine, StopsBeforeSending(sim.url), FAST)
        [row] = documents(hub)
        assert row.state == "at_hub" and row.message_id and not sim.results
        assert transmit_once(hub.engine, HttpTransmitter(sim.url), FAST).moves == {"sent": 1, "accepted": 1}
        assert list(sim.results) == [row.message_id]
    assert [(d.state, d.message_id) for d in documents(hub)] == [("accepted", row.message_id)]
    assert transmissions(hub) == [("receipt", "at_hub", ""), ("receipt", "sent", ""), ("receipt", "accepted", "")]


def test_a_hub_killed_after_the_providers_acknowledgement_asks_instead_of_sending_again(hub, hub_url, key):
    """The window the old hub got wrong: the provider has the message, the hub dies before writing
    down that it was sent; sending the receipts again in a new message would get them refused as
    duplicates ("Trùng số biên lai") and the desk would show a valid receipt as rejected."""
    token = enrolled_token(hub, COMMUNE_A, 1)
    push(hub, token, [o for n in (1, 2) for o in make(key, n).ops()])
    command = [sys.executable, "-m", "sync.hub", "--db", hub_url, "transmit", "--once"]
    with simulator(polls=10_000) as sim:  # acknowledges, then answers "processing" while the hub polls
        process = subprocess.Popen([*command, "--provider", sim.url], env={**os.environ, "PYTHONPATH": str(ROOT)},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 120
            while not sim.polls or max(sim.polls.values()) < 1:
                assert time.monotonic() < deadline and process.poll() is None, "the hub never sent"
                time.sleep(0.05)
        finally:
            process.kill()
            process.wait(timeout=30)
        [message_id] = list(sim.results)
        assert {(d.state, d.message_id) for d in documents(hub)} == {("at_hub", message_id)}
        sim.polls_before_result = 0
        later = datetime.now(UTC) + timedelta(minutes=16)  # the dead process's lease has run out
        report = transmit_once(hub.engine, HttpTransmitter(sim.url), FAST, clock=lambda: later)
        assert report.moves == {"sent": 2, "accepted": 2}
        assert list(sim.results) == [message_id]
    assert sorted(sim.accepted) == ["2800123456/EBL01-27TAA-00000001", "2800123456/EBL01-27TAA-00000002"]
    assert [d.state for d in documents(hub)] == ["accepted", "accepted"]


def test_a_small_hub_transmits_from_its_own_process(hub, key):
    token = enrolled_token(hub, COMMUNE_A, 1)
    with simulator() as sim:
        loop = start_in_process(hub.engine, sim.url, interval=0.1, settings=FAST)
        try:
            push(hub, token, [o for n in (1, 2, 3) for o in make(key, n).ops()])
            deadline = time.monotonic() + 30
            while {d.state for d in documents(hub)} != {"accepted"}:
                assert time.monotonic() < deadline, [d.state for d in documents(hub)]
                time.sleep(0.1)
        finally:
            loop.stop()
    assert len(sim.accepted) == 3 and not loop.thread.is_alive()


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "waited too long"
        time.sleep(0.1)


def answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).ok
    except requests.RequestException:
        return False


def test_serve_with_transmit_to_sends_from_the_hubs_own_process(hub_url, key, tmp_path):
    with simulator() as sim, socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        hub = Hub(f"http://127.0.0.1:{port}", open_hub(hub_url))  # migrated here, before the server starts
        process = subprocess.Popen([sys.executable, "-m", "sync.hub", "--db", hub_url, "serve", "--port", str(port),
                                    "--blobs", str(tmp_path / "blobs"), "--transmit-to", sim.url,
                                    "--transmit-interval", "0.2"], env={**os.environ, "PYTHONPATH": str(ROOT)},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(lambda: answers(f"{hub.url}/api/v1/health"))
            push(hub, enrolled_token(hub, COMMUNE_A, 1), make(key, 1).ops())
            wait_for(lambda: [d.state for d in documents(hub)] == ["accepted"])
            assert list(sim.accepted) == ["2800123456/EBL01-27TAA-00000001"]
        finally:
            process.terminate()
            process.wait(timeout=10)
            hub.engine.dispose()


def test_a_mistyped_provider_address_is_refused_at_once(tmp_path):
    run = subprocess.run([sys.executable, "-m", "sync.hub", "--db", f"sqlite:///{tmp_path / 'hub.sqlite'}",
                          "transmit", "--provider", "tvan.example.vn:8480", "--once"], capture_output=True,
                         text=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 2 and run.stdout == ""
    assert "Địa chỉ tổ chức truyền nhận «tvan.example.vn:8480» không hợp lệ" in run.stderr
