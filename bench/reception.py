"""10,000 receptions with receipts on a fresh file, against raw SQLite inserts of the same rows.

Both sides run with the desk's durability settings (WAL, synchronous=FULL, one transaction for
the dossier and one for its receipt), so the ratio is the cost of our layers alone.
Usage: python bench/reception.py [N]
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from common import median, percentile, report

from app.core.receipts import SeriesSpec
from app.services.commune import CommuneSetup, init_commune
from app.services.desk import Desk
from app.services.people import make_person
from app.services.receipts import add_series, issue_receipt
from app.services.reception import ReceptionInput, receive_dossier
from app.store.engine import open_database

TARGET_MEDIAN_MS, TARGET_RATIO = 5.0, 2.0  # issue 14: ≤ ×2 raw SQLite


class DayClock:
    """Moves one day on every 500 receptions: a workstation may issue only 999 codes a day."""

    def __init__(self) -> None:
        self.start, self.calls = datetime(2026, 1, 5, 2, 0, tzinfo=UTC), 0

    def __call__(self) -> datetime:
        self.calls += 1
        return self.start + timedelta(days=self.calls // 1500, seconds=self.calls)


def fresh(path: Path) -> Desk:
    desk = Desk(open_database(path), actor="Nguyễn Thị Lan", clock=DayClock())
    init_commune(desk, CommuneSetup("000.17.22.H56", "Xã Quảng Phú"))
    # 2026 is paper's last year (NĐ 254/2026): the day's receipts come from a paper range, as at a desk.
    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 99_999_999))
    return desk


def people(n: int) -> list:
    import random

    rng = random.Random(1)
    return [make_person(rng) for _ in range(n)]


def ours(path: Path, crowd: list) -> list[float]:
    desk = fresh(path)
    times = []
    for person in crowd:
        start = time.perf_counter()
        got = receive_dossier(desk, ReceptionInput("2.000815", person.name, owner_id_number=person.cccd,
                                                   owner_phone=person.phone, owner_address=person.address, pages=3))
        issue_receipt(desk, dossier_uid=got.uid)
        times.append((time.perf_counter() - start) * 1000)
    desk.db.dispose()
    return times


DOSSIER_SQL = (
    "INSERT INTO dossier (uid, code, procedure_version_id, owner_name, owner_kind, owner_id_number, owner_birth_date,"
    " owner_sex, owner_address, owner_phone, owner_email, channel, return_method, sets_count, summary, received_at,"
    " due_at, original_due_at, status, paused_since, finished_at, returned_at, reschedule_count, fee_amount,"
    " fee_detail, fee_exemption, pages, copies, workstation_no, received_by, rating, search_text, updated_at)"
    " VALUES (?,?,1,?,1,?,NULL,'',?,?,'',1,'desk',1,?,?,?,?,2,NULL,NULL,NULL,0,5000,'',' ',3,1,1,?,'',?,?)"
)
RECEIPT_SQL = ("INSERT INTO receipt (uid, series_id, number, dossier_id, payer_name, payer_address, fee_name, amount,"
               " amount_words, issued_at, issued_by, status, void_reason, voided_by) VALUES "
               "(?,1,?,?,?,?,'Phí chứng thực',5000,'Năm nghìn đồng',?,'x','issued','','')")
OUTBOX_SQL = ("INSERT INTO outbox (op_id, entity, entity_id, kind, payload, payload_sha256, actor, device_time, state,"
              " attempts, last_error) VALUES (?,?,?,?,?,?,?,?,'pending',0,'')")


def raw(path: Path, crowd: list) -> list[float]:
    """The same rows through sqlite3 directly: the floor our layers are measured against."""
    fresh(path).db.dispose()
    c = sqlite3.connect(path, isolation_level=None)
    c.execute("PRAGMA synchronous = FULL")
    times = []
    for k, p in enumerate(crowd, start=1):
        start = time.perf_counter()
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
        day = f"2026-01-{5 + k // 500:02d}" if k < 12_000 else f"2026-02-{k // 500 - 20:02d}"
        uid, code = str(uuid.uuid4()), f"000.17.22.H56-{day}-{k:05d}"
        c.execute("BEGIN IMMEDIATE")
        c.execute("INSERT INTO daily_counter (day, workstation, last) VALUES (?, 1, 1) "
                  "ON CONFLICT (day, workstation) DO UPDATE SET last = last + 1 RETURNING last", (day,)).fetchone()
        did = c.execute(DOSSIER_SQL, (uid, code, p.name, p.cccd, p.address, p.phone, p.name, now, now, now, "x",
                                      f"{p.name} {p.cccd}", now)).lastrowid
        c.executemany("INSERT INTO dossier_document (dossier_id, position, name, form, quantity) VALUES (?,?,?,?,1)",
                      [(did, 1, "Bản chính", "original"), (did, 2, "Bản sao", "photocopy")])
        eid = str(uuid.uuid4())
        payload = json.dumps({"event": eid, "owner": p.name, "code": code}, ensure_ascii=False)
        c.execute("INSERT INTO event (uid, dossier_id, kind, status_after, actor, device_time, payload) "
                  "VALUES (?,?,'received',2,'x',?,?)", (eid, did, now, payload))
        c.execute(OUTBOX_SQL, (str(uuid.uuid4()), "dossier", uid, "dossier.received", payload,
                               hashlib.sha256(payload.encode()).hexdigest(), "x", now))
        c.execute("COMMIT")
        c.execute("BEGIN IMMEDIATE")
        number = c.execute("SELECT next_number FROM receipt_series WHERE id = 1").fetchone()[0]
        c.execute("UPDATE receipt_series SET next_number = ? WHERE id = 1 AND next_number = ?", (number + 1, number))
        rid = str(uuid.uuid4())
        c.execute(RECEIPT_SQL, (rid, number, did, p.name, p.address, now))
        body = json.dumps({"receipt": rid, "number": number}, ensure_ascii=False)
        c.execute(OUTBOX_SQL, (str(uuid.uuid4()), "receipt", rid, "receipt.issued", body,
                               hashlib.sha256(body.encode()).hexdigest(), "x", now))
        c.execute("COMMIT")
        times.append((time.perf_counter() - start) * 1000)
    c.close()
    return times


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    crowd = people(n)
    with tempfile.TemporaryDirectory() as folder:
        mine = ours(Path(folder) / "ours.sqlite", crowd)
        floor = raw(Path(folder) / "raw.sqlite", crowd)
    med, p95, base = median(mine), percentile(mine, 0.95), median(floor)
    ratio = med / base
    ok = med <= TARGET_MEDIAN_MS and ratio <= TARGET_RATIO
    report("reception", f"reception+receipt ×{n}: median {med:.2f} ms, p95 {p95:.2f} ms; raw SQLite "
           f"{base:.2f} ms → overhead ×{ratio:.2f} (target ≤{TARGET_MEDIAN_MS} ms, ≤×{TARGET_RATIO}): "
           f"{'OK' if ok else 'MISSED'}",
           n=n, median_ms=round(med, 3), p95_ms=round(p95, 3), baseline_median_ms=round(base, 3),
           ratio=round(ratio, 2), target_median_ms=TARGET_MEDIAN_MS, target_ratio=TARGET_RATIO, ok=ok)


if __name__ == "__main__":
    main()
