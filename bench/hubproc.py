"""Shared by the sync benchmarks: a hub in its own process on 127.0.0.1 (the tests' helper), desks
enrolled to it, and an in-memory keyring (a benchmark machine has no OS keyring)."""

from __future__ import annotations

from pathlib import Path

import keyring
from common import ROOT  # noqa: F401  (puts the project on the path)

from app.services.commune import CommuneSetup, init_commune
from app.services.desk import Desk
from app.store.engine import open_database
from app.sync.client import enroll
from sync.hub.admin import create_enroll_code
from tests.helpers.keyring_memory import MemoryKeyring
from tests.sync.hubprocess import HubProcess

AGENCY = ("000.17.22.H56", "Xã Quảng Phú")
__all__ = ["HubProcess", "enrolled_desk"]


def enrolled_desk(hub: HubProcess, path: Path, workstation: int) -> Desk:
    keyring.set_keyring(MemoryKeyring())
    desk = Desk(open_database(path), actor=f"Cán bộ {workstation}")
    init_commune(desk, CommuneSetup(*AGENCY, workstation_no=workstation))
    enroll(desk, hub.url, create_enroll_code(hub.engine, *AGENCY, workstation), f"Máy {workstation}")
    return desk
