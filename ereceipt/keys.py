"""Key holders for `ereceipt.signing`: a PKCS#12 file (tests, the demo commune) and a PKCS#11 USB
token, plus the demo certificate, which says in its subject that it has no legal value."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from ereceipt.signing import SignerUnavailable

DEMO_SUBJECT = "CHỨNG THƯ THỬ NGHIỆM – KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"
PLUG_IN_TOKEN = ("Hãy cắm thiết bị ký số (USB token) của cơ quan vào máy rồi thử lại. "
                 "Biên lai chưa được lập: không lập biên lai điện tử khi chưa ký số được.")
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")  # DER prefix, RFC 8017 §9.2


class Pkcs12Signer:
    """The key and certificate from a .p12/.pfx file, signing in this process."""

    def __init__(self, path: Path, password: bytes | None) -> None:
        try:
            key, certificate, _ = pkcs12.load_key_and_certificates(Path(path).read_bytes(), password)
        except FileNotFoundError as error:
            raise SignerUnavailable(f"Không tìm thấy tệp chứng thư số {path}. {PLUG_IN_TOKEN}") from error
        except ValueError as error:
            raise SignerUnavailable("Không mở được tệp chứng thư số: sai mật khẩu hoặc tệp hỏng.") from error
        if not isinstance(key, rsa.RSAPrivateKey) or certificate is None:
            raise SignerUnavailable("Tệp chứng thư số phải chứa một khóa RSA và chứng thư của nó.")
        self._key = key
        self._certificate = certificate

    def certificate(self) -> x509.Certificate:
        return self._certificate

    def sign_digest(self, digest: bytes) -> bytes:
        return self._key.sign(digest, padding.PKCS1v15(), utils.Prehashed(hashes.SHA256()))


class Pkcs11Signer:
    """A USB token through its PKCS#11 library (python-pkcs11, installed where a token is used).
    Every call opens the token: an unplugged token is found out before a receipt is issued."""

    def __init__(self, library: Path, pin: str, token_label: str | None = None, key_label: str | None = None) -> None:
        self.library, self.pin, self.token_label, self.key_label = Path(library), pin, token_label, key_label

    def _module(self) -> Any:
        if not self.library.exists():  # the token's driver is installed with it
            raise SignerUnavailable(f"{PLUG_IN_TOKEN} (Chưa thấy trình điều khiển {self.library.name}.)")
        try:
            import pkcs11  # only on desks with a token: the demo and tests sign with a file
        except ImportError as error:
            raise SignerUnavailable("Máy này chưa cài gói python-pkcs11 để dùng thiết bị ký số.") from error
        return pkcs11

    def _session(self) -> Any:
        pkcs11 = self._module()
        try:
            lib = pkcs11.lib(str(self.library))
            token = lib.get_token(token_label=self.token_label) if self.token_label else next(
                iter(slot.get_token() for slot in lib.get_slots(token_present=True)))
            return token.open(user_pin=self.pin)
        except (pkcs11.PinIncorrect, pkcs11.PinLenRange, pkcs11.PinLocked) as error:
            raise SignerUnavailable("Mã PIN của thiết bị ký số không đúng hoặc đã bị khóa. "
                                    "Biên lai chưa được lập.") from error
        except Exception as error:  # any other failure to reach the token means the same to the official
            raise SignerUnavailable(PLUG_IN_TOKEN) from error

    def certificate(self) -> x509.Certificate:
        pkcs11 = self._module()
        with self._session() as session:
            found = next(iter(session.get_objects({pkcs11.Attribute.CLASS: pkcs11.ObjectClass.CERTIFICATE})), None)
            if found is None:
                raise SignerUnavailable("Thiết bị ký số không chứa chứng thư số.")
            return x509.load_der_x509_certificate(found[pkcs11.Attribute.VALUE])

    def sign_digest(self, digest: bytes) -> bytes:
        pkcs11 = self._module()
        with self._session() as session:
            query = {pkcs11.Attribute.CLASS: pkcs11.ObjectClass.PRIVATE_KEY}
            if self.key_label:
                query[pkcs11.Attribute.LABEL] = self.key_label
            key = next(iter(session.get_objects(query)), None)
            if key is None:
                raise SignerUnavailable("Thiết bị ký số không chứa khóa bí mật.")
            return key.sign(SHA256_DIGEST_INFO + digest, mechanism=pkcs11.Mechanism.RSA_PKCS)


def make_demo_pkcs12(path: Path, password: bytes, organisation: str, tax_code: str,
                     valid_from: dt.datetime | None = None, years: int = 5) -> Path:
    """A self-signed RSA-2048 certificate whose subject says it is a test with no legal value."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([  # X.509 order, country first: RFC 4514 prints it "CN=…,UID=…,O=…,C=VN"
        x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        x509.NameAttribute(NameOID.USER_ID, f"MST:{tax_code}"),  # how Vietnamese CAs carry the tax code [S]
        x509.NameAttribute(NameOID.COMMON_NAME, DEMO_SUBJECT),
    ])
    start = valid_from or dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    certificate = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=365 * years))
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    blob = pkcs12.serialize_key_and_certificates(
        DEMO_SUBJECT.encode("utf-8"), key, certificate, None, serialization.BestAvailableEncryption(password))
    Path(path).write_bytes(blob)
    return Path(path)


def certificate_pem(certificate: x509.Certificate) -> bytes:
    return certificate.public_bytes(serialization.Encoding.PEM)
