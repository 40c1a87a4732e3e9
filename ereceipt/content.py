"""The legal content of one electronic fee receipt, independent of any XML or paper layout.

Content of NĐ 254/2026/NĐ-CP Điều 23 k2 [S, shared/domain.md §4.1 and §13.1]: the receipt's name;
template symbol (EBL01/EBL02) and series symbol (27TAA); a number of at most 8 digits restarting
at 1 each year; the collector's name and tax code; the fee's name; the amount in figures and in
words; the date; the collector's digital signature (added by `ereceipt.signing`). The printable
view (Mẫu 01/PLPĐT, §12.4) adds the collector's address, the payer and the payment method.

Every text is NFC-normalised here so that decomposed input from some Vietnamese keyboards never
reaches a signed document (a signature freezes the bytes: a later normalisation would break it).
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass, fields, replace
from datetime import date, datetime

from app.core.errors import ValidationError
from app.core.money import amount_in_words, format_vnd
from app.core.receipts import E_SERIES, E_TEMPLATE, MAX_NUMBER

TITLE = "BIÊN LAI THU PHÍ, LỆ PHÍ"
TAX_CODE = re.compile(r"^\d{10}(-\d{3})?$")  # 10 digits, or 10 + "-" + 3 for a dependent unit
LOOKUP_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone
LOOKUP_LENGTH = 12
LOOKUP_CODE = re.compile(rf"^[{LOOKUP_ALPHABET}]{{{LOOKUP_LENGTH}}}$")
MAX_TEXT = 400
MAX_AMOUNT = 10**15  # the schema's bound; far above any fee

# TTCTLQuan/TCCTu (TT 91/2026 as practised [S]): what a receipt does to the one it points at.
REPLACES, ADJUSTS = 1, 2
LINK_KINDS = {REPLACES: "thay thế", ADJUSTS: "điều chỉnh"}
LAW_ND254 = 8  # LHCTLQuan: the related document was made under NĐ 254/2026 [S]


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


@dataclass(frozen=True)
class Collector:
    """Tổ chức thu phí, lệ phí: for a commune, its People's Committee."""

    name: str
    tax_code: str
    address: str
    phone: str = ""
    bank_account: str = ""
    budget_code: str = ""  # mã đơn vị quan hệ ngân sách (7 characters), when the commune has one


@dataclass(frozen=True)
class Payer:
    """Người nộp phí, lệ phí."""

    name: str
    address: str = ""
    tax_code: str = ""
    id_number: str = ""  # số định danh cá nhân (CCCD), when the citizen gave it
    bank_account: str = ""


@dataclass(frozen=True)
class RelatedReceipt:
    """The receipt this one replaces or adjusts (never deleted; TT 91/2026 Điều 20)."""

    kind: int  # REPLACES | ADJUSTS
    template_symbol: str
    series_symbol: str
    number: int
    issued_on: date
    law_kind: int = LAW_ND254


@dataclass(frozen=True)
class EReceipt:
    template_symbol: str  # EBL01 (no face value) | EBL02 (face value)
    series_symbol: str  # 27TAA: 2-digit year, T, two letters
    number: int  # 1..99,999,999, restarting each year
    issued_at: datetime  # local wall time, Asia/Ho_Chi_Minh (GMT+7), naive
    collector: Collector
    payer: Payer
    fee_name: str
    amount: int  # whole đồng
    lookup_code: str
    payment_method: str = "Tiền mặt"
    dossier_code: str = ""
    collector_officer: str = ""
    related: RelatedReceipt | None = None
    title: str = TITLE

    @property
    def amount_words(self) -> str:
        return amount_in_words(self.amount)

    @property
    def amount_figures(self) -> str:
        return format_vnd(self.amount)

    @property
    def number_text(self) -> str:
        """Printed with 8 digits, the legal maximum, so every number of a series lines up."""
        return f"{self.number:08d}"

    @property
    def key(self) -> str:
        """Unique among all receipts of one collector: template, series, number."""
        return f"{self.template_symbol}-{self.series_symbol}-{self.number_text}"


def make_lookup_code() -> str:
    """A random code the citizen types on the lookup page: 12 of 32 symbols is 60 bits, too many
    to guess, and it says nothing about the payer."""
    return "".join(secrets.choice(LOOKUP_ALPHABET) for _ in range(LOOKUP_LENGTH))


def _normalised(value: object) -> object:
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, Collector | Payer):
        return replace(value, **{f.name: nfc(getattr(value, f.name)) for f in fields(value)})
    return value


def _check_symbols(template: str, series: str, number: int, year: int, what: str) -> None:
    if not E_TEMPLATE.match(template):
        raise ValidationError(f"Ký hiệu mẫu {what} phải là EBL01 hoặc EBL02.", field="template_symbol")
    if not E_SERIES.match(series):
        raise ValidationError(f"Ký hiệu {what} gồm 2 số năm, chữ T và 2 chữ cái (ví dụ 27TAA).",
                              field="series_symbol")
    if int(series[:2]) != year % 100:
        raise ValidationError(f"Ký hiệu {what} {series} không thuộc năm {year}: hai số đầu phải là năm lập.",
                              field="series_symbol")
    if not 1 <= number <= MAX_NUMBER:
        raise ValidationError(f"Số {what} phải từ 1 đến 99.999.999 (tối đa 8 chữ số).", field="number")


def _require(value: str, label: str, name: str) -> None:
    if not value:
        raise ValidationError(f"Thiếu {label}.", field=name)
    if len(value) > MAX_TEXT:
        raise ValidationError(f"{label[:1].upper()}{label[1:]} quá dài (tối đa {MAX_TEXT} ký tự).", field=name)


def validate(receipt: EReceipt) -> EReceipt:
    """The receipt with every text in NFC, or a ValidationError saying in Vietnamese what is wrong."""
    receipt = replace(receipt, **{f.name: _normalised(getattr(receipt, f.name)) for f in fields(receipt)})
    _check_symbols(receipt.template_symbol, receipt.series_symbol, receipt.number, receipt.issued_at.year,
                   "biên lai")
    _require(receipt.collector.name, "tên tổ chức thu phí, lệ phí", "collector_name")
    _require(receipt.collector.address, "địa chỉ tổ chức thu phí, lệ phí", "collector_address")
    if not TAX_CODE.match(receipt.collector.tax_code):
        raise ValidationError("Mã số thuế của tổ chức thu phải gồm 10 chữ số (hoặc 10 số, dấu - và 3 số).",
                              field="collector_tax_code")
    if receipt.payer.tax_code and not TAX_CODE.match(receipt.payer.tax_code):
        raise ValidationError("Mã số thuế của người nộp không hợp lệ.", field="payer_tax_code")
    _require(receipt.payer.name, "tên người nộp tiền", "payer_name")
    _require(receipt.fee_name, "tên loại phí, lệ phí", "fee_name")
    if not 0 < receipt.amount <= MAX_AMOUNT:
        raise ValidationError("Số tiền phải lớn hơn 0 đồng và không quá 1 triệu tỷ đồng.", field="amount")
    if not LOOKUP_CODE.match(receipt.lookup_code):
        raise ValidationError("Mã tra cứu biên lai không hợp lệ.", field="lookup_code")
    if receipt.related is not None:
        _check_related(receipt)
    return receipt


def _check_related(receipt: EReceipt) -> None:
    link = receipt.related
    assert link is not None
    if link.kind not in LINK_KINDS:
        raise ValidationError("Biên lai liên quan phải là bị thay thế (1) hoặc bị điều chỉnh (2).", field="related")
    _check_symbols(link.template_symbol, link.series_symbol, link.number, link.issued_on.year,
                   "biên lai liên quan")
    same = (link.template_symbol, link.series_symbol, link.number) == (
        receipt.template_symbol, receipt.series_symbol, receipt.number)
    if same or link.issued_on > receipt.issued_at.date():
        raise ValidationError("Biên lai thay thế/điều chỉnh phải lập sau biên lai gốc và mang số khác.",
                              field="related")
