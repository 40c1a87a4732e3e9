"""Fee rules as data (free, fixed per case, per copy, page tiers with a cap, set by the province).

Amounts are whole đồng. A rule is a plain dict in the catalogue so it can be versioned with an
effective date and sent by the hub; `parse_fee_rule` turns it into a checked object.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.core.errors import ConfigurationError, ValidationError
from app.core.money import format_vnd


@dataclass(frozen=True)
class PageTier:
    first_page: int
    amount: int  # per page, from first_page until the next tier


@dataclass(frozen=True)
class Exemption:
    code: str
    reason: str  # with its legal basis, printed and stored with the dossier


@dataclass(frozen=True)
class FeeRule:
    kind: str  # free | fixed | per_copy | page_tiers | provincial
    name: str = ""  # "Lệ phí ...", "Phí chứng thực ..."
    amount: int | None = None
    unit: str = ""
    tiers: tuple[PageTier, ...] = ()
    cap_per_copy: int | None = None
    exemptions: tuple[Exemption, ...] = ()
    note: str = ""

    @property
    def needs_pages(self) -> bool:
        return self.kind == "page_tiers"

    @property
    def needs_copies(self) -> bool:
        return self.kind in ("per_copy", "page_tiers")


@dataclass(frozen=True)
class FeeQuote:
    amount: int
    detail: str
    exemption: Exemption | None = None


KINDS = ("free", "fixed", "per_copy", "page_tiers", "provincial")


def parse_fee_rule(data: dict[str, Any]) -> FeeRule:
    kind = data.get("kind")
    if kind not in KINDS:
        raise ConfigurationError(f"Loại quy tắc phí không hợp lệ: {kind!r}.")
    tiers = tuple(PageTier(int(t["from"]), int(t["amount"])) for t in data.get("tiers", ()))
    if kind == "page_tiers" and (not tiers or tiers[0].first_page != 1):
        raise ConfigurationError("Biểu phí theo trang phải bắt đầu từ trang 1.")
    amount = data.get("amount")
    if kind in ("fixed", "per_copy") and (amount is None or int(amount) < 0):
        raise ConfigurationError("Biểu phí cố định phải có số tiền không âm.")
    exemptions = tuple(Exemption(e["code"], e["reason"]) for e in data.get("exemptions", ()))
    return FeeRule(
        kind=kind, name=data.get("name", ""), amount=None if amount is None else int(amount),
        unit=data.get("unit", ""), tiers=tiers, cap_per_copy=data.get("cap_per_copy"),
        exemptions=exemptions, note=data.get("note", ""),
    )


def _page_tier_amount(rule: FeeRule, pages: int) -> int:
    total = 0
    for index, tier in enumerate(rule.tiers):
        last = rule.tiers[index + 1].first_page - 1 if index + 1 < len(rule.tiers) else pages
        counted = max(0, min(pages, last) - tier.first_page + 1)
        total += counted * tier.amount
    return min(total, rule.cap_per_copy) if rule.cap_per_copy is not None else total


def _check_count(value: int, label: str) -> int:
    if not isinstance(value, int) or value < 1 or value > 10_000:
        raise ValidationError(f"{label} phải là số nguyên từ 1 đến 10.000.", field=label)
    return value


def find_exemption(rule: FeeRule, code: str) -> Exemption:
    for exemption in rule.exemptions:
        if exemption.code == code:
            return exemption
    raise ValidationError("Trường hợp miễn phí này không áp dụng cho thủ tục đã chọn.", field="exemption")


def compute_fee(
    rule: FeeRule, *, pages: int = 1, copies: int = 1, exemption: str | None = None, manual_amount: int | None = None
) -> FeeQuote:
    """What the citizen pays for one dossier under `rule`."""
    if exemption:
        found = find_exemption(rule, exemption)
        return FeeQuote(0, f"Miễn: {found.reason}", found)
    if rule.kind == "free":
        return FeeQuote(0, rule.note or "Không thu phí, lệ phí")
    if rule.kind == "provincial":
        if manual_amount is None and rule.amount is None:
            raise ValidationError(
                "Mức thu do HĐND tỉnh quy định chưa được nhập trong danh mục: hãy nhập số tiền.", field="fee"
            )
        amount = manual_amount if manual_amount is not None else rule.amount
        if amount is None or amount < 0:
            raise ValidationError("Số tiền phải không âm.", field="fee")
        return FeeQuote(amount, rule.note or "Theo mức HĐND tỉnh quy định")
    if rule.kind == "fixed":
        assert rule.amount is not None
        return FeeQuote(rule.amount, f"{format_vnd(rule.amount)}/{rule.unit or 'trường hợp'}")
    copies = _check_count(copies, "Số bản")
    if rule.kind == "per_copy":
        assert rule.amount is not None
        return FeeQuote(rule.amount * copies, f"{copies} × {format_vnd(rule.amount)}")
    pages = _check_count(pages, "Số trang")
    per_copy = _page_tier_amount(rule, pages)
    return FeeQuote(per_copy * copies, f"{pages} trang × {copies} bản: {format_vnd(per_copy)}/bản")
