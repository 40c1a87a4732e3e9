"""Should the desk's database be encrypted at rest with SQLCipher (sqlcipher3)? Issue 9 adopts it
only if FTS5, WAL, the kill test and the benchmarks hold within 1.3× of today. Measured here:

- features: FTS5 and WAL on the SQLCipher build;
- the kill test: a writer committing receptions with synchronous=FULL is killed with SIGKILL at
  random moments; after each kill every row it reported committed is there and the integrity check
  (and cipher_integrity_check) passes;
- receptions + receipts through the desk's own code (services, SQLAlchemy, migrations), the only
  difference being the driver (pysqlite vs SQLAlchemy's pysqlcipher dialect), median per reception;
- search: the folded FTS5 MATCH of the list's search box over 100,000 names, p50 and p95;
- opening the file (what start-up pays once): the desk's open_database on a 20,000-dossier file.
Usage: python bench/sqlcipher.py [receptions]
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from common import median, percentile, report

import app.store.engine as engine_module
from app.core.receipts import SeriesSpec
from app.services.commune import CommuneSetup, init_commune
from app.services.desk import Desk
from app.services.receipts import add_series, issue_receipt
from app.services.reception import ReceptionInput, receive_dossier
from app.store.engine import open_database

# A raw 256-bit key, as the desk would keep one in the OS credential store: SQLCipher then skips its
# PBKDF2 derivation (256,000 rounds, ~0.5 s on every new connection with a passphrase).
KEY = "x'" + "2DD29CA851E7B56E4697B0E1F08507293D761A05CE4D1B628663F411A8086D99" + "'"
LIMIT = 1.3
WRITER = r'''
import sys, sqlite3
if sys.argv[1] == "cipher":
    import sqlcipher3 as sqlite3
c = sqlite3.connect(sys.argv[2], isolation_level=None)
if sys.argv[1] == "cipher":
    c.execute('PRAGMA key = "%s"' % sys.argv[3])
c.execute("PRAGMA journal_mode = WAL"); c.execute("PRAGMA synchronous = FULL")
c.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, name TEXT, blob TEXT)")
n = c.execute("SELECT coalesce(max(id), 0) FROM t").fetchone()[0]
while True:
    n += 1
    c.execute("BEGIN IMMEDIATE")
    c.execute("INSERT INTO t VALUES (?, ?, ?)", (n, f"Nguyễn Văn Đức {n}", "x" * 700))
    c.execute("COMMIT")
    print(n, flush=True)
'''


def kill_test(kind: str, folder: Path, rounds: int) -> dict[str, Any]:
    path = folder / f"kill-{kind}.sqlite"
    script = folder / "writer.py"
    script.write_text(WRITER)
    rng = random.Random(9)
    lost = bad = 0
    for _ in range(rounds):
        child = subprocess.Popen([sys.executable, str(script), kind, str(path), KEY], stdout=subprocess.PIPE,
                                 text=True)
        first = child.stdout.readline() if child.stdout else ""  # writing has begun: kill it at a random moment
        if not first:
            raise RuntimeError(f"the {kind} writer did not start")
        time.sleep(rng.uniform(0.02, 0.3))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate()
        confirmed = [int(line) for line in (first + out).split()]
        module: Any = sqlite3
        if kind == "cipher":
            import sqlcipher3 as module
        c = module.connect(path)
        if kind == "cipher":
            c.execute(f'PRAGMA key = "{KEY}"')
        have = {row[0] for row in c.execute("SELECT id FROM t")}
        lost += sum(1 for n in confirmed if n not in have)
        bad += c.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
        if kind == "cipher":
            bad += len(c.execute("PRAGMA cipher_integrity_check").fetchall())
        c.close()
    return {"rounds": rounds, "lost": lost, "broken": bad}


@contextmanager
def sqlcipher_engines() -> Any:
    """The desk's engine set-up, unchanged except the driver: SQLAlchemy's pysqlcipher dialect
    (it sends PRAGMA key before anything else on each new connection)."""
    original = engine_module.create_engine

    def cipher_engine(url: str, **kwargs: Any) -> Any:
        return original(url.replace("sqlite+pysqlite:///", f"sqlite+pysqlcipher://:{KEY}@/"), **kwargs)

    engine_module.create_engine = cipher_engine
    try:
        yield
    finally:
        engine_module.create_engine = original


class DayClock:
    """A new working day every 500 receptions: a workstation issues at most 999 codes a day."""

    def __init__(self) -> None:
        self.start, self.calls = datetime(2026, 1, 5, 2, 0, tzinfo=UTC), 0

    def __call__(self) -> datetime:
        self.calls += 1
        return self.start + timedelta(days=self.calls // 1500, seconds=self.calls)


def receptions(path: Path, n: int) -> list[float]:
    desk = Desk(open_database(path), actor="Nguyễn Thị Lan", clock=DayClock())
    init_commune(desk, CommuneSetup("000.17.22.H56", "Xã Quảng Phú"))
    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 999_999))
    times = []
    for i in range(n):
        started = time.perf_counter()
        got = receive_dossier(desk, ReceptionInput("2.000815", f"Nguyễn Văn Đức {i}", pages=3, copies=2))
        issue_receipt(desk, dossier_uid=got.uid)
        times.append(time.perf_counter() - started)
    desk.db.dispose()
    return times


def opening(path: Path, cipher: bool) -> float:
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        if cipher:
            with sqlcipher_engines():
                database = open_database(path)
        else:
            database = open_database(path)
        with database.reader.connect() as c:
            c.exec_driver_sql("SELECT count(*) FROM dossier").scalar()
        database.dispose()
        runs.append(time.perf_counter() - started)
    return median(runs)


def search(path: Path, cipher: bool, rows: int) -> tuple[float, float]:
    module: Any = sqlite3
    if cipher:
        import sqlcipher3 as module
    c = module.connect(path)
    if cipher:
        c.execute(f'PRAGMA key = "{KEY}"')
    c.execute("PRAGMA journal_mode = WAL")
    c.execute("CREATE VIRTUAL TABLE s USING fts5(folded, tokenize = 'unicode61 remove_diacritics 2')")
    rng = random.Random(4)
    family = ["nguyen", "tran", "le", "pham", "hoang", "vu", "dang", "bui", "do", "ho", "ngo", "duong"]
    given = ["van duc", "thi binh", "van an", "thi lan", "minh tuan", "thu ha", "quoc bao", "ngoc anh"]
    with c:
        c.executemany("INSERT INTO s VALUES (?)", ((f"{rng.choice(family)} {rng.choice(given)} {i:06d} "
                                                   f"0{rng.randrange(10**9):09d}",) for i in range(rows)))
    queries = [f"{rng.choice(family)} {rng.choice(given).split()[1]}*" for _ in range(300)]
    times = []
    for query in queries:
        started = time.perf_counter()
        c.execute("SELECT rowid FROM s WHERE s MATCH ? LIMIT 50", (query,)).fetchall()
        times.append(time.perf_counter() - started)
    c.close()
    return median(times) * 1000, percentile(times, 0.95) * 1000


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    import sqlcipher3

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        probe = sqlcipher3.connect(folder / "probe.sqlite")
        probe.execute(f'PRAGMA key = "{KEY}"')
        wal = probe.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal"
        probe.execute("CREATE VIRTUAL TABLE f USING fts5(x)")
        cipher_version = probe.execute("PRAGMA cipher_version").fetchone()[0]
        probe.close()
        plain_times = receptions(folder / "plain.sqlite", n)
        with sqlcipher_engines():
            cipher_times = receptions(folder / "cipher.sqlite", n)
        encrypted = b"SQLite format 3" not in (folder / "cipher.sqlite").read_bytes()[:16]
        open_plain, open_cipher = opening(folder / "plain.sqlite", False), opening(folder / "cipher.sqlite", True)
        s_plain = search(folder / "search-plain.sqlite", False, 100_000)
        s_cipher = search(folder / "search-cipher.sqlite", True, 100_000)
        kills = {kind: kill_test(kind, folder, 20) for kind in ("plain", "cipher")}
    rec_plain, rec_cipher = median(plain_times) * 1000, median(cipher_times) * 1000
    ratios = {"reception": rec_cipher / rec_plain, "search_p50": s_cipher[0] / s_plain[0],
              "search_p95": s_cipher[1] / s_plain[1], "open": open_cipher / open_plain}
    holds = (wal and encrypted and kills["cipher"]["lost"] == 0 and kills["cipher"]["broken"] == 0
             and all(r <= LIMIT for r in ratios.values()))
    report("sqlcipher",
           f"SQLCipher {cipher_version} (SQLite {sqlcipher3.sqlite_version}) vs SQLite {sqlite3.sqlite_version}: "
           f"FTS5 yes, WAL {'yes' if wal else 'no'}; reception+receipt median {rec_cipher:.2f} ms "
           f"vs {rec_plain:.2f} ms (×{ratios['reception']:.2f}); search p50 {s_cipher[0]:.2f} vs {s_plain[0]:.2f} ms "
           f"(×{ratios['search_p50']:.2f}), p95 {s_cipher[1]:.2f} vs {s_plain[1]:.2f} ms "
           f"(×{ratios['search_p95']:.2f}); "
           f"open {open_cipher * 1000:.0f} vs {open_plain * 1000:.0f} ms (×{ratios['open']:.2f}); kill test "
           f"{kills['cipher']['rounds']} kills: {kills['cipher']['lost']} lost, {kills['cipher']['broken']} broken "
           f"(plain: {kills['plain']['lost']}, {kills['plain']['broken']}); all within ×{LIMIT}: "
           f"{'yes' if holds else 'no'}",
           cipher_version=cipher_version, wal=wal, fts5=True, encrypted_on_disk=encrypted,
           reception_ms={"plain": round(rec_plain, 3), "cipher": round(rec_cipher, 3)},
           search_ms={"plain": [round(v, 3) for v in s_plain], "cipher": [round(v, 3) for v in s_cipher]},
           open_ms={"plain": round(open_plain * 1000, 1), "cipher": round(open_cipher * 1000, 1)},
           ratios={k: round(v, 3) for k, v in ratios.items()}, kills=kills, holds_within_limit=holds,
           receptions=n, ratio=f"×{max(ratios.values()):.2f} (worst)", target_ratio=LIMIT, ok=holds)


if __name__ == "__main__":
    main()
