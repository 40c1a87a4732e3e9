"""Issue 10's "done means", end to end with real parts: on 01/01/2027 at 07:30, the line down, an
official collects a fee and prints a signed e-receipt; when the line returns the receipt reaches the
hub (SQLite and PostgreSQL), the provider simulator accepts it, and the desk shows it; a wrong one is
replaced with its notice, and both reach the provider too."""

import socket
import subprocess
from datetime import datetime

from app.core.receipts import SeriesSpec
from app.services import ereceipts, papers
from app.services.receipts import issue_receipt, void_receipt
from app.services.reception import receive_dossier
from sync.hub.admin import allot
from sync.hub.ereceipts import TransmitSettings, transmit_once
from sync.hub.transmit import HttpTransmitter, RetryPolicy
from tests.helpers.data import copy_cert
from tests.helpers.ereceipt_desk import configure
from tests.sync.conftest import COMMUNE_A, client
from tests.sync.ereceipt_ops import simulator

FAST = TransmitSettings(policy=RetryPolicy(base=0.01, cap=0.05, attempts=3, poll_interval=0, polls=5))


def test_new_year_offline_issue_reaches_the_provider_and_the_desk_shows_it(make_desk, hub, clock, tmp_path,
                                                                            monkeypatch):
    allot(hub.engine, COMMUNE_A[0], 1, SeriesSpec("electronic", "EBL01", "27TAA", 1, 500), COMMUNE_A[1])
    desk = make_desk("mot", 1)  # enrolled: the hub's e-range came with the enrollment
    configure(desk, tmp_path)
    clock.set(datetime(2027, 1, 1, 7, 30))
    dossier = receive_dossier(desk, copy_cert("Nguyễn Văn Đức"))

    def line_down(*args, **kwargs):
        raise OSError("mất kết nối")

    with monkeypatch.context() as offline:  # no connection can be opened while the fee is collected
        offline.setattr(socket.socket, "connect", line_down)
        offline.setattr(socket, "create_connection", line_down)
        assert not client(desk).round().online  # the desk knows it is offline
        got = issue_receipt(desk, dossier_uid=dossier.uid)
        printed = papers.receipt_pdf(desk, got.uid)
    (tmp_path / "bl.pdf").write_bytes(printed)
    words = subprocess.run(["pdftotext", str(tmp_path / "bl.pdf"), "-"], capture_output=True, text=True).stdout
    assert "BIÊN LAI THU PHÍ, LỆ PHÍ ĐIỆN TỬ" in words and "00000001" in words and got.lookup_code in words
    assert ereceipts.ereceipt_of(desk, got.uid).state == "signed"

    clock.set(datetime(2027, 1, 1, 9, 0))  # the line is back
    assert client(desk).round().online
    line = ereceipts.ereceipt_of(desk, got.uid)
    assert line.state == "at_hub"
    with simulator() as sim:
        assert transmit_once(hub.engine, HttpTransmitter(sim.url), FAST).moved("accepted") == 1
        assert "2800123456/EBL01-27TAA-00000001" in sim.accepted
        client(desk).round()
        line = ereceipts.ereceipt_of(desk, got.uid)
        assert (line.state, line.state_text, line.warn) == ("accepted", "Cơ quan thuế đã tiếp nhận", False)

        # A wrong receipt: its notice, then the replacement with the corrected amount.
        notice_id = void_receipt(desk, got.uid, reason="Thu sai số tiền", replacing=True)
        fixed = issue_receipt(desk, dossier_uid=dossier.uid, replaces_uid=got.uid, amount=got.amount + 2000)
        assert client(desk).round().rejected == 0
        assert transmit_once(hub.engine, HttpTransmitter(sim.url), FAST).moved("accepted") == 2
        assert len(sim.notices) == 1 and "2800123456/EBL01-27TAA-00000002" in sim.accepted
    client(desk).round()
    original, replacement = ereceipts.ereceipt_of(desk, got.uid), ereceipts.ereceipt_of(desk, fixed.uid)
    assert [(n.uid, n.state) for n in original.notices] == [(notice_id, "accepted")]
    assert (replacement.state, replacement.replaces_uid) == ("accepted", got.uid)
