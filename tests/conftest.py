import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # before anything imports Qt

from datetime import datetime, timedelta

import keyring
import pytest
from keyring.backends.null import Keyring as NullKeyring  # noqa: F401  (keeps the import checked)

from app.services.clock import from_local
from app.services.commune import CommuneSetup, init_commune
from app.services.desk import Desk
from app.store.engine import open_database

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
    from keyring.backend import KeyringBackend

    class Memory(KeyringBackend):
        priority = 1

        def __init__(self):
            self.store = {}

        def get_password(self, service, username):
            return self.store.get((service, username))

        def set_password(self, service, username, password):
            self.store[(service, username)] = password

        def delete_password(self, service, username):
            self.store.pop((service, username), None)

    previous = keyring.get_keyring()
    keyring.set_keyring(Memory())
    yield
    keyring.set_keyring(previous)
