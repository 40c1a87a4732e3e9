"""1,000 e-receipts from a desk through the hub to the provider: pushed (`receipt.issued` and
`receipt.signed`, each document checked by the hub — hash, XMLDSig, the receipt row — and stored),
then sent by the hub's transmit pass to the provider simulator (which checks every signature again
and accepts), then the desk's round that pulls the states back; against pushing 1,000 paper
receipts (`receipt.issued`) to the same hub in the same run. The hub runs in its own process on a
SQLite file, as a small district's would. Usage: python bench/ereceipt_delivery.py [count]"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

from common import report
from hubproc import HubProcess, enrolled_desk

from app.core.receipts import SeriesSpec
from app.services import ereceipts
from app.services.clock import from_local
from app.services.desk import Desk
from app.services.receipts import add_series, issue_receipt
from app.services.settings import save_settings
from app.services.signer_config import save_secret
from app.sync.client import SyncClient
from ereceipt.keys import make_demo_pkcs12
from sync.hub.ereceipts import TransmitSettings, transmit_once
from sync.hub.transmit import HttpTransmitter, RetryPolicy
from sync.provider_sim.app import SimState, create_app

TAX_CODE, COLLECTOR = "2800123456", "Ủy ban nhân dân xã Quảng Phú"


class Ticking:
    """A desk clock on a chosen morning that moves a second at each reading."""

    def __init__(self, wall: datetime) -> None:
        self.instant = from_local(wall)

    def __call__(self) -> datetime:
        self.instant += timedelta(seconds=1)
        return self.instant


def issue(desk: Desk, count: int, wall: datetime, kind: str) -> None:
    desk.clock = Ticking(wall)
    template, series = ("EBL01", "27TAA") if kind == "electronic" else ("01BLP0-001", "AA/26T")
    add_series(desk, SeriesSpec(kind, template, series, 1, count + 10))
    for n in range(count):
        issue_receipt(desk, payer_name=f"Người nộp số {n:04d}", fee_name="Lệ phí chứng thực bản sao",
                      amount=2_000 * (n % 50 + 1))


def signing_desk(desk: Desk, folder: Path) -> None:
    make_demo_pkcs12(folder / "key.p12", b"bench", COLLECTOR, TAX_CODE)
    with desk.write() as connection:
        save_settings(connection, collector_name=COLLECTOR, collector_tax_code=TAX_CODE,
                      collector_address="Xã Quảng Phú, tỉnh Thanh Hóa", tax_office_code="28101",
                      tax_office_name="Thuế cơ sở 1 tỉnh Thanh Hóa", signer_kind="pkcs12", signer_path="key.p12")
    desk.forget_cached()
    save_secret(desk.settings(), "bench", folder)


def pushed(desk: Desk) -> tuple[int, float]:
    start = time.perf_counter()
    sent, rejected, _ = SyncClient(desk).push()
    assert rejected == 0
    return sent, time.perf_counter() - start


def simulator(state: SimState):  # type: ignore[no-untyped-def]
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(create_app(state), host="127.0.0.1", port=0, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return server, f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        hub = HubProcess(f"sqlite:///{folder / 'hub.sqlite'}")
        try:
            (folder / "paper").mkdir()
            (folder / "e").mkdir()
            paper = enrolled_desk(hub, folder / "paper" / "xa.sqlite", 1)
            e_desk = enrolled_desk(hub, folder / "e" / "xa.sqlite", 2)
            signing_desk(e_desk, folder / "e")
            issue(paper, count, datetime(2026, 12, 15, 8, 0), "paper")
            issue(e_desk, count, datetime(2027, 1, 4, 8, 0), "electronic")
            paper_ops, paper_s = pushed(paper)
            e_ops, e_push_s = pushed(e_desk)
            server, url = simulator(SimState(registered={}, polls_before_result=0))
            start = time.perf_counter()
            sent = transmit_once(hub.engine, HttpTransmitter(url), TransmitSettings(
                policy=RetryPolicy(poll_interval=0)))
            transmit_s = time.perf_counter() - start
            server.should_exit = True
            start = time.perf_counter()
            SyncClient(e_desk).pull()
            pull_s = time.perf_counter() - start
            states = {line.state for line in ereceipts.ereceipts_of_day(e_desk, datetime(2027, 1, 4).date())}
        finally:
            hub.stop()
    accepted = sent.moved("accepted")
    assert accepted == count and states == {"accepted"}, (accepted, states)
    total = e_push_s + transmit_s
    report("ereceipt_delivery",
           f"{count:,} e-receipts pushed ({e_ops:,} ops: issued + signed, each signature checked by the hub) in "
           f"{e_push_s:.1f} s and transmitted by the hub to the provider simulator in {transmit_s:.1f} s "
           f"({accepted:,} accepted; the desk pulled the states in {pull_s:.1f} s); {count:,} paper receipts pushed "
           f"in {paper_s:.1f} s in the same run → push ×{e_push_s / paper_s:.1f}, push + transmit "
           f"×{total / paper_s:.1f}",
           count=count, e_ops=e_ops, e_push_s=round(e_push_s, 2), transmit_s=round(transmit_s, 2),
           pull_states_s=round(pull_s, 2), paper_ops=paper_ops, paper_push_s=round(paper_s, 2),
           ratio_push=round(e_push_s / paper_s, 2), ratio_push_transmit=round(total / paper_s, 2),
           ratio=f"×{total / paper_s:.1f}", accepted=accepted, ok=accepted == count)


if __name__ == "__main__":
    main()
