"""XML signature of e-receipts in three steps, so that any key holder can sign.

As practised for the tax authority's documents (shared/domain.md §13.2, [C]): XMLDSig with
inclusive C14N 1.0, RSA-SHA256 and SHA-256 digests; one Reference to the data element's `Id` with
the enveloped-signature transform, one to an `Object/SignatureProperties/SignatureProperty`
holding `SigningTime`; `KeyInfo/X509Data` with `X509SubjectName` and `X509Certificate`.

    prepared = prepare(root, data, slot, certificate, signing_time)   # builds SignedInfo
    value = holder.sign_digest(prepared.digest)                         # on the token, HSM or service
    signed = finish(prepared, value)                                    # inserts SignatureValue

A USB token (PKCS#11), the Windows certificate store or a remote signing service only ever sees the
32-byte SHA-256 digest of the canonical SignedInfo; that is why the signature is assembled here
with lxml rather than by signxml, which wants the private key itself. signxml and `xmlsec1` then
verify what we made, as two independent implementations (ereceipt.verify, the tests).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from lxml import etree

from app.core.errors import DeskError
from ereceipt.envelope import local_time

DS = "http://www.w3.org/2000/09/xmldsig#"
C14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
SIGNING_TIME = "SigningTime"
# SigningTime must be outside the XMLDSig namespace (SignatureProperty holds ##other content); the
# Vietnamese e-invoice signers seen in public code all use this namespace for it [C].
SIGNING_TIME_NS = "http://example.org/#signatureProperties"
SIGNING_TIME_TAG = f"{{{SIGNING_TIME_NS}}}{SIGNING_TIME}"


class SignerUnavailable(DeskError):
    """The key cannot be reached: the receipt must not be issued (never unsigned)."""

    code = "signer_unavailable"


class KeyHolder(Protocol):
    """Whatever holds the collector's private key.

    `sign_digest` returns the RSA PKCS#1 v1.5 signature of a SHA-256 digest (for PKCS#11:
    CKM_RSA_PKCS over the DER DigestInfo of the digest; for Windows CNG: NCryptSignHash with
    BCRYPT_PAD_PKCS1 and the SHA256 algorithm id). It raises SignerUnavailable when the key
    cannot be reached (token unplugged, wrong PIN, service down)."""

    def certificate(self) -> x509.Certificate: ...

    def sign_digest(self, digest: bytes) -> bytes: ...


def _ds(tag: str) -> str:
    return f"{{{DS}}}{tag}"


def _sub(parent: etree._Element, tag: str, attrib: dict[str, str] | None = None, text: str | None = None
         ) -> etree._Element:
    element = etree.SubElement(parent, _ds(tag), attrib or {})
    element.text = text
    return element


def canonical(element: etree._Element) -> bytes:
    """Inclusive C14N 1.0 without comments, of the element where it stands in its document."""
    return etree.tostring(element, method="c14n", exclusive=False, with_comments=False)


def _digest(element: etree._Element) -> str:
    return base64.b64encode(hashlib.sha256(canonical(element)).digest()).decode("ascii")


def _reference(signed_info: etree._Element, uri: str, digest: str, *, enveloped: bool) -> None:
    reference = _sub(signed_info, "Reference", {"URI": f"#{uri}"})
    if enveloped:
        transforms = _sub(reference, "Transforms")
        _sub(transforms, "Transform", {"Algorithm": ENVELOPED})
        _sub(transforms, "Transform", {"Algorithm": C14N})
    _sub(reference, "DigestMethod", {"Algorithm": SHA256})
    _sub(reference, "DigestValue", text=digest)


def subject_name(certificate: x509.Certificate) -> str:
    return certificate.subject.rfc4514_string()


@dataclass
class Prepared:
    """A document with its Signature in place, waiting for the value of `digest`'s signature."""

    root: etree._Element
    signature: etree._Element
    digest: bytes  # SHA-256 of the canonical SignedInfo: what the key holder signs


def prepare(root: etree._Element, data: etree._Element, slot: etree._Element, certificate: x509.Certificate,
            signing_time: datetime) -> Prepared:
    """Step 1: put a Signature over `data` into `slot` and return the digest to sign.
    `data` must carry an `Id`; `slot` must not be inside `data`."""
    data_id = data.get("Id")
    if not data_id:
        raise ValueError("the signed element needs an Id")
    signature_id = f"SIG-{data_id}"
    time_id = f"ST-{data_id}"
    # The `ds:` prefix, not a default namespace: libxml2 2.14 (in lxml 6) canonicalises a subtree
    # under a default namespace with bogus `xmlns=""` on its grandchildren (signxml issue 193),
    # which no other verifier would reproduce. A prefix is equally valid XMLDSig.
    signature = etree.SubElement(slot, _ds("Signature"), {"Id": signature_id}, nsmap={"ds": DS})
    signed_info = _sub(signature, "SignedInfo")
    _sub(signed_info, "CanonicalizationMethod", {"Algorithm": C14N})
    _sub(signed_info, "SignatureMethod", {"Algorithm": RSA_SHA256})
    _sub(signature, "SignatureValue")
    key_info = _sub(signature, "KeyInfo")
    x509_data = _sub(key_info, "X509Data")
    _sub(x509_data, "X509SubjectName", text=subject_name(certificate))
    der = certificate.public_bytes(serialization.Encoding.DER)
    _sub(x509_data, "X509Certificate", text=base64.b64encode(der).decode("ascii"))
    holder = _sub(signature, "Object", {"Id": time_id})
    properties = _sub(holder, "SignatureProperties")
    prop = _sub(properties, "SignatureProperty", {"Target": f"#{signature_id}"})
    moment = etree.SubElement(prop, SIGNING_TIME_TAG, nsmap={None: SIGNING_TIME_NS})
    moment.text = local_time(signing_time)
    # The digests are taken with everything in its final place: inclusive C14N carries the
    # namespaces in scope, so an element digested elsewhere would not verify here.
    _reference(signed_info, data_id, _digest(data), enveloped=True)
    _reference(signed_info, time_id, _digest(holder), enveloped=False)
    return Prepared(root, signature, hashlib.sha256(canonical(signed_info)).digest())


def finish(prepared: Prepared, signature_value: bytes) -> bytes:
    """Step 3: the signed document, serialised once, with no whitespace added."""
    prepared.signature.find(_ds("SignatureValue")).text = base64.b64encode(signature_value).decode("ascii")
    return etree.tostring(prepared.root, xml_declaration=True, encoding="UTF-8")


def sign(root: etree._Element, data: etree._Element, slot: etree._Element, holder: KeyHolder,
         signing_time: datetime) -> bytes:
    """The three steps with a key holder at hand (a token, a file): prepare, sign, finish."""
    prepared = prepare(root, data, slot, holder.certificate(), signing_time)
    return finish(prepared, holder.sign_digest(prepared.digest))


def sign_form(root: etree._Element, holder: KeyHolder, signing_time: datetime) -> bytes:
    """Signs a form built like every document here: its first child carries the Id, and the
    signature goes into the first slot under DSCKS (summary, notice, registration)."""
    data, slot = root[0], root.find("DSCKS/*")
    if data.get("Id") is None or slot is None:
        raise ValueError("not a signable form")
    return sign(root, data, slot, holder, signing_time)
