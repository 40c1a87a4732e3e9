"""The demo commune issues e-receipts (early switch, demo certificate), so a new user sees them."""

from sqlalchemy import func, select

from app.services import ereceipts
from app.services.demo import build_demo
from app.services.desk import Desk
from app.services.settings import save_settings
from app.services.signer_config import DEMO, key_holder
from app.store.engine import open_database
from app.store.models import EReceiptDocument
from ereceipt.keys import DEMO_SUBJECT, certificate_pem
from ereceipt.signing import SignerUnavailable
from tests.helpers.ereceipt_desk import configure, xmlsec1


def test_demo_commune_has_signed_ereceipts(tmp_path):
    path = build_demo(tmp_path / "demo.sqlite", days=6)
    desk = Desk(open_database(path), actor="Nguyễn Thị Lan")
    try:
        settings = desk.settings()
        assert settings.signer_kind == DEMO and (tmp_path / settings.signer_path).exists()
        certificate = key_holder(settings, tmp_path).certificate()
        assert DEMO_SUBJECT in certificate.subject.rfc4514_string()
        with desk.read() as c:
            query = select(EReceiptDocument.state, func.count()).group_by(EReceiptDocument.state)
            states = {state: n for state, n in c.execute(query).all()}
        assert sum(states.values()) > 10 and states.get("accepted", 0) > 0
        _, xml = ereceipts.signed_xml(desk)
        run = xmlsec1(xml, certificate_pem(certificate), tmp_path, "DLBLai")
        assert run.returncode == 0, run.stderr
        assert ereceipts.regime(desk) == "electronic"
    finally:
        desk.db.dispose()


def test_demo_kind_refuses_a_real_certificate(desk, tmp_path):
    """The published demo password opens only a certificate that says it has no legal value."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    from app.services.signer_config import DEMO_PASSWORD

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "UBND xã Quảng Phú")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=30))
            .sign(key, hashes.SHA256()))
    (tmp_path / "that.p12").write_bytes(pkcs12.serialize_key_and_certificates(
        b"x", key, cert, None, serialization.BestAvailableEncryption(DEMO_PASSWORD.encode())))
    configure(desk, tmp_path)
    with desk.write() as c:
        save_settings(c, signer_kind=DEMO, signer_path="that.p12")
    desk.forget_cached()
    import pytest
    with pytest.raises(SignerUnavailable, match="không phải chứng thư thử nghiệm"):
        key_holder(desk.settings(), tmp_path)
