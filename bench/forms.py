"""Render time of the printed papers: Mẫu 01 with its QR and barcode (two copies; also with twenty
documents and the longest values), a receipt, and the log book
for 1,000 dossiers; against the same slip made the way many Qt apps print (HTML in a QTextDocument
sent to QPrinter), in the same run. The slip is timed printed again and again (the figure with
the target), and also printed for the first time for each of 30 new dossiers (its QR, barcode and
wrapped lines made for it), which is what the citizen waits for at reception.
Usage: python bench/forms.py"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

# This file is named like the `forms` package: take its own folder off the path so that
# `import forms` finds the package, and reach the shared helpers as `bench.common`.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app.services import papers  # noqa: E402
from app.services.reception import DocumentInput, ReceptionInput, receive_dossier  # noqa: E402
from app.ui.html_print import html_to_pdf  # noqa: E402
from bench.common import median, report  # noqa: E402
from tests.helpers.papers import LONG_ADDRESS, build_samples  # noqa: E402

TARGET_SLIP_MS, TARGET_BOOK_MS = 15.0, 1000.0
RUNS = 30


def timed(fn, runs: int = RUNS) -> float:
    fn()  # warm: fonts registered, caches filled
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return median(times)


def first_prints(s, count: int = 30) -> float:
    """Median time of the first print of each of `count` new dossiers, each with its own name,
    card number, address and documents (so nothing made for another slip can be reused)."""
    uids = []
    with s.desk.batch():
        for k in range(count):
            documents = tuple(DocumentInput(name, "photocopy", 1 + k % 3) for name in
                              ("Bản sao cần chứng thực", "Căn cước công dân", f"Giấy ủy quyền số {k + 1}/2026"))
            uids.append(receive_dossier(s.desk, ReceptionInput(
                "2.000815", f"Trần Thị Hồng Nhung {k:03d}", owner_id_number=f"038195{k:06d}",
                owner_address=f"Số nhà {k + 10}, {LONG_ADDRESS}", owner_phone="0912345678", documents=documents,
                pages=3, copies=2)).uid)
    times = []
    for uid in uids:
        start = time.perf_counter()
        papers.slip_pdf(s.desk, uid)
        times.append((time.perf_counter() - start) * 1000)
    return median(times)


def slip_html(s) -> str:
    detail = papers.dossier_detail(s.desk, s.slip)
    d = detail["dossier"]
    docs = "".join(f"<li>{x['name']}: {x['quantity']}</li>" for x in detail["documents"])
    copy = f"""<table width="100%"><tr><td align="center">UBND XÃ QUẢNG PHÚ<br/><b>BỘ PHẬN TIẾP NHẬN VÀ TRẢ
    KẾT QUẢ</b></td><td align="center"><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br/>Độc lập - Tự do - Hạnh phúc</b>
    <br/><i>Quảng Phú, ngày 18 tháng 11 năm 2026</i></td></tr></table><h3 align="center">GIẤY TIẾP NHẬN HỒ SƠ VÀ
    HẸN TRẢ KẾT QUẢ</h3><p>Mã hồ sơ: <b>{d['code']}</b></p><p>Tiếp nhận hồ sơ của: <b>{d['owner_name']}</b></p>
    <p>Địa chỉ: {d['owner_address']}</p><p>Số điện thoại: {d['owner_phone']}</p><p>Nội dung yêu cầu giải quyết:
    <b>{detail['procedure'].name}</b></p><p>1. Thành phần hồ sơ nộp gồm:</p><ol>{docs}</ol>
    <p>2. Số lượng hồ sơ: 01 (bộ)</p><p>4. Thời gian nhận hồ sơ: 08 giờ 05 phút, ngày 16 tháng 11 năm 2026</p>
    <p>5. Thời gian trả kết quả: 17 giờ 00 phút, ngày 16 tháng 11 năm 2026</p>
    <table width="100%"><tr><td align="center"><b>NGƯỜI NỘP HỒ SƠ</b></td><td align="center"><b>NGƯỜI TIẾP NHẬN
    HỒ SƠ</b></td></tr></table>"""
    return f"<html><body style='font-family: Liberation Serif; font-size: 10pt'>{copy}" \
           f"<div style='page-break-before: always'></div>{copy}</body></html>"


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        s = build_samples(Path(folder) / "forms.sqlite")
        slip = timed(lambda: papers.slip_pdf(s.desk, s.slip))
        longest = timed(lambda: papers.slip_pdf(s.desk, s.longest))  # 20 documents, the longest name and address
        receipt = timed(lambda: papers.receipt_pdf(s.desk, s.receipt))
        first = first_prints(s)
        html = slip_html(s)
        baseline = timed(lambda: html_to_pdf(html, Path(folder) / "qt.pdf"))
        start = s.desk.clock.instant
        with s.desk.batch():
            for k in range(1000):
                s.desk.clock.instant = start + timedelta(days=1 + k // 300, minutes=k % 300)
                receive_dossier(s.desk, ReceptionInput("2.000884", f"Người nộp số {k:04d}",
                                                       owner_address="Thôn Đông, xã Quảng Phú"))
        s.desk.clock.instant = start
        book = timed(lambda: papers.log_book_pdf(s.desk, date(2026, 11, 1), date(2026, 11, 30)), runs=3)
        s.desk.db.dispose()
    ratio = baseline / slip
    ok = slip <= TARGET_SLIP_MS and book <= TARGET_BOOK_MS
    report("forms", f"Mẫu 01 (2 liên, QR, barcode) {slip:.1f} ms (20 documents, longest values: {longest:.1f} ms; "
           f"first print of a new dossier's slip {first:.1f} ms), "
           f"receipt {receipt:.1f} ms, log book of 1,000 dossiers "
           f"{book:.0f} ms; same slip as Qt HTML→QPrinter {baseline:.1f} ms → ×{ratio:.1f} "
           f"(target slip ≤{TARGET_SLIP_MS:.0f} ms, log book ≤{TARGET_BOOK_MS:.0f} ms): {'OK' if ok else 'MISSED'}",
           slip_ms=round(slip, 2), slip_longest_ms=round(longest, 2), slip_first_print_ms=round(first, 2),
           receipt_ms=round(receipt, 2),
           log_book_1000_ms=round(book, 1),
           qt_html_slip_ms=round(baseline, 2), ratio=round(ratio, 2), target_slip_ms=TARGET_SLIP_MS,
           target_log_book_ms=TARGET_BOOK_MS, ok=ok)


if __name__ == "__main__":
    main()
