"""Issuing an e-receipt through the desk's real service (`issue_receipt` on a real SQLite file in
the electronic regime: the next number, build, sign with the software key (RSA-2048, PKCS#12, its
password in the keyring), store the signed XML, queue `receipt.issued` and `receipt.signed`, one
transaction with synchronous=FULL), median over many receipts, against issuing a paper receipt
through the same service in the same run; target ≤ 20 ms. Then the document alone (build + sign),
against building the paper receipt's content (and, for scale, rendering the paper receipt's PDF).
Then 1,000 signed receipts transmitted to the provider simulator (uvicorn on 127.0.0.1, which
checks every signature), with the time. Usage: python bench/ereceipt.py"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

# This file is named like the `ereceipt` package: take its own folder off the path so that
# `import ereceipt` finds the package, and reach the shared helpers as `bench.common`.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))

from app.core.money import amount_in_words, format_vnd  # noqa: E402
from bench.common import median, percentile, report  # noqa: E402
from ereceipt.build import build_signed  # noqa: E402
from ereceipt.content import Collector, EReceipt, Payer, make_lookup_code, validate  # noqa: E402
from ereceipt.keys import Pkcs12Signer, make_demo_pkcs12  # noqa: E402
from ereceipt.verify import verify_receipt  # noqa: E402
from ereceipt.xml_adapter import to_bytes  # noqa: E402
from forms.receipt import ReceiptContent, render_receipt  # noqa: E402
from sync.hub.transmit import ACCEPTED, HttpTransmitter, PendingItem, RetryPolicy, transmit_pending  # noqa: E402
from sync.provider_sim.app import SimState, create_app  # noqa: E402

RUNS = 300
SERVICE_RUNS = 200
TRANSMITTED = 1000
TARGET_MS = 20.0
COLLECTOR = Collector("Ủy ban nhân dân xã Quảng Phú", "2800123456", "Xã Quảng Phú, tỉnh Thanh Hóa")
START = datetime(2027, 1, 4, 7, 30)


def receipts(count: int) -> list[EReceipt]:
    return [EReceipt("EBL01", "27TAA", n, START + timedelta(minutes=n), COLLECTOR,
                     Payer(f"Người nộp số {n:04d}", "Thôn Đông, xã Quảng Phú"), "Lệ phí chứng thực bản sao",
                     2_000 * (n % 50 + 1), make_lookup_code(), dossier_code=f"000.17.22.H56-270104-{1000 + n}")
            for n in range(1, count + 1)]


def paper_content(r: EReceipt) -> ReceiptContent:
    return ReceiptContent(
        title="Biên lai thu phí, lệ phí", template_symbol="01BLP0-001", series_symbol="BI-26T",
        number=f"{r.number:07d}", collector_name=r.collector.name, collector_tax_code=r.collector.tax_code,
        collector_address=r.collector.address, payer_name=r.payer.name, payer_address=r.payer.address,
        fee_name=r.fee_name, amount_figures=format_vnd(r.amount).replace(" đ", " đồng"),
        amount_words=amount_in_words(r.amount), payment_method="Tiền mặt",
        issued_on=f"Ngày {r.issued_at:%d} tháng {r.issued_at:%m} năm {r.issued_at:%Y}",
        collector_officer="Lê Thị Hoa", dossier_code=r.dossier_code)


def timed(fn, items) -> list[float]:
    fn(items[0])  # warm: imports, caches, the key
    times = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        times.append((time.perf_counter() - start) * 1000)
    return times


def transmit(signer: Pkcs12Signer) -> tuple[float, int]:
    """Seconds to transmit TRANSMITTED signed receipts (signed beforehand), and how many were accepted."""
    import uvicorn

    documents = [build_signed(r, signer) for r in receipts(TRANSMITTED)]
    items = [PendingItem(str(n), COLLECTOR.tax_code, xml) for n, xml in enumerate(documents)]
    state = SimState(registered={COLLECTOR.tax_code: signer.certificate()}, polls_before_result=0)
    server = uvicorn.Server(uvicorn.Config(create_app(state), host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    start = time.perf_counter()
    result = transmit_pending(items, HttpTransmitter(url), sender="0100000000", policy=RetryPolicy(poll_interval=0))
    seconds = time.perf_counter() - start
    server.should_exit = True
    thread.join(timeout=10)
    return seconds, len(result.by_status(ACCEPTED))


class Ticking:
    """A desk clock on a chosen day that moves a second at each reading, as a morning at the desk would."""

    def __init__(self, start: datetime) -> None:
        self.instant = start

    def __call__(self) -> datetime:
        self.instant += timedelta(seconds=1)
        return self.instant


def service_issue(folder: Path) -> tuple[list[float], list[float]]:
    """Milliseconds of each `issue_receipt` for a received dossier: e-receipts on 04/01/2027, paper
    receipts on 15/12/2026, each desk on its own real file."""
    import keyring

    from app.core.receipts import SeriesSpec
    from app.services.clock import from_local
    from app.services.commune import CommuneSetup, init_commune
    from app.services.desk import Desk
    from app.services.receipts import add_series, issue_receipt
    from app.services.reception import ReceptionInput, receive_dossier
    from app.services.settings import save_settings
    from app.services.signer_config import save_secret
    from app.store.engine import open_database
    from tests.helpers.keyring_memory import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())  # no OS credential store here; the desk reads it once per key file
    times: dict[str, list[float]] = {}
    for kind, wall in (("electronic", datetime(2027, 1, 4, 8, 0)), ("paper", datetime(2026, 12, 15, 8, 0))):
        base = folder / kind
        base.mkdir()
        database = open_database(base / "xa.sqlite")
        desk = Desk(database, actor="Lê Thị Hoa", clock=Ticking(from_local(wall)))
        init_commune(desk, CommuneSetup("000.17.22.H56", "Xã Quảng Phú", workstation_no=2))
        make_demo_pkcs12(base / "key.p12", b"bench", COLLECTOR.name, COLLECTOR.tax_code)
        with desk.write() as connection:
            save_settings(connection, collector_name=COLLECTOR.name, collector_tax_code=COLLECTOR.tax_code,
                          collector_address=COLLECTOR.address, tax_office_code="28101",
                          tax_office_name="Thuế cơ sở 1 tỉnh Thanh Hóa", signer_kind="pkcs12", signer_path="key.p12")
        desk.forget_cached()
        save_secret(desk.settings(), "bench", base)
        add_series(desk, SeriesSpec(kind, "EBL01" if kind == "electronic" else "01BLP0-001",
                                    "27TAA" if kind == "electronic" else "AA/26T", 1, 10_000))
        uids = [receive_dossier(desk, ReceptionInput("2.000815", f"Người nộp số {n:04d}", pages=3, copies=2)).uid
                for n in range(SERVICE_RUNS + 1)]
        issue_receipt(desk, dossier_uid=uids[0])  # warm: imports, the key loaded once, statements compiled
        spent = []
        for uid in uids[1:]:
            start = time.perf_counter()
            issue_receipt(desk, dossier_uid=uid)
            spent.append((time.perf_counter() - start) * 1000)
        times[kind] = spent
        database.dispose()
    return times["electronic"], times["paper"]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        signer = Pkcs12Signer(make_demo_pkcs12(Path(folder) / "demo.p12", b"bench", COLLECTOR.name,
                                               COLLECTOR.tax_code), b"bench")
        e_issue_times, paper_issue_times = service_issue(Path(folder))
        items = receipts(RUNS)
        signed_times = timed(lambda r: build_signed(r, signer), items)
        xml_times = timed(lambda r: to_bytes(validate(r)), items)
        paper_times = timed(paper_content, items)
        pdf_times = timed(lambda r: render_receipt(paper_content(r)), items[:30])
        documents = [build_signed(r, signer) for r in items[:50]]
        verify_times = timed(verify_receipt, documents)
        sent_seconds, accepted = transmit(signer)
    signed, xml, paper, pdf, check = (median(t) for t in (signed_times, xml_times, paper_times, pdf_times,
                                                          verify_times))
    e_issue, paper_issue = median(e_issue_times), median(paper_issue_times)
    ok = e_issue <= TARGET_MS
    report("ereceipt",
           f"issue_receipt, e-receipt (number, build, sign, store, outbox; one transaction): median {e_issue:.2f} ms, "
           f"p95 {percentile(e_issue_times, 0.95):.2f} ms; paper receipt through the same service {paper_issue:.2f} ms "
           f"→ ×{e_issue / paper_issue:.1f} (target e-receipt ≤ {TARGET_MS:.0f} ms): {'OK' if ok else 'MISSED'}. "
           f"The document alone, build + sign: median {signed:.2f} ms, p95 "
           f"{percentile(signed_times, 0.95):.2f} ms (XML alone {xml:.2f} ms, verify {check:.2f} ms); paper receipt "
           f"content {paper * 1000:.0f} µs → ×{signed / paper:.0f}; paper receipt PDF {pdf:.1f} ms → "
           f"×{signed / pdf:.2f}; "
           f"{TRANSMITTED:,} signed receipts transmitted to the provider simulator in {sent_seconds:.1f} s, "
           f"{accepted:,} accepted",
           issue_ereceipt_ms=round(e_issue, 3), issue_ereceipt_p95_ms=round(percentile(e_issue_times, 0.95), 3),
           issue_paper_ms=round(paper_issue, 3), ratio_to_paper_issue=round(e_issue / paper_issue, 2),
           service_runs=SERVICE_RUNS, build_sign_ms=round(signed, 3),
           build_sign_p95_ms=round(percentile(signed_times, 0.95), 3),
           xml_only_ms=round(xml, 3), verify_ms=round(check, 3), paper_content_ms=round(paper, 4),
           paper_pdf_ms=round(pdf, 2), ratio_to_paper_content=round(signed / paper, 1),
           ratio_to_paper_pdf=round(signed / pdf, 2), runs=RUNS, target_ms=TARGET_MS, ok=ok,
           transmitted=TRANSMITTED, transmit_s=round(sent_seconds, 2), accepted=accepted)


if __name__ == "__main__":
    main()
