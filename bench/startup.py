"""Process start to an interactive desk window (shown, first page of the list loaded) on a database
of 150,000 dossiers, against a bare PySide6 window (the floor), in the same run, offscreen.
Usage: python bench/startup.py [runs]"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from common import OUT, ROOT, median, report
from search import build

N, TARGET_S, TARGET_RATIO = 150_000, 0.6, 4.0
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


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    path = OUT / f"startup-{N}.sqlite"
    OUT.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        build(path, N)
    desk = [sys.executable, "-m", "app", "--db", str(path), "--probe"]
    bare = [sys.executable, "-c", BARE]
    time_until_ready(desk)  # warm-up: migrates a file built by an older version, compiles the modules
    time_until_ready(bare)
    ours, floor = [], []
    for _ in range(runs):  # interleaved, so that a burst of load on the shared machine hits both
        ours.append(time_until_ready(desk))
        floor.append(time_until_ready(bare))
    med, base = median(ours), median(floor)
    ok = med <= TARGET_S and med / base <= TARGET_RATIO
    report("startup", f"start to an interactive window on {N:,} dossiers: median {med:.2f} s; bare PySide6 window "
           f"{base:.2f} s → ×{med / base:.1f} (target ≤{TARGET_S} s, ≤×{TARGET_RATIO:.0f}): {'OK' if ok else 'MISSED'}",
           n=N, runs=runs, median_s=round(med, 3), bare_window_s=round(base, 3), ratio=round(med / base, 2),
           target_s=TARGET_S, target_ratio=TARGET_RATIO, ok=ok)


if __name__ == "__main__":
    main()
