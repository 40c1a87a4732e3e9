"""A hub in its own process, so that a test can kill it with SIGKILL and start it again."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from sync.hub.store import open_hub

ROOT = Path(__file__).resolve().parents[2]


class HubProcess:
    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self.engine = open_hub(db_url)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None
        self.start()

    def start(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        self.blobs = tempfile.mkdtemp(prefix="hub-blobs-")
        self.process = subprocess.Popen([sys.executable, "-m", "sync.hub", "--db", self.db_url, "serve", "--port",
                                         str(self.port), "--blobs", self.blobs], env=env,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/api/v1/health", timeout=1)
                return
            except OSError:
                assert time.monotonic() < deadline, "hub did not start"
                time.sleep(0.1)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.engine.dispose()
