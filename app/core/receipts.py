"""Rules of fee receipts (biên lai thu phí, lệ phí): symbols, number ranges, the paper deadline.

Paper receipts (tự in / đặt in) may be used only until 31/12/2026 (NĐ 254/2026/NĐ-CP Điều 44
khoản 2); the date comes from versioned rule data, not from this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.core.errors import NumberingError, ValidationError

E_TEMPLATE = re.compile(r"^EBL0[12]$")
E_SERIES = re.compile(r"^\d{2}T[ABCDEGHKLMNPQRSTUVXY]{2}$")
PAPER_SYMBOL = re.compile(r"^[0-9A-Z][0-9A-Z/\-]{1,19}$")
MAX_NUMBER = 99_999_999  # at most 8 digits (NĐ 254/2026 Điều 23 k2c)
KINDS = ("paper", "electronic")


@dataclass(frozen=True)
class SeriesSpec:
    kind: str
    template_symbol: str
    series_symbol: str
    first_number: int
    last_number: int


def validate_series(spec: SeriesSpec) -> SeriesSpec:
    if spec.kind not in KINDS:
        raise ValidationError("Loại biên lai phải là giấy hoặc điện tử.", field="kind")
    template, series = spec.template_symbol.strip().upper(), spec.series_symbol.strip().upper()
    if spec.kind == "electronic":
        if not E_TEMPLATE.match(template):
            raise ValidationError("Ký hiệu mẫu biên lai điện tử phải là EBL01 hoặc EBL02.", field="template_symbol")
        if not E_SERIES.match(series):
            raise ValidationError(
                "Ký hiệu biên lai điện tử gồm 2 số năm, chữ T và 2 chữ cái (ví dụ 26TAA).", field="series_symbol"
            )
    else:
        for value, name in ((template, "template_symbol"), (series, "series_symbol")):
            if not PAPER_SYMBOL.match(value):
                raise ValidationError("Ký hiệu biên lai chỉ gồm chữ in hoa, chữ số, «/» và «-».", field=name)
    if not 1 <= spec.first_number <= spec.last_number <= MAX_NUMBER:
        raise ValidationError("Dải số biên lai phải từ 1 đến 99.999.999, số đầu không lớn hơn số cuối.", field="range")
    return SeriesSpec(spec.kind, template, series, spec.first_number, spec.last_number)


def next_number(next_free: int, last_number: int, label: str) -> int:
    if next_free > last_number:
        raise NumberingError(
            f"Dải số biên lai {label} của máy trạm này đã dùng hết (đến số {last_number:07d}). "
            "Hãy nhập dải số mới được cấp."
        )
    return next_free


def check_paper_allowed(kind: str, day: date, paper_until: date) -> None:
    if kind == "paper" and day > paper_until:
        raise ValidationError(
            f"Từ {paper_until:%d/%m/%Y} trở đi không được lập biên lai giấy "
            "(Nghị định 254/2026/NĐ-CP, Điều 44): phải dùng biên lai điện tử.",
            field="series",
        )


def format_number(number: int) -> str:
    return f"{number:07d}"
