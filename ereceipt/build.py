"""An e-receipt from its legal content to signed XML: validate, map, sign (shared by the desk's
receipt transaction, the demo and the bench)."""

from __future__ import annotations

from datetime import datetime

from cryptography import x509

from ereceipt import xml_adapter
from ereceipt.content import EReceipt, validate
from ereceipt.signing import KeyHolder, Prepared, prepare, sign


def prepare_receipt(receipt: EReceipt, certificate: x509.Certificate, signing_time: datetime) -> Prepared:
    """Step 1 alone, for a key holder that signs elsewhere (a remote service): the digest to sign."""
    root = xml_adapter.to_xml(validate(receipt))
    data, slot = xml_adapter.signature_slot(root)
    return prepare(root, data, slot, certificate, signing_time)


def build_signed(receipt: EReceipt, holder: KeyHolder, signing_time: datetime | None = None) -> bytes:
    """The signed receipt document; raises ValidationError (bad content) or SignerUnavailable (no
    key), in which case nothing is issued."""
    receipt = validate(receipt)
    root = xml_adapter.to_xml(receipt)
    data, slot = xml_adapter.signature_slot(root)
    return sign(root, data, slot, holder, signing_time or receipt.issued_at)
