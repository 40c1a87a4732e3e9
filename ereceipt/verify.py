"""Checking an e-receipt's signature with signxml, an implementation independent of the assembly in
`ereceipt.signing` (the tests also run `xmlsec1`, a third).

What is checked: the signature value over SignedInfo with the certificate; exactly two References,
one to the receipt's data element and one to the SigningTime object; each digest. The content is
then read from what was signed (signxml returns only signed bytes), so text outside the signed
element — a "wrapping" attack — is never believed. Trust in the certificate's issuer is a separate
question: pass `trusted` (the commune's registered certificate) to pin it.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.x509.oid import NameOID
from lxml import etree
from signxml import SignatureConfiguration, XMLVerifier
from signxml.exceptions import InvalidCertificate, InvalidDigest, InvalidInput, InvalidSignature

from app.core.errors import DeskError
from ereceipt import xml_adapter
from ereceipt.content import EReceipt
from ereceipt.signing import DS, SIGNING_TIME_TAG, subject_name


class SignatureInvalid(DeskError):
    code = "signature_invalid"


@dataclass(frozen=True)
class Verified:
    receipt: EReceipt
    signer: str  # the certificate's subject
    signing_time: datetime  # local wall time, as written in SigningTime
    certificate: x509.Certificate


def signer_display(certificate: x509.Certificate) -> str:
    """How a person reads the signer: the common name, after the organisation when they differ
    (the demo certificate's common name is its warning)."""
    def first(oid: x509.ObjectIdentifier) -> str:
        values = certificate.subject.get_attributes_for_oid(oid)
        return str(values[0].value) if values else ""

    common, organisation = first(NameOID.COMMON_NAME), first(NameOID.ORGANIZATION_NAME)
    if organisation and organisation != common:
        return f"{organisation} ({common})" if common else organisation
    return common or subject_name(certificate)


def _parse(xml: bytes) -> etree._Element:
    try:
        return etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        raise SignatureInvalid(f"Biên lai không phải XML hợp lệ: {error}") from error


def embedded_certificate(root: etree._Element) -> x509.Certificate:
    text = root.findtext(f".//{{{DS}}}X509Certificate")
    if not text:
        raise SignatureInvalid("Biên lai không có chứng thư số của người ký.")
    return x509.load_der_x509_certificate(base64.b64decode(text))


def verify_receipt(xml: bytes, trusted: x509.Certificate | None = None) -> Verified:
    """The receipt as signed, or SignatureInvalid saying in Vietnamese why it cannot be trusted."""
    root = _parse(xml)
    certificate = embedded_certificate(root)
    if trusted is not None and certificate != trusted:
        raise SignatureInvalid("Biên lai được ký bằng chứng thư số khác với chứng thư đã đăng ký.")
    named = root.findtext(f".//{{{DS}}}X509SubjectName")
    if named != subject_name(certificate):
        raise SignatureInvalid("Tên người ký (X509SubjectName) không khớp chứng thư số.")
    try:
        results = XMLVerifier().verify(root, x509_cert=certificate, id_attribute="Id",
                                       expect_config=SignatureConfiguration(expect_references=2))
    except (InvalidSignature, InvalidDigest) as error:
        raise SignatureInvalid("Chữ ký số không hợp lệ: nội dung biên lai đã bị thay đổi sau khi ký.") from error
    except InvalidCertificate as error:
        raise SignatureInvalid(f"Chứng thư số không hợp lệ: {error}") from error
    except (InvalidInput, etree.DocumentInvalid) as error:
        raise SignatureInvalid(f"Chữ ký số sai cấu trúc: {error}") from error
    signed = {result.signed_xml.tag: result.signed_xml for result in results if result.signed_xml is not None}
    data, holder = signed.get(xml_adapter.DATA), signed.get(f"{{{DS}}}Object")
    moment = holder.findtext(f".//{SIGNING_TIME_TAG}") if holder is not None else None
    if data is None or not moment:
        raise SignatureInvalid("Chữ ký số không bao phủ dữ liệu biên lai và thời điểm ký.")
    # Rebuild a receipt document around the signed data only; the slot is empty on purpose.
    shell = etree.Element(xml_adapter.RECEIPT)
    shell.append(data)
    etree.SubElement(etree.SubElement(shell, xml_adapter.SIGNATURES), xml_adapter.COLLECTOR_SIGNATURE)
    return Verified(xml_adapter.from_xml(shell), subject_name(certificate), datetime.fromisoformat(moment),
                    certificate)
