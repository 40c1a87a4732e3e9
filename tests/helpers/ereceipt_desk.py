"""A desk set up for e-receipts the way a commune would be: the collector's details, its tax office,
a PKCS#12 signer whose password is in the (test) credential store, and an e-receipt range."""

from __future__ import annotations

import subprocess
from pathlib import Path

from app.core.receipts import SeriesSpec
from app.services.desk import Desk
from app.services.receipts import add_series
from app.services.settings import save_settings
from app.services.signer_config import save_secret
from ereceipt.keys import make_demo_pkcs12

PASSWORD = "mật-khẩu-thử"
COLLECTOR = dict(collector_name="Ủy ban nhân dân xã Quảng Phú", collector_tax_code="2800123456",
                 collector_address="Xã Quảng Phú, tỉnh Thanh Hóa", collector_phone="0237 3861 234",
                 collector_budget_code="1234567", tax_office_code="28101",
                 tax_office_name="Thuế cơ sở 1 tỉnh Thanh Hóa",
                 ereceipt_contact_name="Lê Thị Hoa", ereceipt_contact_email="motcua@quangphu.gov.vn")


def configure(desk: Desk, folder: Path, *, electronic_from: str = "", key_name: str = "chu-ky.p12",
              save_password: bool = True) -> Path:
    """Settings and signer of an e-receipt desk; returns the key file (relative to the database)."""
    key = folder / key_name
    if not key.exists():
        make_demo_pkcs12(key, PASSWORD.encode(), COLLECTOR["collector_name"], COLLECTOR["collector_tax_code"])
    relative = key.relative_to(desk.db.path.parent) if key.is_relative_to(desk.db.path.parent) else key
    with desk.write() as connection:
        save_settings(connection, **COLLECTOR, signer_kind="pkcs12", signer_path=str(relative),
                      ereceipts_from=electronic_from)
    desk.forget_cached()
    if save_password:
        save_secret(desk.settings(), PASSWORD, desk.db.path.parent)
    return key


def add_e_range(desk: Desk, series: str = "27TAA", first: int = 1, last: int = 1000, template: str = "EBL01") -> int:
    return add_series(desk, SeriesSpec("electronic", template, series, first, last), source="hub")


def xmlsec1(xml: bytes, cert_pem: bytes, folder: Path, id_element: str) -> subprocess.CompletedProcess:
    """Debian's xmlsec1, an implementation independent of ours and of signxml."""
    doc, cert = folder / "doc.xml", folder / "cert.pem"
    doc.write_bytes(xml)
    cert.write_bytes(cert_pem)
    return subprocess.run(["xmlsec1", "--verify", "--trusted-pem", str(cert), "--id-attr:Id", id_element, str(doc)],
                          capture_output=True, text=True)
