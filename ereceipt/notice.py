"""Mẫu 04/SS-CTĐT "Thông báo chứng từ điện tử có sai sót": what a collector sends when an issued
e-receipt is wrong (TT 91/2026 Điều 20 [S]). A wrong receipt is never deleted: when only the
name, address or amount in words is wrong (tax code and amount right) the notice alone suffices;
otherwise a replacement or adjustment receipt is issued with its link (TTCTLQuan) as well.

Element names [C, shared/domain.md §13.2]: `TBao/DLTBao` {PBan, MSo, Ten, Loai, So, NTBCCQT, MCQT,
TCQT, TNNT, MST, MDVQHNSach, DDanh, NTBao}; lines `DSCTu/CTu` {STT, KHMSCTu, KHCTu, SCTu, NLap,
LCTDT, TCTBao, LDo}. TCQT and TCTBao come from the invoice notice 04/SS-HĐĐT [C].
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from lxml import etree

from app.core.errors import ValidationError
from app.core.receipts import E_SERIES, E_TEMPLATE, MAX_NUMBER
from ereceipt.content import MAX_TEXT, nfc
from ereceipt.envelope import local_date

FORM = "04/SS-CTĐT"
NAME = "Thông báo chứng từ điện tử có sai sót"
VERSION = "1.0.0"
OWN, ANSWER = 1, 2  # Loai: on the collector's own initiative / answering the tax authority's notice
CANCEL, ADJUST, REPLACE, EXPLAIN = 1, 2, 3, 4  # TCTBao: what is done about the wrong receipt [C]
ACTIONS = {CANCEL: "Hủy", ADJUST: "Điều chỉnh", REPLACE: "Thay thế", EXPLAIN: "Giải trình"}
RECEIPT_KIND = 1  # LCTDT: biên lai điện tử theo NĐ 254/2026 [U: the code list was not read]


@dataclass(frozen=True)
class WrongReceipt:
    template_symbol: str
    series_symbol: str
    number: int
    issued_on: date
    action: int
    reason: str


@dataclass(frozen=True)
class WrongNotice:
    collector_name: str
    tax_code: str  # or empty when the commune uses its budget-unit code
    place: str  # địa danh: "Quảng Phú"
    notice_date: date
    tax_office_code: str  # MCQT
    tax_office_name: str  # TCQT
    receipts: tuple[WrongReceipt, ...]
    kind: int = OWN
    answer_to: str = ""  # So: number of the tax authority's notice (kind ANSWER)
    answer_date: date | None = None  # NTBCCQT
    budget_code: str = ""  # MDVQHNSach, 7 characters


def validate(notice: WrongNotice) -> None:
    if not notice.receipts:
        raise ValidationError("Thông báo sai sót phải có ít nhất một biên lai.", field="receipts")
    if not (notice.tax_code or len(notice.budget_code) == 7):
        raise ValidationError("Cần mã số thuế hoặc mã đơn vị quan hệ ngân sách (7 ký tự).", field="tax_code")
    if notice.kind == ANSWER and not (notice.answer_to and notice.answer_date):
        raise ValidationError("Thông báo trả lời cơ quan thuế phải ghi số và ngày thông báo của cơ quan thuế.",
                              field="answer_to")
    for line in notice.receipts:
        if not (E_TEMPLATE.match(line.template_symbol) and E_SERIES.match(line.series_symbol)
                and 1 <= line.number <= MAX_NUMBER):
            raise ValidationError(f"Ký hiệu hoặc số biên lai sai: {line.template_symbol} {line.series_symbol} "
                                  f"{line.number}.", field="receipts")
        if line.action not in ACTIONS:
            raise ValidationError("Tính chất thông báo phải là hủy, điều chỉnh, thay thế hoặc giải trình.",
                                  field="action")
        if not nfc(line.reason) or len(line.reason) > MAX_TEXT:
            raise ValidationError("Phải ghi lý do sai sót (tối đa 400 ký tự).", field="reason")


def _add(parent: etree._Element, tag: str, value: object) -> None:
    etree.SubElement(parent, tag).text = nfc(str(value))


def to_xml(notice: WrongNotice, number: int = 1) -> etree._Element:
    validate(notice)
    root = etree.Element("TBao")
    data = etree.SubElement(root, "DLTBao", Id=f"TB{notice.notice_date:%Y%m%d}N{number}")
    for tag, value in (("PBan", VERSION), ("MSo", FORM), ("Ten", NAME), ("Loai", notice.kind)):
        _add(data, tag, value)
    if notice.kind == ANSWER:
        _add(data, "So", notice.answer_to)
        _add(data, "NTBCCQT", local_date(notice.answer_date or notice.notice_date))
    for tag, value in (("MCQT", notice.tax_office_code), ("TCQT", notice.tax_office_name),
                       ("TNNT", notice.collector_name), ("MST", notice.tax_code),
                       ("MDVQHNSach", notice.budget_code)):
        if value:
            _add(data, tag, value)
    _add(data, "DDanh", notice.place)
    _add(data, "NTBao", local_date(notice.notice_date))
    lines = etree.SubElement(data, "DSCTu")
    for index, line in enumerate(notice.receipts, start=1):
        row = etree.SubElement(lines, "CTu")
        for tag, value in (("STT", index), ("KHMSCTu", line.template_symbol), ("KHCTu", line.series_symbol),
                           ("SCTu", f"{line.number:08d}"), ("NLap", local_date(line.issued_on)),
                           ("LCTDT", RECEIPT_KIND), ("TCTBao", line.action), ("LDo", line.reason)):
            _add(row, tag, value)
    etree.SubElement(etree.SubElement(root, "DSCKS"), "NNT")
    return root


def lines_text(receipts: Sequence[WrongReceipt]) -> list[str]:
    return [f"{r.template_symbol} {r.series_symbol} {r.number:08d} ({r.issued_on:%d/%m/%Y}): "
            f"{ACTIONS[r.action]} – {r.reason}" for r in receipts]
