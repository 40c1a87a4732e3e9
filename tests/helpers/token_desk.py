"""A desk whose key lives on a PKCS#11 token (SoftHSM2), run in a process of its own: the token
library reads SOFTHSM2_CONF once per process. Puts the key and certificate of a demo PKCS#12 on a
fresh token, sets the desk up with `ereceipts.configure` (PIN in the keyring), issues an e-receipt,
then "unplugs" the token (a label no token has) and tries again. Prints one JSON line."""

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from app.core.errors import DeskError
from app.services import ereceipts
from app.services.clock import from_local
from app.services.commune import CommuneSetup, init_commune
from app.services.desk import Desk
from app.services.receipts import issue_receipt
from app.services.settings import save_settings
from app.services.signer_config import save_secret
from app.store.engine import open_database
from ereceipt.keys import make_demo_pkcs12
from tests.helpers.ereceipt_desk import COLLECTOR, add_e_range

LIBRARY = "/usr/lib/softhsm/libsofthsm2.so"
LABEL, PIN = "UBND-QUANG-PHU", "123456"


def put_on_token(folder: Path) -> None:
    import pkcs11

    key_file = make_demo_pkcs12(folder / "k.p12", b"mk", COLLECTOR["collector_name"], COLLECTOR["collector_tax_code"])
    key, cert, _ = pkcs12.load_key_and_certificates(key_file.read_bytes(), b"mk")
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", LABEL, "--pin", PIN, "--so-pin", "654321"],
                   check=True, capture_output=True)
    pem = folder / "key.pem"
    pem.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption()))
    subprocess.run(["softhsm2-util", "--import", str(pem), "--token", LABEL, "--label", "ky", "--id", "01",
                    "--pin", PIN], check=True, capture_output=True)
    pem.unlink()
    key_file.unlink()  # the key now lives only on the token
    with pkcs11.lib(LIBRARY).get_token(token_label=LABEL).open(rw=True, user_pin=PIN) as session:
        session.create_object({
            pkcs11.Attribute.CLASS: pkcs11.ObjectClass.CERTIFICATE,
            pkcs11.Attribute.CERTIFICATE_TYPE: pkcs11.CertificateType.X_509, pkcs11.Attribute.TOKEN: True,
            pkcs11.Attribute.LABEL: "ky", pkcs11.Attribute.ID: b"\x01",
            pkcs11.Attribute.VALUE: cert.public_bytes(serialization.Encoding.DER),
            pkcs11.Attribute.SUBJECT: cert.subject.public_bytes(),
        })


def main(db: str, folder: str) -> None:
    put_on_token(Path(folder))
    instant = from_local(datetime(2027, 1, 1, 7, 30))
    desk = Desk(open_database(db), actor="Lê Thị Hoa", clock=lambda: instant)
    init_commune(desk, CommuneSetup("000.17.22.H56", "Xã Quảng Phú", workstation_no=1))
    fields = {k: v for k, v in COLLECTOR.items()}
    ereceipts.configure(desk, signer_kind="pkcs11", signer_path=LIBRARY, secret=PIN, token_label=LABEL, **fields)
    add_e_range(desk)
    issued = issue_receipt(desk, payer_name="Nguyễn Văn Đức", fee_name="Phí chứng thực", amount=21_000)
    with desk.write() as connection:  # the settings name a token that is not plugged in (its PIN is known)
        save_settings(connection, signer_token_label="KHONG-CO-THIET-BI")
    desk.forget_cached()
    save_secret(desk.settings(), PIN)
    try:
        issue_receipt(desk, payer_name="Nguyễn Văn Đức", fee_name="Phí chứng thực", amount=21_000)
        refused = ""
    except DeskError as error:
        refused = error.message
    desk.db.dispose()
    print(json.dumps({"uid": issued.uid, "number": issued.number, "refused": refused}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
