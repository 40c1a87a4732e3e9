import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
import uvicorn

from app.services.commune import CommuneSetup, init_commune
from app.services.desk import Desk
from app.store.engine import open_database
from app.sync.client import SyncClient, enroll
from sync.hub.admin import create_enroll_code
from sync.hub.api import create_app
from sync.hub.store import open_hub

COMMUNE_A = ("000.17.22.H56", "Xã Quảng Phú")
COMMUNE_B = ("000.18.31.H56", "Xã Hoằng Hóa")


@dataclass
class Hub:
    url: str
    engine: object
    blobs: object = None


@pytest.fixture(scope="session")
def postgres():
    from tests.sync.pg import Cluster

    cluster = Cluster()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def hub_url(request, tmp_path):
    """Every hub test runs on both: a SQLite file (a small district) and PostgreSQL (a province)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hub.sqlite'}"
    return request.getfixturevalue("postgres").new_database()


@contextmanager
def served(engine, blobs, admission=None) -> Iterator[Hub]:
    """The hub's app on a real uvicorn on 127.0.0.1 (an ephemeral port) until the block ends."""
    server = uvicorn.Server(uvicorn.Config(create_app(engine, blobs, admission), host="127.0.0.1", port=0,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "hub did not start"
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield Hub(f"http://127.0.0.1:{port}", engine, blobs)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture
def hub(hub_url, tmp_path):
    engine = open_hub(hub_url)
    with served(engine, tmp_path / "hub-blobs") as running:
        yield running
    engine.dispose()


@pytest.fixture
def make_desk(tmp_path, clock, hub):
    made = []

    def make(name: str, workstation: int, commune=COMMUNE_A, *, enrolled: bool = True) -> Desk:
        desk = Desk(open_database(tmp_path / f"{name}.sqlite"), actor=f"Cán bộ {name}", clock=clock)
        init_commune(desk, CommuneSetup(commune[0], commune[1], workstation_no=workstation))
        if enrolled:
            code = create_enroll_code(hub.engine, commune[0], commune[1], workstation)
            enroll(desk, hub.url, code, f"Máy {name}")
        made.append(desk)
        return desk

    yield make
    for desk in made:
        desk.db.dispose()


def client(desk: Desk) -> SyncClient:
    return SyncClient(desk)
