"""Signed e-receipts through the transmitter to the provider simulator, a real uvicorn on 127.0.0.1:
a batch accepted, an outage ridden out with backoff, rejections with their reasons."""

import threading
import time
from datetime import datetime

import pytest
import requests
import uvicorn

from ereceipt.build import build_signed
from sync.hub.transmit import (
    ACCEPTED,
    PENDING,
    REJECTED,
    HttpTransmitter,
    OutageSwitch,
    PendingItem,
    RetryPolicy,
    full_jitter,
    transmit_pending,
)
from sync.provider_sim.app import SimState, create_app
from tests.ereceipt.conftest import COLLECTOR, receipt

SENDER = "0100000000"


@pytest.fixture
def sim(signer):
    state = SimState(registered={COLLECTOR.tax_code: signer.certificate()})
    server = uvicorn.Server(uvicorn.Config(create_app(state), host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "simulator did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    state.url = f"http://127.0.0.1:{port}"
    yield state
    server.should_exit = True
    thread.join(timeout=10)


def items(signer, numbers):
    return [PendingItem(f"row-{n}", COLLECTOR.tax_code, build_signed(receipt(n), signer)) for n in numbers]


def fast(**kw):
    return dict(sleep=lambda _s: None, policy=RetryPolicy(poll_interval=0, **kw))


def test_a_batch_of_signed_receipts_is_accepted(sim, signer):
    report = transmit_pending(items(signer, range(1, 21)), HttpTransmitter(sim.url), sender=SENDER, **fast())
    assert [d.status for d in report.deliveries] == [ACCEPTED] * 20
    assert len({d.message_id for d in report.deliveries}) == 1  # one message for the batch
    accepted = requests.get(f"{sim.url}/admin/accepted", timeout=5).json()["accepted"]
    assert accepted == [f"2800123456/EBL01-27TAA-{n:08d}" for n in range(1, 21)]


def test_an_outage_then_recovery_with_backoff(sim, signer):
    requests.post(f"{sim.url}/admin/outage", json={"down": True}, timeout=5)
    delays, switch = [], OutageSwitch()
    moments = iter([datetime(2027, 1, 1, 7, 30, s) for s in range(60)])

    def sleep(seconds):  # the line comes back during the third wait
        delays.append(seconds)
        if len(delays) == 3:
            requests.post(f"{sim.url}/admin/outage", json={"down": False}, timeout=5)

    report = transmit_pending(items(signer, [1, 2, 3]), HttpTransmitter(sim.url), sender=SENDER, switch=switch,
                              sleep=sleep, clock=lambda: next(moments), rng=lambda: 1.0,
                              policy=RetryPolicy(base=2, cap=600, attempts=6, poll_interval=0))
    assert [d.status for d in report.deliveries] == [ACCEPTED] * 3
    # rng = 1.0: the top of each jitter window; then one poll wait (poll_interval 0) for the result
    assert delays == [2, 4, 8, 0] and report.retries == 3
    assert switch.down_since == datetime(2027, 1, 1, 7, 30, 0) and switch.fixed_at is not None
    assert not switch.down


def test_a_long_outage_leaves_the_items_pending_and_the_switch_down(sim, signer):
    sim.down = True
    switch = OutageSwitch()
    report = transmit_pending(items(signer, [1, 2]), HttpTransmitter(sim.url), sender=SENDER, switch=switch,
                              **fast(attempts=3))
    assert [d.status for d in report.deliveries] == [PENDING, PENDING]
    assert "gián đoạn" in report.deliveries[0].reason and report.retries == 2
    assert switch.down and switch.fixed_at is None
    sim.down = False
    again = transmit_pending(items(signer, [1, 2]), HttpTransmitter(sim.url), sender=SENDER, switch=switch, **fast())
    assert [d.status for d in again.deliveries] == [ACCEPTED, ACCEPTED]
    assert not switch.down and switch.fixed_at > switch.down_since


def test_a_duplicate_number_is_rejected_with_its_reason(sim, signer):
    transmit_pending(items(signer, [7]), HttpTransmitter(sim.url), sender=SENDER, **fast())
    again = [PendingItem("row-7-bis", COLLECTOR.tax_code, build_signed(receipt(7, amount=50_000), signer))]
    [delivery] = transmit_pending(again, HttpTransmitter(sim.url), sender=SENDER, **fast()).deliveries
    assert delivery.status == REJECTED and "Trùng số biên lai" in delivery.reason


def test_a_bad_signature_is_rejected_and_the_others_go_through(sim, signer):
    batch = items(signer, [1, 2, 3])
    forged = batch[1].xml.replace(b"<TgTTTBSo>21000<", b"<TgTTTBSo>2100<")
    batch[1] = PendingItem("row-2", COLLECTOR.tax_code, forged)
    report = transmit_pending(batch, HttpTransmitter(sim.url), sender=SENDER, **fast())
    assert [d.status for d in report.deliveries] == [ACCEPTED, REJECTED, ACCEPTED]
    assert "Chữ ký số không hợp lệ" in report.deliveries[1].reason


def test_a_message_that_breaks_the_schema_gets_a_technical_refusal(sim):
    transmitter = HttpTransmitter(sim.url)
    ack = transmitter.send(b"<TDiep><TTChung><MTDiep>X</MTDiep></TTChung><DLieu/></TDiep>")
    assert not ack.received and ack.errors


def test_results_come_after_processing_and_a_resend_is_not_double_counted(sim, signer):
    sim.polls_before_result = 3
    sleeps = []
    report = transmit_pending(items(signer, [1]), HttpTransmitter(sim.url), sender=SENDER,
                              sleep=sleeps.append, policy=RetryPolicy(poll_interval=0.5))
    assert report.deliveries[0].status == ACCEPTED and sleeps == [0.5, 0.5, 0.5]


def test_an_acknowledged_message_is_asked_about_not_sent_again(sim, signer):
    sim.polls_before_result = 100
    [waiting] = transmit_pending(items(signer, [4]), HttpTransmitter(sim.url), sender=SENDER,
                                 **fast(polls=2)).deliveries
    assert waiting.status == PENDING and waiting.message_id
    sim.polls_before_result = 0
    resumed = PendingItem("row-4", COLLECTOR.tax_code, items(signer, [4])[0].xml, message_id=waiting.message_id)
    [done] = transmit_pending([resumed], HttpTransmitter(sim.url), sender=SENDER, **fast()).deliveries
    assert done.status == ACCEPTED and sim.received == 1


def test_an_administrator_can_suspend_sending(sim, signer):
    report = transmit_pending(items(signer, [1]), HttpTransmitter(sim.url), sender=SENDER,
                              switch=OutageSwitch(suspended=True), **fast())
    assert report.deliveries[0].status == PENDING and sim.received == 0


def test_full_jitter_stays_in_its_window():
    policy = RetryPolicy(base=2, cap=600)
    assert full_jitter(policy, 3, lambda: 0.5) == 8
    assert full_jitter(policy, 20, lambda: 1.0) == 600
    assert full_jitter(policy, 0, lambda: 0.0) == 0


class RecordingProvider:
    """Any object with send/result is a transmitter: here one that accepts everything in memory."""

    def __init__(self):
        self.messages = []

    def send(self, message):
        from ereceipt import envelope
        from sync.hub.transmit import Ack

        parsed = envelope.unwrap(message)
        self.messages.append(parsed)
        return Ack(parsed.message_id, True)

    def result(self, message_id):
        from ereceipt import xml_adapter
        from sync.hub.transmit import DocumentResult

        [parsed] = [m for m in self.messages if m.message_id == message_id]
        return [DocumentResult(xml_adapter.from_xml(d).key, ACCEPTED) for d in parsed.documents]


def test_items_go_in_messages_of_one_collector_and_bounded_size(signer):
    from dataclasses import replace

    from ereceipt.content import Collector

    other = Collector("Ủy ban nhân dân xã Hoằng Hóa", "2800999999", "Xã Hoằng Hóa, tỉnh Thanh Hóa")
    mine = items(signer, range(1, 6))
    theirs = [PendingItem(f"b-{n}", other.tax_code, build_signed(replace(receipt(n), collector=other), signer))
              for n in (1, 2)]
    provider = RecordingProvider()
    report = transmit_pending(theirs + mine, provider, sender=SENDER, batch_size=2, **fast())
    assert sorted(d.item_id for d in report.by_status(ACCEPTED)) == sorted(i.item_id for i in mine + theirs)
    assert [(m.tax_code, len(m.documents)) for m in provider.messages] == [
        ("2800123456", 2), ("2800123456", 2), ("2800123456", 1), ("2800999999", 2)]
