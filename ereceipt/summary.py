"""Mẫu 01/TH-BLĐT "Bảng tổng hợp dữ liệu biên lai điện tử": what a collector sends the tax authority
on the day of issue, one table per receipt series and day (NĐ 254/2026 Điều 29 k3b; TT 91/2026
Điều 4 k6d [S]).

Columns of the form [S, shared/domain.md §4.1]: STT, Ký hiệu mẫu số biên lai, Ký hiệu biên lai,
Số biên lai, Ngày lập, Tên loại thuế/phí/lệ phí, Số tiền, Tỷ giá, Trạng thái, Kỳ điều chỉnh dữ liệu,
Thông tin biên lai liên quan, Giải trình, Ghi chú. Element names follow the e-invoice summary
(`BTHDLieu/DLBTHop/TTChung`, `NDBTHDLieu/DSDLieu/DLieu`, [C]) with "BLai" for "HDon" [U].
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from lxml import etree

from app.core.errors import ValidationError
from ereceipt.content import ADJUSTS, REPLACES, EReceipt
from ereceipt.envelope import local_date

FORM = "01/TH-BLĐT"
NAME = "Bảng tổng hợp dữ liệu biên lai điện tử"
VERSION = "1.0.0"

# TThai, as in the e-invoice summary [C]
NEW, CANCELLED, ADJUSTED, REPLACED, EXPLAINED = 0, 1, 2, 3, 4
STATUS_NAMES = {NEW: "Mới", CANCELLED: "Hủy", ADJUSTED: "Điều chỉnh", REPLACED: "Thay thế", EXPLAINED: "Giải trình"}
COLUMNS = ("STT", "Ký hiệu mẫu số biên lai", "Ký hiệu biên lai", "Số biên lai", "Ngày lập",
           "Tên loại thuế, phí, lệ phí", "Số tiền", "Tỷ giá", "Trạng thái", "Kỳ điều chỉnh dữ liệu",
           "Thông tin biên lai liên quan", "Giải trình", "Ghi chú")


@dataclass(frozen=True)
class SummaryHeader:
    collector_name: str
    tax_code: str
    template_symbol: str
    series_symbol: str
    day: date
    number: int = 1  # SBTHDLieu: running number of the summaries sent
    first_time: bool = True  # LDau: first sending of this day (else a supplement)
    supplement_no: int = 0  # BSLThu
    place: str = ""  # địa danh, for the printed copy


@dataclass(frozen=True)
class SummaryLine:
    number: int
    issued_on: date
    fee_name: str
    amount: int
    status: int = NEW
    related: str = ""  # "Thay thế biên lai EBL01 27TAA 00000003 ngày 01/01/2027"
    adjust_period: str = ""
    explanation: str = ""
    note: str = ""
    rate: int = 1  # tỷ giá: 1 for VND


def related_text(receipt: EReceipt) -> str:
    link = receipt.related
    if link is None:
        return ""
    verb = {REPLACES: "Thay thế", ADJUSTS: "Điều chỉnh"}[link.kind]
    return (f"{verb} biên lai {link.template_symbol} {link.series_symbol} {link.number:08d} "
            f"ngày {link.issued_on:%d/%m/%Y}")


def line_of(receipt: EReceipt, status: int | None = None) -> SummaryLine:
    if status is None:
        status = {None: NEW, REPLACES: REPLACED, ADJUSTS: ADJUSTED}[receipt.related and receipt.related.kind]
    return SummaryLine(receipt.number, receipt.issued_at.date(), receipt.fee_name, receipt.amount, status,
                       related_text(receipt))


def lines_for(header: SummaryHeader, receipts: Iterable[EReceipt]) -> list[SummaryLine]:
    """The lines of one series and day, in number order; a receipt of another series or day is
    refused rather than silently left out."""
    lines = []
    for receipt in receipts:
        if (receipt.template_symbol, receipt.series_symbol, receipt.issued_at.date()) != (
                header.template_symbol, header.series_symbol, header.day):
            raise ValidationError(f"Biên lai {receipt.key} không thuộc ký hiệu {header.series_symbol} "
                                  f"ngày {header.day:%d/%m/%Y}.", field="receipts")
        lines.append(line_of(receipt))
    numbers = [line.number for line in lines]
    if len(set(numbers)) != len(numbers):
        raise ValidationError("Bảng tổng hợp có số biên lai trùng nhau.", field="receipts")
    return sorted(lines, key=lambda line: line.number)


def _add(parent: etree._Element, tag: str, value: object) -> None:
    etree.SubElement(parent, tag).text = str(value)


def to_xml(header: SummaryHeader, lines: Sequence[SummaryLine]) -> etree._Element:
    if not lines:
        raise ValidationError("Không có biên lai nào trong ngày để tổng hợp.", field="receipts")
    root = etree.Element("BTHDLieu")
    data = etree.SubElement(root, "DLBTHop", Id=f"BTH{header.series_symbol}{header.day:%Y%m%d}N{header.number}")
    general = etree.SubElement(data, "TTChung")
    for tag, value in (("PBan", VERSION), ("MSo", FORM), ("Ten", NAME), ("SBTHDLieu", header.number),
                       ("LKDLieu", "N"), ("KDLieu", f"{header.day:%d/%m/%Y}"), ("LDau", int(header.first_time)),
                       ("BSLThu", header.supplement_no), ("NLap", local_date(header.day)),
                       ("TNNT", header.collector_name), ("MST", header.tax_code),
                       ("KHMSBLai", header.template_symbol), ("KHBLai", header.series_symbol)):
        _add(general, tag, value)
    rows = etree.SubElement(etree.SubElement(data, "NDBTHDLieu"), "DSDLieu")
    for index, line in enumerate(lines, start=1):
        row = etree.SubElement(rows, "DLieu")
        for tag, value in (("STT", index), ("KHMSBLai", header.template_symbol), ("KHBLai", header.series_symbol),
                           ("SBLai", f"{line.number:08d}"), ("NLap", local_date(line.issued_on)),
                           ("TLKThu", line.fee_name), ("STien", line.amount), ("TGia", line.rate),
                           ("TThai", line.status)):
            _add(row, tag, value)
        for tag, value in (("KDChinh", line.adjust_period), ("TTBLLQuan", line.related),
                           ("GTrinh", line.explanation), ("GChu", line.note)):
            if value:
                _add(row, tag, value)
    etree.SubElement(etree.SubElement(root, "DSCKS"), "NNT")
    return root


def total(lines: Sequence[SummaryLine]) -> int:
    """The day's takings: cancelled receipts do not count."""
    return sum(line.amount for line in lines if line.status != CANCELLED)
