"""The hub on several worker processes behind one address, on PostgreSQL (issue 14): the same
batches pushed at once over separate connections, answered by different processes, apply each op
exactly once; a workstation pulling through the same address gets every change once."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
from sqlalchemy import text

from app.services import processing, sync_state
from app.services.commune import CommuneSetup, init_commune
from app.services.desk import Desk
from app.services.queries import count_dossiers
from app.services.reception import receive_dossier
from app.store.engine import open_database
from app.sync.client import SyncClient, enroll
from sync.hub.admin import create_enroll_code
from sync.hub.store import open_hub
from sync.protocol import SCHEMA, Outcome
from tests.helpers.data import copy_cert
from tests.sync.conftest import COMMUNE_A

ROOT = Path(__file__).resolve().parents[2]
WORKERS, DOSSIERS, BATCH = 4, 24, 24


class WorkerHub:
    """`python -m sync.hub serve --workers N` in a process of its own, as an operator starts it."""

    def __init__(self, db_url: str, workers: int) -> None:
        self.engine = open_hub(db_url)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sync.hub", "--db", db_url, "serve", "--port", str(port), "--workers",
             str(workers), "--blobs", tempfile.mkdtemp(prefix="hub-blobs-")],
            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/api/v1/health", timeout=1)
                return
            except OSError:
                assert self.process.poll() is None and time.monotonic() < deadline, "hub did not start"
                time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.engine.dispose()


def desk_on(hub: WorkerHub, path: Path, workstation: int, clock) -> Desk:
    desk = Desk(open_database(path), actor=f"Cán bộ {workstation}", clock=clock)
    init_commune(desk, CommuneSetup(*COMMUNE_A, workstation_no=workstation))
    enroll(desk, hub.url, create_enroll_code(hub.engine, *COMMUNE_A, workstation), f"Máy {workstation}")
    return desk


def push_once(url: str, token: str, body: dict) -> tuple[str, dict[str, str]]:
    """One request on a connection of its own, so the kernel hands it to any worker."""
    response = requests.post(f"{url}/api/v1/sync/push", json=body, headers={
        "Authorization": f"Bearer {token}", "Connection": "close"}, timeout=60)
    assert response.status_code == 200, response.text
    return response.headers["x-hub-worker"], {r["op_id"]: r["status"] for r in response.json()["results"]}


def test_the_same_batches_pushed_at_once_to_four_workers_apply_each_op_once(postgres, tmp_path, clock):
    hub = WorkerHub(postgres.new_database(), WORKERS)
    try:
        one = desk_on(hub, tmp_path / "mot.sqlite", 1, clock)
        with one.batch():
            for k in range(DOSSIERS):
                got = receive_dossier(one, copy_cert(f"Người nộp {k:02d}"))
                processing.forward(one, got.uid, to_unit="Tư pháp")
                processing.finish(one, got.uid)
        ops = sync_state.next_batch(one, max_ops=10_000, max_bytes=10**8)
        assert len(ops) == 3 * DOSSIERS
        bodies = [{"schema": SCHEMA, "ops": [SyncClient._wire(op) for op in ops[i:i + BATCH]]}
                  for i in range(0, len(ops), BATCH)]
        token = SyncClient(one).token
        workers: set[str] = set()
        answers: dict[str, set[str]] = {op.op_id: set() for op in ops}
        waves = 0
        with ThreadPoolExecutor(max_workers=3 * WORKERS) as pool:
            while waves < 2 or (len(workers) < 2 and waves < 12):  # the same batches again and again, at once
                futures = [pool.submit(push_once, hub.url, token, body) for body in bodies for _ in range(WORKERS)]
                for future in futures:
                    worker, results = future.result()
                    workers.add(worker)
                    for op_id, status in results.items():
                        answers[op_id].add(status)
                waves += 1
        assert len(workers) >= 2, "every request went to one worker"
        assert all(statuses <= {Outcome.APPLIED, Outcome.DUPLICATE} for statuses in answers.values()), answers
        with hub.engine.connect() as c:
            count = lambda sql: c.execute(text(sql)).scalar()  # noqa: E731
            assert count("SELECT count(*) FROM applied_op") == len(ops)
            assert count("SELECT count(DISTINCT op_id) FROM applied_op") == len(ops)
            assert count("SELECT count(*) FROM dossier") == DOSSIERS
            assert count("SELECT count(*) FROM dossier_event") == len(ops)
            assert count("SELECT count(*) FROM change WHERE entity = 'dossier'") == len(ops)
            assert count("SELECT count(*) FROM dossier WHERE status = 9") == DOSSIERS  # finished, once each

        two = desk_on(hub, tmp_path / "hai.sqlite", 2, clock)
        assert SyncClient(two).pull() == len(ops)  # through the same address: every change once
        assert count_dossiers(two) == DOSSIERS
        with two.read() as c:
            assert c.execute(text("SELECT count(*) FROM event")).scalar() == len(ops)
            assert c.execute(text("SELECT count(*) FROM dossier WHERE status = 9")).scalar() == DOSSIERS
        for desk in (one, two):
            desk.db.dispose()
    finally:
        hub.stop()
