"""Mẫu 01/ĐKTĐ-CTĐT "Tờ khai đăng ký/thay đổi thông tin sử dụng biên lai điện tử", which a commune
files before it issues e-receipts (TT 91/2026 Điều 17 [S]); message type 100.

Element names [C, shared/domain.md §13.2]: `TKhai/DLTKhai/TTChung` {PBan, MSo, Ten, HThuc, TNNT,
MST, CQTQLy, MCQTQLy, NLHe, DCLHe, DCTDTu, DTLHe, DDanh, NLap}; `NDTKhai/LHSDung` receipt kinds
{BLTPLPKIn, BLTPLPIn, BLTTPLPhi}; sending method `HTGDLCTDT` {CDLQCCQT, CDLQTCTN, CDLQTCTNUT};
certificates `DSCTSSDung/CTS` {STT, TTChuc, Seri, TNgay, DNgay, HThuc}.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from cryptography import x509
from lxml import etree

from app.core.errors import ValidationError
from ereceipt.content import TAX_CODE, nfc
from ereceipt.envelope import local_date, local_time

FORM = "01/ĐKTĐ-CTĐT"
NAME = "Tờ khai đăng ký/thay đổi thông tin sử dụng biên lai điện tử"
VERSION = "1.0.0"
NEW, CHANGE = 1, 2  # HThuc of the declaration
CERT_ADD, CERT_CHANGE, CERT_STOP = 1, 2, 3  # HThuc of a certificate line

# LHSDung: kinds of receipt used
KINDS = {
    "BLTPLPKIn": "Biên lai thu phí, lệ phí không in sẵn mệnh giá",
    "BLTPLPIn": "Biên lai thu phí, lệ phí in sẵn mệnh giá",
    "BLTTPLPhi": "Biên lai thu thuế, phí, lệ phí",
}
# HTGDLCTDT: how the data reaches the tax authority
METHODS = {
    "CDLQCCQT": "Chuyển dữ liệu qua Cổng thông tin điện tử của cơ quan thuế",
    "CDLQTCTN": "Chuyển dữ liệu qua tổ chức cung cấp dịch vụ nhận, truyền, lưu trữ dữ liệu",
    "CDLQTCTNUT": "Chuyển dữ liệu qua tổ chức cung cấp dịch vụ được cơ quan thuế ủy thác",
}


@dataclass(frozen=True)
class Certificate:
    issuer: str  # TTChuc: the certification authority
    serial: str  # Seri, hex
    valid_from: datetime
    valid_to: datetime
    action: int = CERT_ADD


@dataclass(frozen=True)
class Registration:
    collector_name: str
    tax_code: str
    tax_office_name: str  # CQTQLy
    tax_office_code: str  # MCQTQLy
    contact_name: str
    contact_address: str
    contact_email: str
    contact_phone: str
    place: str
    signed_on: date
    kinds: tuple[str, ...]
    method: str
    certificates: tuple[Certificate, ...]
    budget_code: str = ""
    change: bool = False


def validate(form: Registration) -> None:
    if not TAX_CODE.match(form.tax_code):
        raise ValidationError("Mã số thuế phải gồm 10 chữ số (hoặc 10 số, dấu - và 3 số).", field="tax_code")
    for value, label in ((form.collector_name, "tên tổ chức thu"), (form.tax_office_name, "cơ quan thuế quản lý"),
                         (form.contact_name, "người liên hệ"), (form.place, "địa danh")):
        if not nfc(value):
            raise ValidationError(f"Thiếu {label}.", field="registration")
    if not form.kinds or any(kind not in KINDS for kind in form.kinds):
        raise ValidationError("Phải chọn loại biên lai sử dụng.", field="kinds")
    if form.method not in METHODS:
        raise ValidationError("Phải chọn một hình thức gửi dữ liệu biên lai.", field="method")
    if not form.certificates:
        raise ValidationError("Phải khai ít nhất một chứng thư số dùng để ký biên lai.", field="certificates")
    for cert in form.certificates:
        if cert.valid_to <= cert.valid_from or not cert.serial:
            raise ValidationError(f"Chứng thư số {cert.serial or '?'} có thời hạn không hợp lệ.", field="certificates")


def _add(parent: etree._Element, tag: str, value: object) -> None:
    etree.SubElement(parent, tag).text = nfc(str(value))


def to_xml(form: Registration) -> etree._Element:
    validate(form)
    root = etree.Element("TKhai")
    data = etree.SubElement(root, "DLTKhai", Id=f"TK{form.tax_code.replace('-', '')}{form.signed_on:%Y%m%d}")
    general = etree.SubElement(data, "TTChung")
    for tag, value in (("PBan", VERSION), ("MSo", FORM), ("Ten", NAME), ("HThuc", CHANGE if form.change else NEW),
                       ("TNNT", form.collector_name), ("MST", form.tax_code), ("CQTQLy", form.tax_office_name),
                       ("MCQTQLy", form.tax_office_code), ("NLHe", form.contact_name),
                       ("DCLHe", form.contact_address), ("DCTDTu", form.contact_email),
                       ("DTLHe", form.contact_phone), ("DDanh", form.place), ("NLap", local_date(form.signed_on))):
        _add(general, tag, value)
    content = etree.SubElement(data, "NDTKhai")
    kinds = etree.SubElement(content, "LHSDung")
    for kind in KINDS:
        _add(kinds, kind, int(kind in form.kinds))
    methods = etree.SubElement(content, "HTGDLCTDT")
    for method in METHODS:
        _add(methods, method, int(method == form.method))
    certs = etree.SubElement(content, "DSCTSSDung")
    for index, cert in enumerate(form.certificates, start=1):
        line = etree.SubElement(certs, "CTS")
        for tag, value in (("STT", index), ("TTChuc", cert.issuer), ("Seri", cert.serial),
                           ("TNgay", local_time(cert.valid_from)), ("DNgay", local_time(cert.valid_to)),
                           ("HThuc", cert.action)):
            _add(line, tag, value)
    etree.SubElement(etree.SubElement(root, "DSCKS"), "NNT")
    return root


def certificate_line(certificate: x509.Certificate) -> Certificate:
    """The registration line of the certificate the desk signs with."""
    return Certificate(certificate.issuer.rfc4514_string(), f"{certificate.serial_number:X}",
                       certificate.not_valid_before_utc, certificate.not_valid_after_utc)
