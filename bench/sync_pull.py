"""First sync of a new workstation: pulling 50,000 changes (receptions and their steps made on
another workstation of the commune) from a hub on 127.0.0.1, against reading the same pages
without applying them (the transport floor), in the same run. Usage: python bench/sync_pull.py [N]"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import requests
from common import report
from hubproc import HubProcess, enrolled_desk
from sync_push import queue_events

from app.services.queries import count_dossiers
from app.sync.client import SyncClient

TARGET_S = 30.0


def main() -> None:
    changes = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    with tempfile.TemporaryDirectory() as folder:
        hub = HubProcess(f"sqlite:///{Path(folder) / 'hub.sqlite'}")
        try:
            source = enrolled_desk(hub, Path(folder) / "source.sqlite", 1)
            queue_events(source, changes)
            SyncClient(source).push()
            fresh = enrolled_desk(hub, Path(folder) / "fresh.sqlite", 2)
            client = SyncClient(fresh)
            start = time.perf_counter()
            applied = client.pull()
            elapsed = time.perf_counter() - start
            dossiers = count_dossiers(fresh)
            session = requests.Session()
            session.headers["Authorization"] = client.http.headers["Authorization"]
            start, cursor, more = time.perf_counter(), 0, True
            while more:
                page = session.get(f"{hub.url}/api/v1/sync/pull", params={"since": cursor}).json()
                cursor, more = page["next_cursor"], page["more"]
            floor = time.perf_counter() - start
        finally:
            hub.stop()
    ok = elapsed <= TARGET_S and dossiers == changes // 4
    report("sync_pull", f"first sync pulling {applied:,} changes ({dossiers:,} dossiers): {elapsed:.1f} s "
           f"({applied / elapsed:,.0f}/s); reading the same pages without applying {floor:.1f} s "
           f"(target ≤{TARGET_S:.0f} s): {'OK' if ok else 'MISSED'}",
           changes=applied, dossiers=dossiers, seconds=round(elapsed, 2), transport_only_s=round(floor, 2),
           target_s=TARGET_S, ok=ok)


if __name__ == "__main__":
    main()
