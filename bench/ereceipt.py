"""Issuing an e-receipt's document: build the XML from the legal content and sign it with the
software key (RSA-2048, PKCS#12), median over many receipts; against building the paper receipt's
content in the same run (and, for scale, rendering the paper receipt's PDF). The issue's target for
a whole e-receipt issue (build, sign, store, outbox) is ≤ 20 ms; this measures build + sign.
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


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        signer = Pkcs12Signer(make_demo_pkcs12(Path(folder) / "demo.p12", b"bench", COLLECTOR.name,
                                               COLLECTOR.tax_code), b"bench")
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
    ok = signed <= TARGET_MS
    report("ereceipt",
           f"e-receipt build + sign (RSA-2048, software key): median {signed:.2f} ms, p95 "
           f"{percentile(signed_times, 0.95):.2f} ms (XML alone {xml:.2f} ms, verify {check:.2f} ms); paper receipt "
           f"content {paper * 1000:.0f} µs → ×{signed / paper:.0f}; paper receipt PDF {pdf:.1f} ms → "
           f"×{signed / pdf:.2f} (target build + sign ≤ {TARGET_MS:.0f} ms): {'OK' if ok else 'MISSED'}; "
           f"{TRANSMITTED:,} signed receipts transmitted to the provider simulator in {sent_seconds:.1f} s, "
           f"{accepted:,} accepted",
           build_sign_ms=round(signed, 3), build_sign_p95_ms=round(percentile(signed_times, 0.95), 3),
           xml_only_ms=round(xml, 3), verify_ms=round(check, 3), paper_content_ms=round(paper, 4),
           paper_pdf_ms=round(pdf, 2), ratio_to_paper_content=round(signed / paper, 1),
           ratio_to_paper_pdf=round(signed / pdf, 2), runs=RUNS, target_ms=TARGET_MS, ok=ok,
           transmitted=TRANSMITTED, transmit_s=round(sent_seconds, 2), accepted=accepted)


if __name__ == "__main__":
    main()
