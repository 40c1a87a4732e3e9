"""10,000 receptions with receipts on a fresh file, against raw SQLite inserts of the same rows.

Both sides run with the desk's durability settings (WAL, synchronous=FULL, one transaction for
the dossier and one for its receipt), so the ratio is the cost of our layers alone. The raw side
writes every row the desk writes: the dossier (its FTS row and report columns by the schema's
triggers), its documents, the event with the whole reception in its payload, the day's counter,
the receipt and the series' next number, and both outbox ops with the same payloads, each linked
into the audit chain (the previous link read in the transaction, the link hashed). The two sides
run in alternating slices of 250, so a burst of disk or CPU load from elsewhere falls on both.
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
SLICE = 250  # receptions per turn of each side


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


class Ours:
    """The desk's services, as the window calls them."""

    def __init__(self, path: Path) -> None:
        self.desk = fresh(path)

    def one(self, _k: int, person) -> float:
        start = time.perf_counter()
        got = receive_dossier(self.desk, ReceptionInput("2.000815", person.name, owner_id_number=person.cccd,
                                                        owner_phone=person.phone, owner_address=person.address,
                                                        pages=3))
        issue_receipt(self.desk, dossier_uid=got.uid)
        return (time.perf_counter() - start) * 1000

    def close(self) -> None:
        self.desk.db.dispose()


DOSSIER_SQL = (
    "INSERT INTO dossier (uid, code, procedure_version_id, owner_name, owner_kind, owner_id_number, owner_birth_date,"
    " owner_sex, owner_address, owner_phone, owner_email, channel, return_method, sets_count, summary, received_at,"
    " due_at, original_due_at, status, paused_since, finished_at, returned_at, reschedule_count, supplement_count,"
    " fee_amount, fee_detail, fee_exemption, pages, copies, workstation_no, received_by, rating, search_text,"
    " updated_at, online_payment, docs_digitised, docs_reused, result_digitised)"
    " VALUES (?,?,1,?,1,?,NULL,'',?,?,'',1,'desk',1,?,?,?,?,2,NULL,NULL,NULL,0,0,5000,?,'',3,1,1,?,'',?,?,0,0,0,0)"
)
DOCUMENTS = (("Bản chính giấy tờ, văn bản làm cơ sở chứng thực", "original"), ("Bản sao cần chứng thực", "photocopy"))
RECEIPT_SQL = ("INSERT INTO receipt (uid, series_id, number, dossier_id, payer_name, payer_address, fee_name, amount,"
               " amount_words, issued_at, issued_by, status, void_reason, voided_by) VALUES "
               "(?,?,?,?,?,?,?,5000,'Năm nghìn đồng',?,?,'issued','','')")
OUTBOX_SQL = ("INSERT INTO outbox (op_id, entity, entity_id, kind, payload, payload_sha256, actor, device_time, state,"
              " attempts, last_error, chain_prev, chain_hash) VALUES (?,?,?,?,?,?,?,?,'pending',0,'',?,?)")
LAST_LINK = "SELECT chain_hash FROM outbox ORDER BY seq DESC LIMIT 1"
TAKE_NUMBER = ("UPDATE receipt_series SET next_number = next_number + 1 WHERE id = 1 AND next_number <= last_number "
               "RETURNING next_number - 1, template_symbol, series_symbol")
ACTOR, FEE = "Nguyễn Thị Lan", "Phí chứng thực bản sao từ bản chính"


def canonical(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class Raw:
    """The same rows through sqlite3 directly: the floor our layers are measured against."""

    def __init__(self, path: Path) -> None:
        fresh(path).db.dispose()
        self.c = sqlite3.connect(path, isolation_level=None)
        self.c.execute("PRAGMA synchronous = FULL")

    def enqueue(self, entity: str, entity_id: str, kind: str, payload: dict, now: str) -> None:
        """An outbox op and its link of the audit chain (sync/chain.py's hash, spelled out)."""
        body = canonical(payload)
        sha, op_id = hashlib.sha256(body.encode()).hexdigest(), str(uuid.uuid4())
        prev = (self.c.execute(LAST_LINK).fetchone() or ("0" * 64,))[0]
        link = "\n".join((prev, op_id, entity, entity_id, kind, sha, ACTOR, now.replace(" ", "T") + "Z"))
        self.c.execute(OUTBOX_SQL, (op_id, entity, entity_id, kind, body, sha, ACTOR, now, prev,
                                    hashlib.sha256(link.encode()).hexdigest()))

    def one(self, k: int, p) -> float:
        c = self.c
        start = time.perf_counter()
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
        day = f"2026-01-{5 + k // 500:02d}" if k < 12_000 else f"2026-02-{k // 500 - 20:02d}"
        uid, code, summary = str(uuid.uuid4()), f"000.17.22.H56-{day}-{k:05d}", f"Chứng thực – {p.name}"
        c.execute("BEGIN IMMEDIATE")
        c.execute("INSERT INTO daily_counter (day, workstation, last) VALUES (?, 1, 1) "
                  "ON CONFLICT (day, workstation) DO UPDATE SET last = last + 1 RETURNING last", (day,)).fetchone()
        did = c.execute(DOSSIER_SQL, (uid, code, p.name, p.cccd, p.address, p.phone, summary, now, now, now,
                                      "3 trang × 1 bản: 5.000 đ/bản", ACTOR, f"{p.name} {p.cccd} {p.phone}",
                                      now)).lastrowid
        c.executemany("INSERT INTO dossier_document (dossier_id, position, name, form, quantity) VALUES (?,?,?,?,1)",
                      [(did, i, name, form) for i, (name, form) in enumerate(DOCUMENTS, start=1)])
        eid = str(uuid.uuid4())
        event = {"v": 1, "due_at": now, "code": code, "procedure_code": "2.000815", "national_code": "2.000815",
                 "procedure_version": "2016-01-01", "procedure_name": "Chứng thực bản sao từ bản chính",
                 "procedure_field": "Chứng thực", "owner_name": p.name, "owner_kind": 1, "owner_id_number": p.cccd,
                 "owner_birth_date": None, "owner_sex": "", "owner_address": p.address, "owner_phone": p.phone,
                 "owner_email": "", "channel": 1, "return_method": "desk", "sets_count": 1, "pages": 3, "copies": 1,
                 "documents": [{"name": name, "form": form, "quantity": 1} for name, form in DOCUMENTS],
                 "summary": summary, "received_at": now, "fee_amount": 5000,
                 "fee_detail": "3 trang × 1 bản: 5.000 đ/bản", "fee_exemption": "", "workstation_no": 1,
                 "online_payment": 0, "docs_digitised": False, "docs_reused": False}
        c.execute("INSERT INTO event (uid, dossier_id, kind, status_after, actor, device_time, payload) "
                  "VALUES (?,?,'received',2,?,?,?)", (eid, did, ACTOR, now, json.dumps(event)))
        self.enqueue("dossier", uid, "dossier.received", {**event, "event_id": eid, "dossier_id": uid,
                                                          "kind": "received", "status_after": 2, "actor": ACTOR,
                                                          "device_time": now}, now)
        c.execute("COMMIT")
        c.execute("BEGIN IMMEDIATE")
        number, template, series = c.execute(TAKE_NUMBER).fetchone()
        rid = str(uuid.uuid4())
        c.execute(RECEIPT_SQL, (rid, 1, number, did, p.name, p.address, FEE, now, ACTOR))
        self.enqueue("receipt", rid, "receipt.issued", {
            "v": 1, "receipt_id": rid, "template_symbol": template, "series_symbol": series, "number": number,
            "dossier_id": uid, "payer_name": p.name, "payer_address": p.address, "fee_name": FEE, "amount": 5000,
            "amount_words": "Năm nghìn đồng", "issued_at": now, "replaces": None}, now)
        c.execute("COMMIT")
        return (time.perf_counter() - start) * 1000

    def close(self) -> None:
        self.c.close()


def alternate(ours: Ours, raw: Raw, crowd: list) -> tuple[list[float], list[float]]:
    """Each side in turn, a slice at a time, over the same people."""
    mine, floor = [], []
    for first in range(0, len(crowd), SLICE):
        for k, person in enumerate(crowd[first:first + SLICE], start=first + 1):
            mine.append(ours.one(k, person))
        for k, person in enumerate(crowd[first:first + SLICE], start=first + 1):
            floor.append(raw.one(k, person))
    return mine, floor


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    crowd = people(n)
    with tempfile.TemporaryDirectory() as folder:
        ours, raw = Ours(Path(folder) / "ours.sqlite"), Raw(Path(folder) / "raw.sqlite")
        try:
            mine, floor = alternate(ours, raw, crowd)
        finally:
            ours.close()
            raw.close()
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
