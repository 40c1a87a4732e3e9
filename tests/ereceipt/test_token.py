"""A real PKCS#11 token: SoftHSM2 (Debian's software token) holds the key and the certificate; the
desk's Pkcs11Signer signs only the digest on it, and xmlsec1 verifies the receipt. Pulling the
token (a wrong token label here) refuses to sign with the plug-it-in message."""

import os
import subprocess
from datetime import datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from ereceipt.build import build_signed
from ereceipt.keys import Pkcs11Signer, certificate_pem
from ereceipt.signing import SignerUnavailable
from ereceipt.verify import verify_receipt
from tests.ereceipt.conftest import PASSWORD, receipt, xmlsec1_verify

LIBRARY = Path("/usr/lib/softhsm/libsofthsm2.so")
PIN = "123456"


@pytest.fixture(scope="module")
def token(tmp_path_factory, key_file):
    import pkcs11

    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\n")
    os.environ["SOFTHSM2_CONF"] = str(conf)  # read when the library initialises, below
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", "UBND-QUANG-PHU", "--pin", PIN,
                    "--so-pin", "654321"], check=True, capture_output=True)
    key, cert, _ = pkcs12.load_key_and_certificates(key_file.read_bytes(), PASSWORD)
    pem = folder / "key.pem"
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    subprocess.run(["softhsm2-util", "--import", str(pem), "--token", "UBND-QUANG-PHU", "--label", "ky-bien-lai",
                    "--id", "01", "--pin", PIN], check=True, capture_output=True)
    pem.unlink()  # the key now lives only on the token
    with pkcs11.lib(str(LIBRARY)).get_token(token_label="UBND-QUANG-PHU").open(rw=True, user_pin=PIN) as session:
        session.create_object({
            pkcs11.Attribute.CLASS: pkcs11.ObjectClass.CERTIFICATE,
            pkcs11.Attribute.CERTIFICATE_TYPE: pkcs11.CertificateType.X_509,
            pkcs11.Attribute.TOKEN: True, pkcs11.Attribute.LABEL: "ky-bien-lai", pkcs11.Attribute.ID: b"\x01",
            pkcs11.Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
            pkcs11.Attribute.SUBJECT: cert.subject.public_bytes(),
        })
    return Pkcs11Signer(LIBRARY, PIN, token_label="UBND-QUANG-PHU", key_label="ky-bien-lai")


def test_a_pkcs11_token_signs_the_receipt(token, signer, cert_pem):
    assert certificate_pem(token.certificate()) == certificate_pem(signer.certificate())
    signed = build_signed(receipt(42), token, datetime(2027, 1, 1, 7, 30))
    run = xmlsec1_verify(signed, cert_pem, "DLBLai")
    assert run.returncode == 0, run.stderr
    assert verify_receipt(signed, trusted=signer.certificate()).receipt.number == 42


def test_a_missing_token_is_plug_it_in(token):
    absent = Pkcs11Signer(LIBRARY, PIN, token_label="TOKEN-DA-RUT-RA")
    with pytest.raises(SignerUnavailable, match="Hãy cắm thiết bị ký số"):
        build_signed(receipt(43), absent)


def test_a_wrong_pin_is_refused(token):
    with pytest.raises(SignerUnavailable, match="Mã PIN của thiết bị ký số không đúng"):
        build_signed(receipt(44), Pkcs11Signer(LIBRARY, "000000", token_label="UBND-QUANG-PHU"))
