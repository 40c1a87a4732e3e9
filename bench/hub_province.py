"""A province's morning reconnection: W workstations (5 per commune) each with E events queued
overnight push at once to one hub address on PostgreSQL, then all pull until caught up. Measured:
the time until every workstation has pushed everything and pulled every change of its commune,
the p99 request (the hub's quick 503 refusals included, and counted; the p99 of the requests it
served is printed too), the peak memory of each hub worker, and the CPU time spent by the hub, by
PostgreSQL and by the client processes (all on the same two cores here; in a province the desks
are other machines); checked: every op applied exactly once (applied ops, dossiers, events, change
rows, and what each workstation pulled). The same run with one worker gives the ratio. The hub
runs as an operator starts it: `python -m sync.hub serve --workers N` on a private PostgreSQL
cluster (fsync off, like the tests' cluster).

A workstation refused with 503 waits what Retry-After says (the hub jitters it), as the desk's
client does, then sends the same request again; one that has pushed everything pulls, and comes
back a second later while its commune's other workstations are still pushing.

The overnight outboxes are one real desk's (receptions walked to the hand-over through the
services), copied to every workstation with fresh ids, its commune's codes and its own audit
chain, so that building 100,000 events does not dominate the run. Workstations are threads in a
few client processes.

Usage: python bench/hub_province.py [--workstations 200] [--events 500] [--workers 4] [--clients 8] [--batch 200]"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import requests
from common import OUT, ROOT, percentile, report
from sqlalchemy import text

from sync.canonical import canonical_json
from sync.chain import GENESIS, link_hash
from sync.protocol import SCHEMA

PER_COMMUNE = 5
POLL_S = 1.0  # a caught-up workstation asks again this often while its commune's others still push
TARGET_S, TARGET_P99_MS = 60.0, 2000.0
TEMPLATE_AGENCY = "000.17.22.H56"


def template_ops(events: int) -> list[dict[str, Any]]:
    """One real workstation's outbox (workstation 1 of the template commune), as wire ops."""
    import keyring
    from sync_push import queue_events

    from app.services.commune import CommuneSetup, init_commune
    from app.services.desk import Desk
    from app.services.sync_state import next_batch
    from app.store.engine import open_database
    from app.sync.client import SyncClient
    from tests.helpers.keyring_memory import MemoryKeyring

    keyring.set_keyring(MemoryKeyring())
    with tempfile.TemporaryDirectory() as folder:
        desk = Desk(open_database(Path(folder) / "template.sqlite"), actor="Cán bộ 1")
        init_commune(desk, CommuneSetup(TEMPLATE_AGENCY, "Xã mẫu", workstation_no=1))
        queue_events(desk, events)
        ops = [SyncClient._wire(op) for op in next_batch(desk, max_ops=10**6, max_bytes=10**9)]
        desk.db.dispose()
    return ops


def agency(commune: int) -> str:
    return f"000.{commune // 100:02d}.{commune % 100:02d}.H56"


def clone(ops: list[dict[str, Any]], commune: int, workstation: int) -> list[dict[str, Any]]:
    """The template's ops for another workstation: new ids, its commune's codes, its own chain."""
    ids: dict[str, str] = {}
    fresh = lambda old: ids.setdefault(old, str(uuid.uuid4()))  # noqa: E731
    prev, out = GENESIS, []
    for op in ops:
        payload = dict(op["payload"])
        for key in ("dossier_id", "event_id"):
            if key in payload:
                payload[key] = fresh(payload[key])
        if "code" in payload:
            day, number = payload["code"].rsplit("-", 2)[1:]
            payload["code"] = f"{agency(commune)}-{day}-{workstation}{number[1:]}"
        if "workstation_no" in payload:
            payload["workstation_no"] = workstation
        sha = hashlib.sha256(canonical_json(payload).encode()).hexdigest()
        new = {**op, "op_id": str(uuid.uuid4()), "entity_id": fresh(op["entity_id"]), "payload": payload,
               "payload_sha256": sha, "chain_prev": prev}
        new["chain_hash"] = prev = link_hash(prev, op_id=new["op_id"], entity=new["entity"],
                                            entity_id=new["entity_id"], kind=new["kind"], payload_sha256=sha,
                                            actor=new["actor"],
                                            device_time=datetime.fromisoformat(new["device_time"]))
        out.append(new)
    return out


class Hub:
    def __init__(self, url: str, workers: int, folder: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        OUT.mkdir(parents=True, exist_ok=True)
        self.log = (OUT / f"hub_province-{workers}.log").open("w")  # the hub's own log, kept for a look afterwards
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sync.hub", "--db", url, "serve", "--port", str(port), "--workers", str(workers),
             "--blobs", str(folder / "blobs")], env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/api/v1/health", timeout=1)
                break
            except OSError:
                assert self.process.poll() is None and time.monotonic() < deadline, "hub did not start"
                time.sleep(0.2)

    def worker_peaks_mb(self) -> list[float]:
        """VmHWM (peak RSS) of the processes serving requests: the workers, or the one process."""
        children = [int(p) for p in Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
                    .read_text().split()]
        peaks = []
        for pid in children or [self.process.pid]:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return [p for p in peaks if p > 40] or peaks  # not the multiprocessing helper

    def worker_cpu_s(self) -> float:
        """CPU seconds used so far by the processes serving requests."""
        children = [int(p) for p in Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
                    .read_text().split()]
        return sum(cpu_seconds(pid) for pid in children or [self.process.pid])

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)
        self.log.close()


def cpu_seconds(pid: int, *, with_children: bool = False) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12]) + (int(fields[13]) + int(fields[14]) if with_children else 0)
    return ticks / os.sysconf("SC_CLK_TCK")


class Round:
    """One workstation's requests: each latency, and how many were refused (503) among them."""

    def __init__(self, url: str, token: str) -> None:
        self.url = url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.served: list[float] = []
        self.refused: list[float] = []

    def ask(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        """The request, sent again after each 503 once Retry-After has passed."""
        while True:
            began = time.perf_counter()
            response = self.session.request(method, f"{self.url}{path}", timeout=600, **kwargs)
            elapsed = time.perf_counter() - began
            if response.status_code != 503:
                self.served.append(elapsed)
                response.raise_for_status()
                return response.json()
            self.refused.append(elapsed)
            time.sleep(float(response.headers["Retry-After"]))


def workstation_round(args: tuple[str, str, list[dict[str, Any]], int, int]) -> tuple[Round, int, float]:
    """Push every op (`batch` a request), then pull the commune's changes until caught up."""
    url, token, ops, expected, batch = args
    me = Round(url, token)
    for start in range(0, len(ops), batch):
        answer = me.ask("POST", "/api/v1/sync/push", json={"schema": SCHEMA, "ops": ops[start:start + batch]})
        assert all(r["status"] in ("applied", "duplicate") for r in answer["results"]), str(answer)[:300]
    pulled, cursor = 0, 0
    deadline = time.monotonic() + 600
    while True:  # the others of the commune may still be pushing: pull until all their changes are here
        page = me.ask("GET", "/api/v1/sync/pull", params={"since": cursor, "schema": SCHEMA})
        pulled += len(page["changes"])
        cursor = page["next_cursor"]
        if not page["more"]:
            if pulled >= expected or time.monotonic() > deadline:
                break
            time.sleep(POLL_S)
    me.session.close()
    return me, pulled, time.perf_counter()


def client_process(args: list[tuple[str, str, list[dict[str, Any]], int, int]]
                   ) -> list[tuple[list[float], list[float], int, float]]:
    with ThreadPoolExecutor(max_workers=len(args)) as threads:
        return [(me.served, me.refused, pulled, done) for me, pulled, done in threads.map(workstation_round, args)]


def enroll_all(url: str, engine: Any, workstations: int) -> list[tuple[int, int, str]]:
    from sync.hub.admin import create_enroll_code

    enrolled = []
    for index in range(workstations):
        commune, workstation = index // PER_COMMUNE + 1, index % PER_COMMUNE + 1
        code = create_enroll_code(engine, agency(commune), f"Xã số {commune}", workstation)
        got = requests.post(f"{url}/api/v1/devices/enroll", json={"schema": SCHEMA, "code": code,
                            "device_name": f"Máy {workstation}", "app_version": "bench"}, timeout=60).json()
        enrolled.append((commune, workstation, got["token"]))
    return enrolled


WARM_OPS = 8  # a warm-up commune's first ops, pushed to every worker before the clock starts


def warm_up(url: str, engine: Any, template: list[dict[str, Any]], workers: int) -> None:
    """Each worker's first requests build its validators and statements: not what a morning costs."""
    from sync.hub.admin import create_enroll_code

    code = create_enroll_code(engine, agency(0), "Xã khởi động", 1)
    token = requests.post(f"{url}/api/v1/devices/enroll", json={"schema": SCHEMA, "code": code,
                          "device_name": "Máy 1", "app_version": "bench"}, timeout=60).json()["token"]
    body = {"schema": SCHEMA, "ops": clone(template[:WARM_OPS], 0, 1)}

    def once(_: int) -> None:
        me = Round(url, token)
        me.session.headers["Connection"] = "close"  # a connection each: every worker gets some
        me.ask("POST", "/api/v1/sync/push", json=body)
        me.ask("GET", "/api/v1/sync/pull", params={"since": 0, "schema": SCHEMA})

    with ThreadPoolExecutor(max_workers=4 * workers) as threads:
        list(threads.map(once, range(8 * workers)))


def run(db_url: str, workers: int, workstations: int, template: list[dict[str, Any]], clients: int,
        folder: Path, batch: int, postgres_pid: int | None) -> dict[str, Any]:
    from sync.hub.store import open_hub

    engine = open_hub(db_url)
    hub = Hub(db_url, workers, folder)
    try:
        warm_up(hub.url, engine, template, workers)
        enrolled = enroll_all(hub.url, engine, workstations)
        per_commune = {c: sum(1 for cc, _, _ in enrolled if cc == c) for c, _, _ in enrolled}
        jobs = [(hub.url, token, clone(template, commune, ws), (per_commune[commune] - 1) * len(template), batch)
                for commune, ws, token in enrolled]
        shares = [jobs[i::clients] for i in range(clients)]
        cpu_before = (hub.worker_cpu_s(), resource.getrusage(resource.RUSAGE_CHILDREN),
                      cpu_seconds(postgres_pid, with_children=True) if postgres_pid else 0.0)
        start = time.perf_counter()
        with ProcessPoolExecutor(max_workers=clients) as pool:
            done = [r for share in pool.map(client_process, shares) for r in share]
        caught_up = max(finished for *_, finished in done) - start
        clients_after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the pool's processes, reaped
        cpu = {"hub": hub.worker_cpu_s() - cpu_before[0],
               "clients": (clients_after.ru_utime + clients_after.ru_stime - cpu_before[1].ru_utime
                           - cpu_before[1].ru_stime),
               "postgres": (cpu_seconds(postgres_pid, with_children=True) + sum(
                   cpu_seconds(int(p)) for p in Path(f"/proc/{postgres_pid}/task/{postgres_pid}/children")
                   .read_text().split()) - cpu_before[2]) if postgres_pid else 0.0}
        peaks = hub.worker_peaks_mb()
        with engine.connect() as c:
            count = lambda sql: c.execute(text(sql)).scalar()  # noqa: E731
            counts = {"applied": count("SELECT count(*) FROM applied_op"),
                      "dossiers": count("SELECT count(*) FROM dossier"),
                      "events": count("SELECT count(*) FROM dossier_event"),
                      "changes": count("SELECT count(*) FROM change WHERE entity = 'dossier'")}
    finally:
        hub.stop()
        engine.dispose()
    ops = workstations * len(template) + WARM_OPS
    served = [s for lat, _, _, _ in done for s in lat]
    refused = [s for _, lat, _, _ in done for s in lat]
    pulled_ok = all(pulled == job[3] for (_, _, pulled, _), job in zip(done, jobs, strict=True))
    exact = (counts["applied"] == ops and counts["events"] == ops and counts["changes"] == ops
             and counts["dossiers"] == workstations * len(template) // 4 + 2 and pulled_ok)
    return {"workers": workers, "seconds": caught_up, "p99_ms": percentile(served + refused, 0.99) * 1000,
            "served_p99_ms": percentile(served, 0.99) * 1000, "requests": len(served) + len(refused),
            "refused": len(refused), "peak_rss_mb": peaks, "exactly_once": exact,
            "cpu_s": {k: round(v, 1) for k, v in cpu.items()}, **counts}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workstations", type=int, default=200)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8, help="client processes holding the workstations' threads")
    parser.add_argument("--batch", type=int, default=200, help="ops a push request (the desk's client sends 200)")
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a private cluster)")
    args = parser.parse_args()
    template = template_ops(args.events)
    with tempfile.TemporaryDirectory() as folder:
        cluster = None
        if not args.url:
            from tests.sync.pg import Cluster

            cluster = Cluster()
        try:
            url = lambda: args.url or cluster.new_database()  # noqa: E731
            postgres = int(Path(cluster.folder, "data", "postmaster.pid").read_text().split()[0]) if cluster else None
            many = run(url(), args.workers, args.workstations, template, args.clients, Path(folder), args.batch,
                       postgres)
            one = run(url(), 1, args.workstations, template, args.clients, Path(folder), args.batch,
                      postgres) if args.workers > 1 else many
        finally:
            if cluster:
                cluster.stop()
    ops = args.workstations * len(template)
    ratio = one["seconds"] / many["seconds"]
    ok = (many["exactly_once"] and one["exactly_once"] and many["seconds"] <= TARGET_S
          and many["p99_ms"] <= TARGET_P99_MS)
    rss = ", ".join(f"{p:.0f}" for p in many["peak_rss_mb"])
    cpu = many["cpu_s"]
    report("hub_province", f"{args.workstations} workstations × {len(template)} events ({ops:,}) pushed at once, then "
           f"all pulling, PostgreSQL hub with {args.workers} workers: all caught up in {many['seconds']:.1f} s, "
           f"p99 request {many['p99_ms']:.0f} ms over {many['requests']:,} requests, {many['refused']:,} of them "
           f"refused at once (503 + Retry-After; p99 of those served {many['served_p99_ms']:.0f} ms), "
           f"peak RSS per worker {rss} MB, CPU: hub {cpu['hub']:.0f} s, PostgreSQL {cpu['postgres']:.0f} s, "
           f"client processes {cpu['clients']:.0f} s; one worker {one['seconds']:.1f} s (p99 {one['p99_ms']:.0f} ms, "
           f"{one['refused']:,} refused) → ×{ratio:.2f}; every op exactly once: "
           f"{'yes' if many['exactly_once'] and one['exactly_once'] else 'NO'} (target ≤{TARGET_S:.0f} s, "
           f"p99 ≤{TARGET_P99_MS:.0f} ms): {'OK' if ok else 'MISSED'}",
           workstations=args.workstations, events_each=len(template), ops=ops, workers=args.workers,
           seconds=round(many["seconds"], 2), p99_ms=round(many["p99_ms"]), served_p99_ms=round(many["served_p99_ms"]),
           requests=many["requests"], refused=many["refused"], cpu_s=many["cpu_s"], batch=args.batch,
           peak_rss_mb=[round(p) for p in many["peak_rss_mb"]], one_worker_s=round(one["seconds"], 2),
           one_worker_p99_ms=round(one["p99_ms"]), one_worker_refused=one["refused"],
           ratio=round(ratio, 2), exactly_once=many["exactly_once"] and one["exactly_once"], target_s=TARGET_S,
           target_p99_ms=TARGET_P99_MS, ok=ok)
    print(json.dumps({"many": many, "one": one}, default=str), file=sys.stderr)


if __name__ == "__main__":
    main()
