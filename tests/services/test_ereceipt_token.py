"""An e-receipt signed on a PKCS#11 token (Debian's SoftHSM2) through the desk's own configuration:
settings name the library and the token, the PIN is in the credential store; xmlsec1 verifies the
stored receipt; a token that is not there refuses with the plug-it-in message and writes nothing."""

import base64
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from lxml import etree

from ereceipt.signing import DS
from tests.helpers.ereceipt_desk import xmlsec1

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = Path("/usr/lib/softhsm/libsofthsm2.so")
PIN = "123456"


@pytest.mark.skipif(not LIBRARY.exists(), reason="SoftHSM2 is installed by scripts/setup.sh")
def test_a_desk_signs_on_its_token_and_refuses_without_it(tmp_path):
    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOFTHSM2_CONF": str(conf),
           "PYTHON_KEYRING_BACKEND": "tests.helpers.keyring_file.FileKeyring",
           "MOTCUA_TEST_KEYRING": str(tmp_path / "keyring.json")}
    db = tmp_path / "xa.sqlite"
    run = subprocess.run([sys.executable, str(ROOT / "tests/helpers/token_desk.py"), str(db), str(tmp_path)],
                         capture_output=True, text=True, env=env, timeout=180)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.splitlines()[-1])
    assert result["number"] == 1 and "Hãy cắm thiết bị ký số" in result["refused"]
    c = sqlite3.connect(db)
    assert c.execute("SELECT count(*) FROM receipt").fetchone()[0] == 1  # the refused one left nothing
    assert c.execute("SELECT next_number FROM receipt_series").fetchone()[0] == 2
    settings = dict(c.execute("SELECT key, value FROM setting").fetchall())
    assert json.loads(settings["signer_path"]) == str(LIBRARY) and json.dumps(PIN) not in settings.values()
    xml = c.execute("SELECT signed_xml FROM ereceipt").fetchone()[0]
    c.close()
    assert PIN in (tmp_path / "keyring.json").read_text()  # kept in the credential store, not the database
    der = etree.fromstring(xml).findtext(f".//{{{DS}}}X509Certificate")
    pem = x509.load_der_x509_certificate(base64.b64decode(der)).public_bytes(Encoding.PEM)
    checked = xmlsec1(xml, pem, tmp_path, "DLBLai")
    assert checked.returncode == 0, checked.stderr
