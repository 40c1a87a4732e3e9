"""XMLDSig made in three steps, checked by signxml AND by the xmlsec1 command-line tool; one changed
character breaks it; a missing token refuses to sign."""

import base64
import hashlib
from datetime import datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from cryptography.hazmat.primitives.hashes import SHA256
from lxml import etree

from ereceipt import envelope, xsd
from ereceipt.build import build_signed, prepare_receipt
from ereceipt.content import validate
from ereceipt.keys import DEMO_SUBJECT, Pkcs11Signer, Pkcs12Signer
from ereceipt.signing import C14N, DS, ENVELOPED, RSA_SHA256, SignerUnavailable, finish
from ereceipt.signing import SHA256 as SHA256_URI
from ereceipt.verify import SignatureInvalid, verify_receipt
from tests.ereceipt.conftest import PASSWORD, receipt, xmlsec1_verify

NS = {"ds": DS}


@pytest.fixture(scope="module")
def signed(signer):
    return build_signed(receipt(), signer, datetime(2027, 1, 1, 7, 30, 12))


def test_signature_has_the_shape_domain_md_describes(signed):
    root = etree.fromstring(signed)
    xsd.check(root)
    signature = root.find("DSCKS/NThu/ds:Signature", NS)
    info = signature.find("ds:SignedInfo", NS)
    assert info.find("ds:CanonicalizationMethod", NS).get("Algorithm") == C14N
    assert info.find("ds:SignatureMethod", NS).get("Algorithm") == RSA_SHA256
    data_ref, time_ref = info.findall("ds:Reference", NS)
    assert data_ref.get("URI") == "#BLEBL0127TAA00000001"
    assert [t.get("Algorithm") for t in data_ref.findall("ds:Transforms/ds:Transform", NS)] == [ENVELOPED, C14N]
    assert {r.find("ds:DigestMethod", NS).get("Algorithm") for r in (data_ref, time_ref)} == {SHA256_URI}
    holder = signature.find("ds:Object", NS)
    assert time_ref.get("URI") == f"#{holder.get('Id')}"
    prop = holder.find("ds:SignatureProperties/ds:SignatureProperty", NS)
    assert prop.get("Target") == f"#{signature.get('Id')}"
    assert prop[0].tag.endswith("}SigningTime") and prop[0].text == "2027-01-01T07:30:12"
    names = signature.findtext("ds:KeyInfo/ds:X509Data/ds:X509SubjectName", namespaces=NS)
    assert DEMO_SUBJECT in names and "MST:2800123456" in names
    assert signature.findtext("ds:KeyInfo/ds:X509Data/ds:X509Certificate", namespaces=NS)


def test_signxml_verifies_and_returns_what_was_signed(signed, signer):
    result = verify_receipt(signed, trusted=signer.certificate())
    assert result.receipt == validate(receipt())
    assert result.signing_time == datetime(2027, 1, 1, 7, 30, 12)
    assert "KHÔNG CÓ GIÁ TRỊ PHÁP LÝ" in result.signer


def test_xmlsec1_verifies_the_receipt(signed, cert_pem):
    run = xmlsec1_verify(signed, cert_pem, "DLBLai")
    assert run.returncode == 0, run.stderr
    assert "OK" in run.stdout + run.stderr
    assert "SignedInfo References (ok/all): 2/2" in run.stdout + run.stderr


def test_xmlsec1_verifies_receipts_inside_a_message(signer, cert_pem):
    docs = [build_signed(receipt(n), signer) for n in (1, 2)]
    message = envelope.wrap(envelope.Header("0106026495", "TCT", "2800123456", 206), docs)
    xsd.check(message)
    # xmlsec1 checks the first Signature of a file: cut each receipt out of the message as the hub does.
    for document in envelope.unwrap(message).documents:
        run = xmlsec1_verify(etree.tostring(document), cert_pem, "DLBLai")
        assert run.returncode == 0, run.stderr
        verify_receipt(etree.tostring(document), trusted=signer.certificate())


@pytest.mark.parametrize(("old", "new"), [
    ("<TgTTTBSo>21000<", "<TgTTTBSo>21001<"),  # the amount
    ("Nguyễn Văn Đức", "Nguyễn Văn Đúc"),  # one letter of the payer's name
    ("2027-01-01T07:30:12", "2027-01-01T07:30:13"),  # the signing time
])
def test_one_changed_character_breaks_the_signature(signed, signer, cert_pem, old, new):
    text = signed.decode("utf-8")
    assert text.count(old) == 1
    forged = text.replace(old, new).encode("utf-8")
    run = xmlsec1_verify(forged, cert_pem, "DLBLai")
    assert run.returncode != 0
    with pytest.raises(SignatureInvalid, match="không hợp lệ"):
        verify_receipt(forged, trusted=signer.certificate())


def test_a_changed_signature_value_breaks_it(signed, signer, cert_pem):
    root = etree.fromstring(signed)
    value = root.find(".//ds:SignatureValue", NS)
    raw = bytearray(base64.b64decode(value.text))
    raw[10] ^= 1
    value.text = base64.b64encode(bytes(raw)).decode()
    forged = etree.tostring(root)
    assert xmlsec1_verify(forged, cert_pem, "DLBLai").returncode != 0
    with pytest.raises(SignatureInvalid):
        verify_receipt(forged)


def test_another_certificate_is_not_trusted(signed, tmp_path):
    from ereceipt.keys import make_demo_pkcs12

    other = Pkcs12Signer(make_demo_pkcs12(tmp_path / "o.p12", b"x", "Xã khác", "2800999999"), b"x")
    with pytest.raises(SignatureInvalid, match="chứng thư số khác"):
        verify_receipt(signed, trusted=other.certificate())


def test_three_steps_let_a_remote_holder_sign_only_the_digest(signer, cert_pem):
    prepared = prepare_receipt(receipt(5), signer.certificate(), datetime(2027, 1, 1, 8, 0))
    assert len(prepared.digest) == 32
    info = prepared.signature.find("ds:SignedInfo", NS)
    assert prepared.digest == hashlib.sha256(etree.tostring(info, method="c14n")).digest()
    # "elsewhere": a holder that sees 32 bytes and nothing of the receipt
    value = signer._key.sign(prepared.digest, padding.PKCS1v15(), Prehashed(SHA256()))
    signed = finish(prepared, value)
    assert xmlsec1_verify(signed, cert_pem, "DLBLai").returncode == 0
    assert verify_receipt(signed).receipt.number == 5


def test_absent_token_refuses_to_sign_and_says_plug_it_in(tmp_path):
    token = Pkcs11Signer(tmp_path / "no-such-driver.so", pin="1234")
    with pytest.raises(SignerUnavailable, match="Hãy cắm thiết bị ký số"):
        build_signed(receipt(), token)


def test_missing_or_locked_key_file_is_a_clear_error(tmp_path, key_file):
    with pytest.raises(SignerUnavailable, match="Không tìm thấy tệp chứng thư số"):
        Pkcs12Signer(tmp_path / "none.p12", PASSWORD)
    with pytest.raises(SignerUnavailable, match="sai mật khẩu"):
        Pkcs12Signer(key_file, b"wrong")


def test_bad_content_is_never_signed(signer):
    calls = []

    class Spy:
        def certificate(self):
            return signer.certificate()

        def sign_digest(self, digest):
            calls.append(digest)
            return signer.sign_digest(digest)

    from app.core.errors import ValidationError

    with pytest.raises(ValidationError):
        build_signed(receipt(amount=-5), Spy())
    assert calls == []
