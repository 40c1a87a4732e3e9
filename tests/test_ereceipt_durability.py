"""E-receipts signed inside the receipt's transaction survive SIGKILL at random moments: no gap in
the e-range, every receipt with its signed document and both outbox ops, nothing confirmed lost."""

import base64
import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import keyring
import pytest

from app.services.commune import CommuneSetup, init_commune
from app.services.desk import Desk
from app.services.signer_config import save_secret
from app.store.engine import open_database
from tests.helpers.ereceipt_desk import PASSWORD, add_e_range, configure
from tests.helpers.keyring_file import FileKeyring

ROOT = Path(__file__).resolve().parent.parent
KILLS = 15


def prepare(path: Path) -> None:
    database = open_database(path)
    desk = Desk(database, actor="setup")
    init_commune(desk, CommuneSetup("000.17.22.H56", "Xã Quảng Phú", workstation_no=3))
    configure(desk, path.parent, save_password=False)
    keyring.set_keyring(FileKeyring())
    save_secret(desk.settings(), PASSWORD, path.parent)
    add_e_range(desk, "27TAA", 1, 99_999)
    database.dispose()


def check_invariants(path: Path) -> set[int]:
    c = sqlite3.connect(path)
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    numbers = [n for (n,) in c.execute("SELECT number FROM receipt ORDER BY number")]
    assert numbers == list(range(1, len(numbers) + 1)), "e-receipt numbers have a gap or a duplicate"
    documents = c.execute("SELECT e.signed_xml, e.xml_sha256, r.uid FROM ereceipt e JOIN receipt r "
                          "ON r.id = e.receipt_id").fetchall()
    assert len(documents) == len(numbers), "a receipt has no signed document (or a document no receipt)"
    signed_ops = {row[0]: json.loads(row[1]) for row in c.execute(
        "SELECT entity_id, payload FROM outbox WHERE kind = 'receipt.signed'")}
    issued_ops = c.execute("SELECT count(*) FROM outbox WHERE kind = 'receipt.issued'").fetchone()[0]
    assert issued_ops == len(signed_ops) == len(numbers), "a receipt is missing one of its two ops"
    for xml, digest, uid in documents:
        assert hashlib.sha256(xml).hexdigest() == digest
        assert base64.b64decode(signed_ops[uid]["xml_b64"]) == xml
    assert c.execute("SELECT next_number FROM receipt_series").fetchone()[0] == len(numbers) + 1
    c.close()
    return set(numbers)


@pytest.mark.slow
def test_sigkill_while_issuing_ereceipts_loses_nothing_and_leaves_no_gap(tmp_path, monkeypatch):
    monkeypatch.setenv("MOTCUA_TEST_KEYRING", str(tmp_path / "keyring.json"))
    path = tmp_path / "kill.sqlite"
    prepare(path)
    rng = random.Random(11)
    confirmed: set[int] = set()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHON_KEYRING_BACKEND": "tests.helpers.keyring_file.FileKeyring"}
    for _ in range(KILLS):
        worker = subprocess.Popen([sys.executable, str(ROOT / "tests/helpers/ereceipt_kill_worker.py"), str(path),
                                   str(rng.randrange(10**9))], stdout=subprocess.PIPE, text=True, env=env)
        assert worker.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 1.0))
        worker.send_signal(signal.SIGKILL)
        out, _ = worker.communicate()
        confirmed |= {int(line.split()[1]) for line in out.splitlines() if line.startswith("receipt ")}
        check_invariants(path)
    final = check_invariants(path)
    assert confirmed and confirmed <= final, "an e-receipt confirmed to the official was lost"
