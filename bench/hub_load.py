"""20 workstations (4 communes × 5) pushing at once to one hub on 127.0.0.1: throughput, p99 request
latency, and a count that nothing was lost or duplicated; against one workstation pushing alone, in
the same run. Each workstation is its own process. Usage: python bench/hub_load.py [events each]
[hub URL, default a SQLite file; a postgresql+psycopg:// URL runs it on PostgreSQL]"""

from __future__ import annotations

import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import keyring
from common import percentile, report
from hubproc import HubProcess
from sqlalchemy import func, select
from sync_push import queue_events

from app.services.commune import CommuneSetup, init_commune
from app.services.desk import Desk
from app.store.engine import open_database
from app.sync.client import RetryLater, SyncClient, enroll
from app.sync.credentials import load_token
from sync.hub.admin import create_enroll_code
from sync.hub.models import AppliedOp, Dossier
from tests.helpers.keyring_memory import MemoryKeyring

COMMUNES = [("000.17.22.H56", "Xã Quảng Phú"), ("000.18.22.H56", "Xã Quảng Lợi"),
            ("000.19.22.H56", "Xã Quảng Hợp"), ("000.20.22.H56", "Xã Quảng Nhân")]
PER_COMMUNE = 5
ALONE = ("000.21.22.H56", "Xã Quảng Ninh")  # the baseline workstation, in a commune of its own


def prepare(hub: HubProcess, folder: Path, events: int) -> list[tuple[str, str]]:
    """The baseline workstation first, then the twenty that push at once."""
    keyring.set_keyring(MemoryKeyring())
    desks = []
    workstations = [(ALONE, 1)] + [(c, w) for c in COMMUNES for w in range(1, PER_COMMUNE + 1)]
    for commune, workstation in workstations:
        path = folder / f"{commune[0]}-{workstation}.sqlite"
        desk = Desk(open_database(path), actor=f"Cán bộ {workstation}")
        init_commune(desk, CommuneSetup(*commune, workstation_no=workstation))
        enroll(desk, hub.url, create_enroll_code(hub.engine, *commune, workstation), f"Máy {workstation}")
        queue_events(desk, events)
        settings = desk.settings()
        desks.append((str(path), load_token(settings.hub_url, settings.device_id)))
        desk.db.dispose()
    return desks


def push_one(args: tuple[str, str]) -> tuple[int, list[float], int]:
    """The desk's own client; refused while the hub is full (503), it waits what Retry-After says."""
    path, token = args
    desk = Desk(open_database(path), actor="bench")
    client = SyncClient(desk, token=token)
    latencies: list[float] = []
    client.http.hooks["response"].append(lambda r, *a, **k: latencies.append(r.elapsed.total_seconds() * 1000))
    sent = refused = 0
    while True:
        try:
            done, rejected, _ = client.push()
        except RetryLater as later:
            refused += 1
            time.sleep(later.seconds)
            continue
        assert rejected == 0
        sent += done
        return sent, latencies, refused


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as folder:
        url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{Path(folder) / 'hub.sqlite'}"
        hub = HubProcess(url)
        try:
            desks = prepare(hub, Path(folder), events)
            alone_start = time.perf_counter()
            alone_sent, _, _ = push_one(desks[0])
            alone_rate = alone_sent / (time.perf_counter() - alone_start)
            start = time.perf_counter()
            with ProcessPoolExecutor(max_workers=len(desks) - 1) as pool:
                results = list(pool.map(push_one, desks[1:]))
            elapsed = time.perf_counter() - start
            with hub.engine.connect() as c:
                applied = c.execute(select(func.count()).select_from(AppliedOp)).scalar()
                dossiers = c.execute(select(func.count()).select_from(Dossier)).scalar()
        finally:
            hub.stop()
    sent = sum(r[0] for r in results)
    refused = sum(r[2] for r in results)
    latencies = [ms for r in results for ms in r[1]]
    rate, p99 = sent / elapsed, percentile(latencies, 0.99)
    exact = applied == events * len(desks) and dossiers == events // 4 * len(desks)
    kind = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    report("hub_load", f"{len(desks) - 1} workstations at once on a {kind} hub: {sent:,} events in {elapsed:.1f} s, "
           f"{rate:,.0f} events/s, p99 request {p99:.0f} ms ({refused} refused at once: 503 + Retry-After); "
           f"one workstation alone {alone_rate:,.0f} events/s "
           f"→ ×{rate / alone_rate:.1f}; every op exactly once: {'yes' if exact else 'NO'}",
           hub=kind, workstations=len(desks) - 1, events=sent, seconds=round(elapsed, 2), events_per_s=round(rate),
           p99_ms=round(p99, 1), refused=refused, alone_events_per_s=round(alone_rate), exactly_once=exact, ok=exact)


if __name__ == "__main__":
    main()
