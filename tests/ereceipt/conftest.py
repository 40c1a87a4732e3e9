import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from ereceipt.content import Collector, EReceipt, Payer
from ereceipt.keys import Pkcs12Signer, certificate_pem, make_demo_pkcs12

COLLECTOR = Collector("Ủy ban nhân dân xã Quảng Phú", "2800123456", "Xã Quảng Phú, tỉnh Thanh Hóa",
                      phone="0237 3861 234", budget_code="1234567")
PASSWORD = b"mat-khau-thu"


def receipt(number: int = 1, **changes) -> EReceipt:
    values = dict(template_symbol="EBL01", series_symbol="27TAA", number=number,
                  issued_at=datetime(2027, 1, 1, 7, 30), collector=COLLECTOR,
                  payer=Payer("Nguyễn Văn Đức", "Thôn Đông, xã Quảng Phú", id_number="038090001234"),
                  fee_name="Lệ phí chứng thực bản sao từ bản chính", amount=21_000, lookup_code="K7M2P9QX4RTB",
                  dossier_code="000.17.22.H56-270101-2001", collector_officer="Lê Thị Hoa")
    values.update(changes)
    return EReceipt(**values)


@pytest.fixture(scope="session")
def key_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("keys") / "demo.p12"
    return make_demo_pkcs12(path, PASSWORD, COLLECTOR.name, COLLECTOR.tax_code)


@pytest.fixture(scope="session")
def signer(key_file):
    return Pkcs12Signer(key_file, PASSWORD)


@pytest.fixture(scope="session")
def cert_pem(signer, tmp_path_factory):
    path = tmp_path_factory.mktemp("cert") / "cert.pem"
    path.write_bytes(certificate_pem(signer.certificate()))
    return path


def xmlsec1_verify(xml: bytes, cert: Path, *id_elements: str) -> subprocess.CompletedProcess:
    """The independent check: Debian's xmlsec1 (libxmlsec1 over OpenSSL), as a tax office would."""
    folder = cert.parent
    doc = folder / "doc.xml"
    doc.write_bytes(xml)
    ids = [arg for name in id_elements for arg in ("--id-attr:Id", name)]
    return subprocess.run(["xmlsec1", "--verify", "--trusted-pem", str(cert), *ids, str(doc)],
                          capture_output=True, text=True)
