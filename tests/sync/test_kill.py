"""kill -9 at the worst moments, desk and hub: then nothing is lost, nothing is duplicated, the
cursor is never ahead of applied data, and the outbox drains without a new local write."""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.services import processing, sync_state
from app.services.queries import count_dossiers
from app.services.reception import receive_dossier
from app.sync.client import SyncClient
from app.sync.credentials import load_token
from sync.hub.models import AppliedOp, Change, Dossier, DossierEvent
from tests.helpers.data import birth

ROOT = Path(__file__).resolve().parents[2]


def hub_count(engine, model):
    with engine.connect() as c:
        return c.execute(select(func.count()).select_from(model)).scalar()


def many(desk, n):
    with desk.batch():
        for k in range(n):
            got = receive_dossier(desk, birth(f"Người nộp {k:04d}"))
            processing.forward(desk, got.uid, to_unit="Tư pháp")


def worker(desk, *, max_ops=20):
    settings = desk.settings()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MOTCUA_TEST_MAX_OPS": str(max_ops),
           "MOTCUA_TEST_TOKEN": load_token(settings.hub_url, settings.device_id)}
    process = subprocess.Popen([sys.executable, str(ROOT / "tests/sync/sync_worker.py"), str(desk.db.path)],
                               stdout=subprocess.PIPE, text=True, env=env)
    assert process.stdout.readline().strip() == "ready"
    return process


@pytest.mark.slow
def test_desk_killed_while_pushing_then_drains_exactly_once(make_desk, hub):
    desk = make_desk("mot", 1)
    many(desk, 300)  # 600 ops: thirty requests of twenty
    rng = random.Random(3)
    for _ in range(4):
        process = worker(desk)
        time.sleep(rng.uniform(0.05, 0.4))
        process.send_signal(signal.SIGKILL)
        process.wait()
    result = SyncClient(desk).round()  # no new local write in between
    assert result.online and sync_state.counts(desk) == {"pending": 0, "sent": 600, "rejected": 0}
    assert hub_count(hub.engine, AppliedOp) == 600 and hub_count(hub.engine, Dossier) == 300
    assert hub_count(hub.engine, DossierEvent) == 600


@pytest.mark.slow
def test_desk_killed_while_applying_a_pull_never_runs_ahead(make_desk, hub):
    one, two = make_desk("mot", 1), make_desk("hai", 2)
    many(one, 600)
    SyncClient(one).round()
    rng = random.Random(5)
    for _ in range(3):
        process = worker(two)
        time.sleep(rng.uniform(0.05, 0.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        two.forget_cached()
        cursor = two.settings().sync_cursor
        with hub.engine.connect() as c:
            received_upto = c.execute(select(func.count()).select_from(Change).where(
                Change.kind == "dossier.received", Change.seq <= cursor)).scalar()
        # the page and its cursor commit together: exactly what the cursor says was applied is here
        assert count_dossiers(two) == received_upto
    assert SyncClient(two).round().online
    assert count_dossiers(two) == 600


@pytest.mark.slow
def test_hub_killed_mid_batch_and_restarted(make_desk, tmp_path):
    from tests.sync.hubprocess import HubProcess

    hub = HubProcess(f"sqlite:///{tmp_path / 'hub9.sqlite'}")
    try:
        from app.sync.client import enroll
        from sync.hub.admin import create_enroll_code
        from tests.sync.conftest import COMMUNE_A

        desk = make_desk("ba", 3, enrolled=False)
        enroll(desk, hub.url, create_enroll_code(hub.engine, *COMMUNE_A, 3), "Máy ba")
        many(desk, 400)
        process = worker(desk, max_ops=200)
        time.sleep(0.6)
        hub.kill()  # mid-batch, most likely
        process.send_signal(signal.SIGKILL)
        process.wait()
        hub.start()
        assert SyncClient(desk).round().online
        assert sync_state.counts(desk) == {"pending": 0, "sent": 800, "rejected": 0}
        assert hub_count(hub.engine, AppliedOp) == 800 and hub_count(hub.engine, Dossier) == 400
    finally:
        hub.stop()
