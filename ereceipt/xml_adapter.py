"""THE ONE place that names the elements of an e-receipt's body.

The tax authority has not published the element list of an organisation's fee receipt (shared/
domain.md §13.2: [U]). What is known is the naming style of QĐ 1271/QĐ-CT (abbreviated Vietnamese
tags, UTF-8, `YYYY-MM-DD`), the e-invoice body it defines (`HDon/DLHDon/TTChung/NDHDon/...`,
`DSCKS/NBan/Signature` [C]) and the wrong-document notice's names for receipts (`KHMSCTu`,
`KHCTu`, `SCTu` [C]). So each name below says where it comes from and its grade:
  [C] the same element in the e-invoice or notice schemas, seen in public code;
  [S] one secondary source;
  [U] our guess by analogy — to be replaced when the official list is published.
When it is, change the names here (and in ereceipt/schema/ereceipt.xsd); nothing else names them.

Layout:
    BLai
      DLBLai Id=…            the signed data
        TTChung              general: version, name, symbols, number, date, currency, lookup code
        TTCTLQuan            link to the receipt replaced or adjusted (only when there is one)
        NDBLai               content: collector, payer, fee lines, totals
      DSCKS/NThu/Signature   the collector's XMLDSig over DLBLai (ereceipt.signing)
"""

from __future__ import annotations

from datetime import date, datetime

from lxml import etree

from app.core.errors import ValidationError
from ereceipt.content import Collector, EReceipt, Payer, RelatedReceipt
from ereceipt.envelope import local_date, local_time

# -- the document ---------------------------------------------------------------------------
RECEIPT = "BLai"  # [U] by analogy with HDon (hóa đơn) [C]
DATA = "DLBLai"  # [U] by analogy with DLHDon [C]; carries the Id the signature references
SIGNATURES = "DSCKS"  # [C] danh sách chữ ký số, as in the invoice
COLLECTOR_SIGNATURE = "NThu"  # [U] the collector's signature slot; the invoice's is NBan (người bán) [C]
ID_ATTRIBUTE = "Id"  # [C] the invoice's DLHDon Id

# -- TTChung: general information ---------------------------------------------------------
GENERAL = "TTChung"  # [C] invoice DLHDon/TTChung
VERSION = "PBan"  # [C]
NAME = "TBLai"  # [U] tên biên lai; the invoice's THDon [C]
TEMPLATE = "KHMSBLai"  # [U] ký hiệu mẫu số biên lai; invoice KHMSHDon [C], notice KHMSCTu [C]
SERIES = "KHBLai"  # [U] ký hiệu biên lai; invoice KHHDon [C], notice KHCTu [C]
NUMBER = "SBLai"  # [U] số biên lai; invoice SHDon [C], notice SCTu [C]
DATE = "NLap"  # [C] ngày lập, YYYY-MM-DD
TIME = "TGLap"  # [U] the moment of collection (Điều 24 k1: issued when the fee is collected)
CURRENCY = "DVTTe"  # [C] đơn vị tiền tệ
PAYMENT = "HTTToan"  # [C] hình thức thanh toán
LOOKUP = "MTCuu"  # [U] mã tra cứu; vendors use a key of their own (§13.2)
DOSSIER = "MHSo"  # [U] mã hồ sơ một cửa; VNPT's guide keys the receipt by it [S]

# -- TTCTLQuan: the related receipt (replacement / adjustment) ------------------------------
RELATED = "TTCTLQuan"  # [S] thông tin chứng từ liên quan
RELATED_KIND = "TCCTu"  # [S] 1 replaces, 2 adjusts
RELATED_LAW = "LHCTLQuan"  # [S] 8 = made under NĐ 254/2026
RELATED_TEMPLATE = "KHMSCTCLQuan"  # [U] by analogy with the invoice's KHMSHDCLQuan [C]
RELATED_SERIES = "KHCTCLQuan"  # [U] invoice KHHDCLQuan [C]
RELATED_NUMBER = "SCTCLQuan"  # [U] invoice SHDCLQuan [C]
RELATED_DATE = "NLCTCLQuan"  # [U] invoice NLHDCLQuan [C]

# -- NDBLai: content -----------------------------------------------------------------------
CONTENT = "NDBLai"  # [U] invoice NDHDon [C]
COLLECTOR = "NThu"  # [U] tổ chức thu; the invoice's NBan [C]
PAYER = "NNop"  # [U] người nộp; the invoice's NMua [C]
PARTY_NAME = "Ten"  # [C]
PARTY_TAX_CODE = "MST"  # [C]
PARTY_ADDRESS = "DChi"  # [C]
PARTY_PHONE = "SDThoai"  # [C]
PARTY_ACCOUNT = "STKNHang"  # [C] số tài khoản ngân hàng
BUDGET_CODE = "MDVQHNSach"  # [C] mã đơn vị quan hệ ngân sách (Mẫu 04/SS-CTĐT)
PAYER_ID = "CCCDan"  # [C] số định danh / căn cước of a person buyer in the invoice
OFFICER = "NTTien"  # [U] người thu tiền (the officer at the desk)
LINES = "DSKThu"  # [U] danh sách khoản thu; the invoice's DSHHDVu [C]
LINE = "KThu"  # [U] invoice HHDVu [C]
LINE_NO = "STT"  # [C]
LINE_NAME = "TKThu"  # [U] tên loại phí, lệ phí; invoice THHDVu [C]
LINE_AMOUNT = "STien"  # [S] số tiền (column of Mẫu 01/TH-BLĐT)
TOTALS = "TToan"  # [C]
TOTAL_FIGURES = "TgTTTBSo"  # [C] tổng tiền thanh toán bằng số
TOTAL_WORDS = "TgTTTBChu"  # [C] tổng tiền thanh toán bằng chữ

FORMAT_VERSION = "1.0.0"  # PBan of our receipt body [U]


def data_id(receipt: EReceipt) -> str:
    """Unique per receipt, so that several signed receipts can sit in one message."""
    return f"BL{receipt.template_symbol}{receipt.series_symbol}{receipt.number_text}"


def _add(parent: etree._Element, tag: str, value: object) -> etree._Element:
    element = etree.SubElement(parent, tag)
    element.text = str(value)
    return element


def _party(parent: etree._Element, tag: str, party: Collector | Payer) -> None:
    element = etree.SubElement(parent, tag)
    _add(element, PARTY_NAME, party.name)
    if party.tax_code:
        _add(element, PARTY_TAX_CODE, party.tax_code)
    if party.address:
        _add(element, PARTY_ADDRESS, party.address)
    if isinstance(party, Collector):
        for name, value in ((PARTY_PHONE, party.phone), (PARTY_ACCOUNT, party.bank_account),
                            (BUDGET_CODE, party.budget_code)):
            if value:
                _add(element, name, value)
    else:
        for name, value in ((PAYER_ID, party.id_number), (PARTY_ACCOUNT, party.bank_account)):
            if value:
                _add(element, name, value)


def _related(parent: etree._Element, link: RelatedReceipt) -> None:
    element = etree.SubElement(parent, RELATED)
    for tag, value in ((RELATED_KIND, link.kind), (RELATED_LAW, link.law_kind),
                       (RELATED_TEMPLATE, link.template_symbol), (RELATED_SERIES, link.series_symbol),
                       (RELATED_NUMBER, f"{link.number:08d}"), (RELATED_DATE, local_date(link.issued_on))):
        _add(element, tag, value)


def to_xml(receipt: EReceipt) -> etree._Element:
    """The unsigned receipt document, with an empty slot where the collector's signature goes.
    `receipt` must have passed `ereceipt.content.validate`."""
    root = etree.Element(RECEIPT)
    data = etree.SubElement(root, DATA, {ID_ATTRIBUTE: data_id(receipt)})
    general = etree.SubElement(data, GENERAL)
    for tag, value in ((VERSION, FORMAT_VERSION), (NAME, receipt.title), (TEMPLATE, receipt.template_symbol),
                       (SERIES, receipt.series_symbol), (NUMBER, receipt.number_text),
                       (DATE, local_date(receipt.issued_at)), (TIME, local_time(receipt.issued_at)),
                       (CURRENCY, "VND"), (PAYMENT, receipt.payment_method), (LOOKUP, receipt.lookup_code)):
        _add(general, tag, value)
    if receipt.dossier_code:
        _add(general, DOSSIER, receipt.dossier_code)
    if receipt.related is not None:
        _related(data, receipt.related)
    content = etree.SubElement(data, CONTENT)
    _party(content, COLLECTOR, receipt.collector)
    _party(content, PAYER, receipt.payer)
    if receipt.collector_officer:
        _add(content, OFFICER, receipt.collector_officer)
    line = etree.SubElement(etree.SubElement(content, LINES), LINE)
    for tag, value in ((LINE_NO, 1), (LINE_NAME, receipt.fee_name), (LINE_AMOUNT, receipt.amount)):
        _add(line, tag, value)
    totals = etree.SubElement(content, TOTALS)
    _add(totals, TOTAL_FIGURES, receipt.amount)
    _add(totals, TOTAL_WORDS, receipt.amount_words)
    etree.SubElement(etree.SubElement(root, SIGNATURES), COLLECTOR_SIGNATURE)
    return root


def to_bytes(receipt: EReceipt) -> bytes:
    return etree.tostring(to_xml(receipt), xml_declaration=True, encoding="UTF-8")


def signature_slot(root: etree._Element) -> tuple[etree._Element, etree._Element]:
    """(the element the signature covers, the element the Signature goes into)."""
    data, slot = root.find(DATA), root.find(f"{SIGNATURES}/{COLLECTOR_SIGNATURE}")
    if root.tag != RECEIPT or data is None or slot is None:
        raise ValidationError("Tài liệu không phải biên lai điện tử của hệ thống.", field="xml")
    return data, slot


def _get(element: etree._Element, path: str, default: str | None = None) -> str:
    value = element.findtext(path)
    if value is None:
        if default is not None:
            return default
        raise ValidationError(f"Biên lai điện tử thiếu phần tử {path}.", field="xml")
    return value


def _read_party(element: etree._Element) -> dict[str, str]:
    return {"name": _get(element, PARTY_NAME), "tax_code": _get(element, PARTY_TAX_CODE, ""),
            "address": _get(element, PARTY_ADDRESS, ""), "bank_account": _get(element, PARTY_ACCOUNT, "")}


def from_xml(root: etree._Element) -> EReceipt:
    """The legal content back from a receipt document (signed or not)."""
    data, _ = signature_slot(root)
    general = data.find(GENERAL)
    content = data.find(CONTENT)
    if general is None or content is None:
        raise ValidationError("Biên lai điện tử thiếu phần thông tin chung hoặc nội dung.", field="xml")
    collector_element, payer_element = content.find(COLLECTOR), content.find(PAYER)
    if collector_element is None or payer_element is None:
        raise ValidationError("Biên lai điện tử thiếu tổ chức thu hoặc người nộp.", field="xml")
    collector = Collector(**_read_party(collector_element), phone=_get(collector_element, PARTY_PHONE, ""),
                          budget_code=_get(collector_element, BUDGET_CODE, ""))
    payer = Payer(**_read_party(payer_element), id_number=_get(payer_element, PAYER_ID, ""))
    related = None
    link = data.find(RELATED)
    if link is not None:
        related = RelatedReceipt(int(_get(link, RELATED_KIND)), _get(link, RELATED_TEMPLATE),
                                 _get(link, RELATED_SERIES), int(_get(link, RELATED_NUMBER)),
                                 date.fromisoformat(_get(link, RELATED_DATE)), int(_get(link, RELATED_LAW)))
    return EReceipt(
        template_symbol=_get(general, TEMPLATE), series_symbol=_get(general, SERIES),
        number=int(_get(general, NUMBER)), issued_at=datetime.fromisoformat(_get(general, TIME)),
        collector=collector, payer=payer, fee_name=_get(content, f"{LINES}/{LINE}/{LINE_NAME}"),
        amount=int(_get(content, f"{TOTALS}/{TOTAL_FIGURES}")), lookup_code=_get(general, LOOKUP),
        payment_method=_get(general, PAYMENT, ""), dossier_code=_get(general, DOSSIER, ""),
        collector_officer=_get(content, OFFICER, ""), related=related, title=_get(general, NAME),
    )
