"""Search over 1,000,000 dossiers: the desk's folded full-text query against a LIKE '%…%' scan.

The data set is built once into bench/out/ (sqlite-utils bulk insert, then one FTS rebuild) and
reused; pass --rebuild to make it again. Usage: python bench/search.py [N] [--rebuild]
"""

from __future__ import annotations

import random
import sqlite3
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlite_utils
from common import OUT, median, percentile, report

from app.core.text import fold
from app.services.commune import CommuneSetup, init_commune
from app.services.desk import Desk
from app.services.people import make_person
from app.services.queries import search_dossiers
from app.services.reception import search_text
from app.store.engine import open_database

TARGET_P95_MS, TARGET_SPEEDUP = 20.0, 20.0
QUERIES, SCANS = 300, 20


def rows(n: int, rng: random.Random):
    start = datetime(2020, 1, 1, 1, 0, tzinfo=UTC)
    for k in range(n):
        person = make_person(rng)
        when = start + timedelta(minutes=3 * k)
        code = f"000.17.22.H56-{when:%y%m%d}-{1001 + k % 999:04d}"
        yield {
            "uid": str(uuid.uuid4()), "code": code, "procedure_version_id": 1 + k % 12, "owner_name": person.name,
            "owner_kind": 1, "owner_id_number": person.cccd, "owner_sex": person.sex, "owner_address": person.address,
            "owner_phone": person.phone, "owner_email": "", "channel": 1, "return_method": "desk", "sets_count": 1,
            "summary": "", "received_at": when.replace(tzinfo=None).isoformat(" "),
            "due_at": when.replace(tzinfo=None).isoformat(" "),
            "original_due_at": when.replace(tzinfo=None).isoformat(" "), "status": 10, "reschedule_count": 0,
            "fee_amount": 0, "fee_detail": "", "fee_exemption": "", "pages": 1, "copies": 1, "workstation_no": 1,
            "received_by": "x", "rating": "", "updated_at": when.replace(tzinfo=None).isoformat(" "),
            "search_text": search_text(code, person.name, person.cccd, person.phone),
        }


def build(path: Path, n: int) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    database = open_database(path, synchronous="OFF")
    init_commune(Desk(database, actor="bench"), CommuneSetup("000.17.22.H56", "Xã Quảng Phú"))
    database.dispose()
    db = sqlite_utils.Database(path)
    triggers = {name: sql for name, sql in db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'dossier'").fetchall()}
    for name in triggers:  # one FTS rebuild at the end is far faster than a trigger per row
        db.execute(f"DROP TRIGGER {name}")
    db["dossier"].insert_all(rows(n, random.Random(5)), batch_size=5000)
    db.execute("INSERT INTO dossier_fts(dossier_fts) VALUES ('rebuild')")
    for sql in triggers.values():
        db.execute(sql)
    db.conn.commit()
    db.close()


def sample_queries(path: Path, rng: random.Random) -> list[str]:
    c = sqlite3.connect(path)
    top = c.execute("SELECT max(id) FROM dossier").fetchone()[0]
    ids = [rng.randint(1, top) for _ in range(QUERIES)]
    picked = c.execute(f"SELECT owner_name, owner_id_number, owner_phone, code FROM dossier WHERE id IN "
                       f"({','.join(map(str, ids))})").fetchall()
    c.close()
    queries = []
    for name, cccd, phone, code in picked:
        words = fold(name).split()
        queries.append(rng.choice([
            fold(name), f"{words[0]} {words[-1]}", name, cccd, cccd[:7], phone or cccd, code[-11:].replace("-", " "),
        ]))
    return queries


def timed(fn, items) -> list[float]:
    times = []
    for item in items:
        start = time.perf_counter()
        fn(item)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 1_000_000
    path = OUT / f"search-{n}.sqlite"
    OUT.mkdir(parents=True, exist_ok=True)
    if "--rebuild" in sys.argv or not path.exists():
        began = time.perf_counter()
        build(path, n)
        print(f"built {n} dossiers in {time.perf_counter() - began:.0f} s", file=sys.stderr)
    queries = sample_queries(path, random.Random(9))
    desk = Desk(open_database(path), actor="bench")
    search_dossiers(desk, "warm up")
    ours = timed(lambda q: search_dossiers(desk, q, limit=50), queries)
    scan = sqlite3.connect(path)
    like = timed(lambda q: scan.execute(
        "SELECT id FROM dossier WHERE search_text LIKE ? ORDER BY id DESC LIMIT 50", (f"%{fold(q)}%",)).fetchall(),
        queries[:SCANS])
    p50, p95, base = median(ours), percentile(ours, 0.95), median(like)
    speedup = base / p50
    ok = p95 <= TARGET_P95_MS and speedup >= TARGET_SPEEDUP
    report("search", f"search over {n:,} dossiers: p50 {p50:.2f} ms, p95 {p95:.2f} ms; LIKE scan p50 {base:.1f} ms "
           f"→ ×{speedup:.0f} faster (target p95 ≤{TARGET_P95_MS} ms, ≥×{TARGET_SPEEDUP:.0f}): "
           f"{'OK' if ok else 'MISSED'}",
           n=n, queries=len(queries), p50_ms=round(p50, 3), p95_ms=round(p95, 3), like_p50_ms=round(base, 2),
           speedup=round(speedup, 1), target_p95_ms=TARGET_P95_MS, target_speedup=TARGET_SPEEDUP, ok=ok)


if __name__ == "__main__":
    main()
