"""The dossier list over 1,000,000 dossiers: time to show the first page (urgent ones first, then
the newest) and to apply a search typed without accents, through the real view and model; against
raw SQLite doing the least that could show those rows (the floor). Usage: python bench/list.py"""

from __future__ import annotations

import os
import random
import sqlite3
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import OUT, median, percentile, report
from search import build, sample_queries

from app.core.text import fold
from app.services.desk import Desk
from app.store.engine import open_database
from app.ui.app import ensure_app
from app.ui.dossier_list import DossierListView
from app.ui.runner import Runner

N, TARGET_MS, RUNS = 1_000_000, 100.0, 40


def main() -> None:
    path = OUT / f"search-{N}.sqlite"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        build(path, N)
    ensure_app()
    view = DossierListView(Desk(open_database(path), actor="bench"), Runner(synchronous=True))
    first = []
    for _ in range(RUNS):
        start = time.perf_counter()
        view.reload()
        first.append((time.perf_counter() - start) * 1000)
    assert view.model.rowCount() == 200
    queries = sample_queries(path, random.Random(3))[:RUNS]
    searched = []
    for query in queries:
        view.search.blockSignals(True)
        view.search.setText(query)
        view.search.blockSignals(False)
        start = time.perf_counter()
        view.reload()
        searched.append((time.perf_counter() - start) * 1000)
    raw = sqlite3.connect(path)
    floor_first = []
    for _ in range(RUNS):
        start = time.perf_counter()
        raw.execute("SELECT id, code, owner_name, received_at, due_at, status FROM dossier ORDER BY id DESC LIMIT 200"
                    ).fetchall()
        floor_first.append((time.perf_counter() - start) * 1000)
    floor_search = []
    for query in queries[:10]:
        start = time.perf_counter()
        raw.execute("SELECT id FROM dossier WHERE search_text LIKE ? ORDER BY id DESC LIMIT 200",
                    (f"%{fold(query)}%",)).fetchall()
        floor_search.append((time.perf_counter() - start) * 1000)
    f50, s50, s95 = median(first), median(searched), percentile(searched, 0.95)
    ok = f50 <= TARGET_MS and s95 <= TARGET_MS
    report("list", f"list of {N:,}: first page {f50:.1f} ms (raw SELECT {median(floor_first):.1f} ms); search "
           f"p50 {s50:.1f} ms, p95 {s95:.1f} ms (LIKE scan {median(floor_search):.0f} ms) "
           f"(target ≤{TARGET_MS:.0f} ms each): {'OK' if ok else 'MISSED'}",
           n=N, first_page_ms=round(f50, 2), raw_first_page_ms=round(median(floor_first), 2),
           search_p50_ms=round(s50, 2), search_p95_ms=round(s95, 2), like_scan_ms=round(median(floor_search), 1),
           target_ms=TARGET_MS, ok=ok)


if __name__ == "__main__":
    main()
