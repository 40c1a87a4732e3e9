"""`motcua audit verify` over the demo commune's year, against reading the same rows unchecked.

The demo commune (app/services/demo.py, a year of dossiers, steps, receipts and voids) is built
once into bench/out. Measured: the command end to end as an official runs it (a new process:
start-up, the instance lock, opening the file, both chains, every event/receipt/void/setting row
compared with its op), and the verification alone in-process. Baseline: plain sqlite3 reading the
same outbox, event, receipt and setting rows without checking anything.
Usage: python bench/audit_verify.py [days]
"""

from __future__ import annotations

import os
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from common import OUT, ROOT, median, report

from app.services.audit import verify_chain
from app.services.demo import build_demo
from app.services.desk import Desk
from app.store.engine import open_database

TARGET_S = 2.0


def raw_read(path: Path) -> int:
    connection = sqlite3.connect(path)
    rows = 0
    for query in ("SELECT * FROM outbox ORDER BY seq", "SELECT * FROM audit_record ORDER BY id",
                  "SELECT e.*, d.uid FROM event e JOIN dossier d ON d.id = e.dossier_id",
                  "SELECT r.*, s.template_symbol FROM receipt r JOIN receipt_series s ON s.id = r.series_id",
                  "SELECT uid, code, received_at FROM dossier", "SELECT * FROM setting"):
        rows += len(connection.execute(query).fetchall())
    connection.close()
    return rows


def main() -> None:
    days = int(sys.argv[1]) if len(sys.argv) > 1 else 365
    OUT.mkdir(exist_ok=True)
    path = OUT / f"audit-demo-{days}.sqlite"
    if not path.exists():
        build_demo(path, days=days)
    database = open_database(path)
    desk = Desk(database, actor="bench")
    verdict = verify_chain(desk)
    assert verdict.ok, verdict.message
    # The machine is shared: CPU time says what the work costs, wall time what it took under the load.
    inproc, inproc_cpu = [], []
    for _ in range(3):
        started, cpu = time.perf_counter(), time.process_time()
        verify_chain(desk)
        inproc.append(time.perf_counter() - started)
        inproc_cpu.append(time.process_time() - cpu)
    database.dispose()
    command, command_cpu = [], []
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "app.cli", "--db", str(path), "audit", "verify"], cwd=ROOT,
                              capture_output=True, text=True)
        command.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        command_cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        assert done.returncode == 0, done.stderr
    baseline, baseline_cpu = [], []
    for _ in range(3):
        started, cpu = time.perf_counter(), time.process_time()
        rows = raw_read(path)
        baseline.append(time.perf_counter() - started)
        baseline_cpu.append(time.process_time() - cpu)
    cmd, alone, base = median(command_cpu), median(inproc_cpu), median(baseline_cpu)
    load = os.getloadavg()[0]
    report("audit_verify",
           f"motcua audit verify, demo commune ({days} days: {verdict.ops:,} ops, {verdict.rows:,} rows compared): "
           f"command {cmd:.2f} s CPU end to end (wall {median(command):.2f} s at load {load:.1f}), verification "
           f"alone {alone:.2f} s CPU; reading the same {rows:,} rows unchecked {base:.2f} s CPU "
           f"(×{alone / base:.1f}); target ≤ {TARGET_S} s: {'met' if cmd <= TARGET_S else 'MISSED'}",
           days=days, ops=verdict.ops, rows_compared=verdict.rows, command_cpu_s=round(cmd, 3),
           command_wall_s=round(median(command), 3), verify_cpu_s=round(alone, 3),
           verify_wall_s=round(median(inproc), 3), raw_read_cpu_s=round(base, 3), raw_rows=rows,
           load_average=round(load, 1), target_s=TARGET_S, ratio=f"×{alone / base:.1f}", ok=cmd <= TARGET_S)


if __name__ == "__main__":
    main()
