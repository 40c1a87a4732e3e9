"""What the desk's start-up may not pay for (issue 14): the papers' libraries load at the first
print, the sync client's at the first round, Alembic only when a file needs migrating. Each check
runs in a fresh interpreter and reads sys.modules, so an import added anywhere on the way to the
first window shows up here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from app.services.commune import CommuneSetup, init_commune
from app.services.desk import Desk
from app.store.engine import open_database, shipped_head

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("reportlab", "openpyxl", "segno", "requests", "httpx", "sync.hub", "fastapi", "holidays", "alembic")
# The e-receipt stack: XML, signing keys, the OS credential store; needed at the first e-receipt.
E_RECEIPT = ("lxml", "ereceipt", "cryptography", "keyring", "signxml")


def loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=120, check=True)
    return set(json.loads(done.stdout.splitlines()[-1]))


def heavy_in(modules: set[str], names: tuple[str, ...] = HEAVY) -> list[str]:
    return sorted(h for h in names if h in modules)


def test_the_window_module_imports_none_of_the_papers_or_network_libraries():
    assert heavy_in(loaded_after("import app.ui.app, app.ui.main_window")) == []


def test_the_window_module_does_not_import_the_e_receipt_stack():
    assert heavy_in(loaded_after("import app.ui.app, app.ui.main_window"), E_RECEIPT) == []


def test_the_sync_client_loads_keyring_at_the_first_token_not_at_import():
    modules = loaded_after("import app.sync.client")
    assert "app.sync.credentials" in modules and "keyring" not in modules
    first_use = ("import os\nos.environ['PYTHON_KEYRING_BACKEND'] = 'keyring.backends.null.Keyring'\n"
                 "from app.sync.credentials import load_token\nassert load_token('http://127.0.0.1:9', 'x') is None")
    assert "keyring" in loaded_after(first_use)


def test_opening_a_file_at_head_does_not_load_alembic(tmp_path):
    path = tmp_path / "xa.sqlite"
    desk = Desk(open_database(path), actor="Cán bộ")
    init_commune(desk, CommuneSetup("000.17.22.H56", "Xã Quảng Phú"))
    desk.db.dispose()
    modules = loaded_after(f"from app.store.engine import open_database\nopen_database({str(path)!r}).dispose()")
    assert "alembic" not in modules


def test_the_head_read_from_the_files_is_alembics_head():
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from app.store.engine import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert shipped_head() == ScriptDirectory.from_config(config).get_current_head()


def test_an_older_file_is_still_migrated_with_its_backup(tmp_path):
    from app.store.engine import current_revision, migrate

    path = tmp_path / "old.sqlite"
    database = open_database(path, migrate_to="0001")
    with database.writer.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE keep_me (x INTEGER)")
    backup = migrate(database)
    assert current_revision(database.writer) == shipped_head()
    assert backup is not None and backup.exists()
    database.dispose()


def test_loading_the_accounts_hashes_no_password():
    # The login's decoy (for an unknown username) used to be hashed at import: a login's time at every start.
    code = ("import argon2\ndef refuse(*_a, **_k):\n    raise AssertionError('hashed at import')\n"
            "argon2.PasswordHasher.hash = refuse\nimport app.services.officers, app.ui.login")
    assert "app.services.officers" in loaded_after(code)


def test_the_decoy_hash_costs_a_real_verification_and_matches_no_password():
    import re

    from argon2 import extract_parameters

    from app.core.passwords import HASH_PATTERN, decoy_hash, hash_password, needs_rehash, verify_password

    decoy, real = decoy_hash(), hash_password("mat-khau-that-1")
    assert re.match(HASH_PATTERN, decoy) and extract_parameters(decoy) == extract_parameters(real)
    assert not needs_rehash(decoy) and decoy != decoy_hash()
    assert not verify_password(decoy, "mat-khau-that-1") and not verify_password(decoy, "")
