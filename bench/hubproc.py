"""Shared by the sync benchmarks: a hub in its own process on 127.0.0.1, desks enrolled to it, and
an in-memory keyring (a benchmark machine has no OS keyring)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import ClassVar

import keyring
from common import ROOT
from keyring.backend import KeyringBackend

from app.services.commune import CommuneSetup, init_commune
from app.services.desk import Desk
from app.store.engine import open_database
from sync.client import enroll
from sync.hub.admin import create_enroll_code
from sync.hub.store import open_hub

AGENCY = ("000.17.22.H56", "Xã Quảng Phú")


class MemoryKeyring(KeyringBackend):
    priority = 1  # type: ignore[assignment]
    store: ClassVar[dict[tuple[str, str], str]] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HubProcess:
    def __init__(self, url: str) -> None:
        self.db_url, self.port = url, free_port()
        self.engine = open_hub(url)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.process = subprocess.Popen([sys.executable, "-m", "sync.hub", "--db", url, "serve", "--port",
                                         str(self.port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.url = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/api/v1/health", timeout=1)
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("hub did not start") from None
                time.sleep(0.1)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self.engine.dispose()


def enrolled_desk(hub: HubProcess, path: Path, workstation: int) -> Desk:
    keyring.set_keyring(MemoryKeyring())
    desk = Desk(open_database(path), actor=f"Cán bộ {workstation}")
    init_commune(desk, CommuneSetup(*AGENCY, workstation_no=workstation))
    enroll(desk, hub.url, create_enroll_code(hub.engine, *AGENCY, workstation), f"Máy {workstation}")
    return desk
