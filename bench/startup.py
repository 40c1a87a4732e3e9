"""Process start to an interactive desk window (shown, first page of the list loaded) on a database
of 150,000 and of 1,000,000 dossiers, each against a bare PySide6 window (the floor) in the same run,
offscreen. Each database is built once (like bench/search.py's) and kept in bench/out/.
Usage: python bench/startup.py [runs] [--dossiers N ...]"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from common import OUT, ROOT, median, report
from search import build

# Issue 14: ≤ 0.6 s and ≤ ×4 a bare window on 150,000 dossiers; ≤ 0.8 s on 1,000,000.
SIZES = (150_000, 1_000_000)
TARGET_RATIO = 4.0


def target_s(n: int) -> float:
    return 0.6 if n <= 150_000 else 0.8


BARE = ("from PySide6.QtWidgets import QApplication, QMainWindow; from PySide6.QtCore import QTimer; "
        "app = QApplication([]); w = QMainWindow(); w.resize(1366, 740); w.show(); "
        "QTimer.singleShot(0, lambda: (print('ready', flush=True), app.quit())); app.exec()")


def time_until_ready(command: list[str]) -> float:
    # Compiled modules as an installed desk has them (pip and the bundle ship .pyc): written once, by the
    # warm-up run, under bench/out, even where PYTHONDONTWRITEBYTECODE is set (this sandbox sets it).
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT),
           "PYTHONPYCACHEPREFIX": str(OUT / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    line = process.stdout.readline()
    elapsed = time.perf_counter() - start
    process.wait(timeout=30)
    if line.strip() != "ready":
        raise RuntimeError(f"no ready line from {command[:3]}")
    return elapsed


def measure(n: int, runs: int) -> None:
    path = OUT / f"startup-{n}.sqlite"
    OUT.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        print(f"building {path.name} ({n:,} dossiers, once)…", file=sys.stderr, flush=True)
        build(path, n)
    desk = [sys.executable, "-m", "app", "--db", str(path), "--probe"]
    bare = [sys.executable, "-c", BARE]
    time_until_ready(desk)  # warm-up: migrates a file built by an older version, compiles the modules
    time_until_ready(bare)
    ours, floor = [], []
    for _ in range(runs):  # interleaved, so that a burst of load on the shared machine hits both
        ours.append(time_until_ready(desk))
        floor.append(time_until_ready(bare))
    med, base, goal = median(ours), median(floor), target_s(n)
    ratio_goal = TARGET_RATIO if n <= 150_000 else None
    ok = med <= goal and (ratio_goal is None or med / base <= ratio_goal)
    ratio_text = f", ≤×{ratio_goal:.0f}" if ratio_goal else ""
    targets = {"target_s": goal, **({"target_ratio": ratio_goal} if ratio_goal else {})}
    report("startup", f"start to an interactive window on {n:,} dossiers: median {med:.2f} s; bare PySide6 window "
           f"{base:.2f} s → ×{med / base:.1f} (target ≤{goal} s{ratio_text}): {'OK' if ok else 'MISSED'}",
           n=n, runs=runs, median_s=round(med, 3), bare_window_s=round(base, 3), ratio=round(med / base, 2),
           load_average=round(os.getloadavg()[0], 1), **targets, ok=ok)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("runs", nargs="?", type=int, default=7, help="runs of each, interleaved (default 7)")
    parser.add_argument("--dossiers", type=int, action="append", help=f"database size (default: {SIZES})")
    args = parser.parse_args()
    for n in args.dossiers or SIZES:
        measure(n, args.runs)


if __name__ == "__main__":
    main()
