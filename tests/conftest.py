import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt
os.environ.setdefault("MOTCUA_LOG_DIR", tempfile.mkdtemp(prefix="motcua-test-logs-"))  # not the user's folder

from datetime import datetime, timedelta

import keyring
import pytest

from app.services.clock import from_local
from app.services.commune import CommuneSetup, init_commune
from app.services.desk import Desk
from app.store.engine import open_database

pytest_plugins = ["tests.helpers.browser"]  # the `browser` fixture: headless chromium for the hub's pages

AGENCY = "000.17.22.H56"


class FakeClock:
    """A desk clock the test moves by hand, in local wall time."""

    def __init__(self, wall: datetime) -> None:
        self.instant = from_local(wall)

    def __call__(self) -> datetime:
        return self.instant

    def set(self, wall: datetime) -> None:
        self.instant = from_local(wall)

    def advance(self, **delta: float) -> None:
        self.instant += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 18, 9, 0))  # a Wednesday


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "xa.sqlite"


@pytest.fixture
def desk(db_path, clock):
    database = open_database(db_path)
    desk = Desk(database, actor="Nguyễn Thị Lan", clock=clock)
    init_commune(desk, CommuneSetup(AGENCY, "Xã Quảng Phú", workstation_no=2))
    yield desk
    database.dispose()


@pytest.fixture(autouse=True)
def _memory_keyring():
    from tests.helpers.keyring_memory import MemoryKeyring

    previous = keyring.get_keyring()
    MemoryKeyring.store = {}
    keyring.set_keyring(MemoryKeyring())
    yield
    keyring.set_keyring(previous)
