"""A procedure's fee in one short line, for the catalogue screen and the public list.

Apart from app.services.papers so that the settings screen, which loads at start-up, does not
import ReportLab and every form with it."""

from __future__ import annotations

from typing import Any

from app.core.money import format_vnd


def fee_summary(procedure: Any) -> str:
    rule = procedure.fee_rule
    if rule.kind == "free":
        return rule.note or "Không thu"
    if rule.kind == "provincial":
        return f"{format_vnd(rule.amount)}" if rule.amount is not None else "Theo mức HĐND tỉnh quy định"
    if rule.kind == "page_tiers":
        return rule.note or "Theo số trang"
    return f"{format_vnd(rule.amount or 0)}/{rule.unit or 'trường hợp'}"
