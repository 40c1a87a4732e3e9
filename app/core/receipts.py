"""Rules of fee receipts (biên lai thu phí, lệ phí): symbols, number ranges, the paper deadline.

Paper receipts (tự in / đặt in) may be used only until 31/12/2026 (NĐ 254/2026/NĐ-CP Điều 44
khoản 2); the date comes from versioned rule data, not from this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

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


PAPER, ELECTRONIC = "paper", "electronic"


def regime_on(day: date, paper_until: date, electronic_from: date | None = None) -> str:
    """Which receipts a desk issues on a local day: paper up to `paper_until` (31/12/2026, NĐ 254/2026
    Điều 44 k2) unless the desk switched to e-receipts earlier (`electronic_from`); electronic after."""
    if day > paper_until or (electronic_from is not None and day >= electronic_from):
        return ELECTRONIC
    return PAPER


def check_paper_allowed(kind: str, day: date, paper_until: date, electronic_from: date | None = None) -> None:
    """A range's numbers go only on receipts of its own kind: no paper number once the regime is
    electronic, and no e-receipt number on a receipt that is not signed (before the switch)."""
    regime = regime_on(day, paper_until, electronic_from)
    if kind == regime:
        return
    if kind == ELECTRONIC:
        raise ValidationError(
            "Số của dải biên lai điện tử chỉ dùng cho biên lai điện tử có chữ ký số, từ ngày "
            f"{paper_until + timedelta(days=1):%d/%m/%Y} hoặc từ khi máy trạm chuyển sớm sang biên lai điện tử "
            "(phần Cài đặt). Trước đó hãy lập biên lai giấy từ dải số biên lai giấy.", field="series")
    if day > paper_until:
        raise ValidationError(
            f"Sau ngày {paper_until:%d/%m/%Y} không được lập biên lai giấy "
            "(Nghị định 254/2026/NĐ-CP, Điều 44): phải dùng biên lai điện tử.",
            field="series",
        )
    raise ValidationError(
        f"Máy trạm này đã chuyển sang biên lai điện tử từ ngày {electronic_from:%d/%m/%Y}: "
        "không lập biên lai giấy nữa.", field="series")


def e_series_prefix(year: int) -> str:
    """E-receipt series symbols carry the year (27TAA for 2027): numbering restarts with each year's series."""
    return f"{year % 100:02d}T"


def format_e_number(number: int) -> str:
    """E-receipt numbers are printed with their 8 digits (NĐ 254/2026 Điều 23 k2c)."""
    return f"{number:08d}"


def format_number(number: int) -> str:
    return f"{number:07d}"
