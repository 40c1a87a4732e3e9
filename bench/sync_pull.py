"""First sync of a new workstation: pulling 50,000 changes (receptions and their steps made on
another workstation of the commune) from a hub on 127.0.0.1, against reading the same pages
without applying them (the transport floor), in the same run. The pull runs in a process of its
own so that its peak memory (RSS) is the desk's alone.

Above 50,000 changes (--changes 1000000: a merged commune's ten years) the hub's change log is
filled by copying the 50,000 made through the services, each copy with fresh ids and its codes
moved a year on, so that building the source does not take an hour; the desk pulls them all over
HTTP as it would.

Usage: python bench/sync_pull.py [--changes N] [--runs R]"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import requests
from common import ROOT, median, report
from hubproc import HubProcess, enrolled_desk
from sync_push import queue_events

from app.sync.client import SyncClient

TARGET_RATIO, TARGET_RSS_MB = 2.5, 300.0
# The pull as a desk runs it (SyncClient.pull), in a fresh interpreter: the peak RSS is the desk's own.
CHILD = """
import json, resource, sys, time
from app.services.desk import Desk
from app.store.engine import open_database
from app.services.queries import count_dossiers
from app.sync.client import SyncClient
desk = Desk(open_database(sys.argv[1]), actor="Cán bộ")
client = SyncClient(desk, token=sys.argv[2])
start = time.perf_counter()
applied = client.pull()
seconds = time.perf_counter() - start
print(json.dumps({"applied": applied, "seconds": seconds, "dossiers": count_dossiers(desk),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


BUILT = 50_000  # changes made through the services; more are copies of these


def _moved(value: str, ids: dict[str, str]) -> str:
    return ids.setdefault(value, str(uuid.uuid4()))


def replicate(engine: Any, copies: int) -> None:
    """The hub's change log `copies` times over: fresh dossier, event and entity ids, codes a year on."""
    from sqlalchemy import insert, select

    from sync.hub.models import Change

    table = Change.__table__
    rows = [dict(r._mapping) for r in engine.connect().execute(select(table).order_by(table.c.seq))]
    for copy in range(1, copies):
        ids: dict[str, str] = {}
        batch = []
        for row in rows:
            payload = dict(row["payload"])
            for key in ("dossier_id", "event_id"):
                if key in payload:
                    payload[key] = _moved(payload[key], ids)
            if "code" in payload:
                agency, day, number = payload["code"].rsplit("-", 2)
                payload["code"] = f"{agency}-{int(day[:2]) + copy:02d}{day[2:]}-{number}"
            batch.append({**{k: v for k, v in row.items() if k != "seq"}, "entity_id": _moved(row["entity_id"], ids),
                          "payload": payload})
        with engine.begin() as connection:
            connection.execute(insert(table), batch)


def pull_in_child(path: Path, token: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), token], capture_output=True, text=True,
                          env=env, cwd=ROOT, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def read_pages(url: str, token: str) -> float:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    start, cursor, more = time.perf_counter(), 0, True
    while more:
        page = session.get(f"{url}/api/v1/sync/pull", params={"since": cursor}).json()
        cursor, more = page["next_cursor"], page["more"]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--changes", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3, help="fresh workstations pulling, each with its floor")
    args = parser.parse_args()
    changes = args.changes
    pulls: list[dict[str, float]] = []
    floors: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        hub = HubProcess(f"sqlite:///{Path(folder) / 'hub.sqlite'}")
        try:
            source = enrolled_desk(hub, Path(folder) / "source.sqlite", 1)
            queue_events(source, min(changes, BUILT))
            SyncClient(source).push()
            if changes > BUILT:
                replicate(hub.engine, changes // BUILT)
            for run in range(args.runs):
                path = Path(folder) / f"fresh-{run}.sqlite"
                fresh = enrolled_desk(hub, path, 2 + run % 8)
                token = SyncClient(fresh).token
                fresh.db.dispose()
                pulls.append(pull_in_child(path, token))
                floors.append(read_pages(hub.url, token))
        finally:
            hub.stop()
    elapsed, floor = median([p["seconds"] for p in pulls]), median(floors)
    rss = max(p["peak_rss_mb"] for p in pulls)
    applied, dossiers = int(pulls[0]["applied"]), int(pulls[0]["dossiers"])
    ratio = elapsed / floor
    ok = ratio <= TARGET_RATIO and rss <= TARGET_RSS_MB and applied == changes and dossiers == changes // 4
    report("sync_pull", f"first sync pulling {applied:,} changes ({dossiers:,} dossiers): median {elapsed:.1f} s "
           f"({applied / elapsed:,.0f}/s), peak RSS {rss:.0f} MB; reading the same pages without applying "
           f"{floor:.1f} s → ×{ratio:.1f} (target ≤×{TARGET_RATIO}, ≤{TARGET_RSS_MB:.0f} MB): "
           f"{'OK' if ok else 'MISSED'}",
           changes=applied, dossiers=dossiers, runs=args.runs, seconds=round(elapsed, 2),
           runs_s=[round(p["seconds"], 2) for p in pulls], transport_only_s=round(floor, 2),
           ratio=round(ratio, 2), peak_rss_mb=round(rss), target_ratio=TARGET_RATIO, target_rss_mb=TARGET_RSS_MB,
           ok=ok)


if __name__ == "__main__":
    main()
