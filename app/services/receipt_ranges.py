"""Receipt number ranges entered by an administrator from the issuing notice (thông báo phát hành
biên lai, or the tax office's allotment), and what the receipts screen shows about them.

The notice's number and date are kept in the range's `source` ("where the range came from"), in
words, so the range list and any audit read them without another table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from app.core.errors import ValidationError
from app.core.receipts import ELECTRONIC, SeriesSpec, e_series_prefix, format_e_number, format_number
from app.core.text import nfc
from app.services.clock import to_local
from app.services.desk import Desk
from app.services.ereceipts import regime
from app.services.receipts import add_series, series_status
from app.store.models import ReceiptSeries

NOTICE_NUMBER_MAX = 30  # "05/TB-UBND", "123/2026/TB-CCT": the source column holds 60 characters
NOTICE_PREFIX = "Thông báo số "
SOURCE_WORDS = {"admin": "nhập tay", "demo": "dữ liệu mẫu", "hub": "cấp qua hệ thống cấp trên",
                "pulled": "của máy trạm khác"}
KIND_WORDS = {"paper": "giấy", "electronic": "điện tử"}
S = ReceiptSeries.__table__


@dataclass(frozen=True)
class RangeInput:
    kind: str
    template_symbol: str
    series_symbol: str
    first_number: int
    last_number: int
    notice_number: str
    notice_date: date


def notice_source(number: str, day: date) -> str:
    return f"{NOTICE_PREFIX}{number} ngày {day:%d/%m/%Y}"


def _notice_number(value: str) -> str:
    number = " ".join(nfc(value).split())
    if not number:
        raise ValidationError("Hãy ghi số của thông báo phát hành (hoặc văn bản cấp) dải số biên lai.",
                              field="notice_number")
    if len(number) > NOTICE_NUMBER_MAX:
        raise ValidationError(f"Số thông báo dài {len(number)} ký tự, vượt quá {NOTICE_NUMBER_MAX} ký tự cho phép.",
                              field="notice_number")
    return number


def add_range(desk: Desk, entered: RangeInput) -> int:
    """Records a range from its issuing notice; an overlap with a range of the same symbols is
    refused by `add_series`, with the overlapping range named."""
    number = _notice_number(entered.notice_number)
    if entered.notice_date > to_local(desk.now()).date():
        raise ValidationError("Ngày thông báo không thể sau ngày hôm nay.", field="notice_date")
    spec = SeriesSpec(entered.kind, entered.template_symbol, entered.series_symbol, entered.first_number,
                      entered.last_number)
    return add_series(desk, spec, source=notice_source(number, entered.notice_date))


def describe_source(source: str) -> str:
    """"theo Thông báo số 05/TB-UBND ngày 01/12/2026", or where a range without a notice came from."""
    if source.startswith(NOTICE_PREFIX):
        return f"theo {source}"
    return SOURCE_WORDS.get(source, source)


def _not_now(row: dict[str, Any], kind_now: str, year: int) -> str:
    """Why a range is not used today, or "": paper after the switch to e-receipts (its unused numbers
    are destroyed, NĐ 254/2026 Điều 44 k2), an e-range of another year (numbering restarts yearly)."""
    if row["kind"] != ELECTRONIC:
        if kind_now == ELECTRONIC:
            return ("không dùng nữa (đã chuyển sang biên lai điện tử): các số chưa dùng phải hủy và báo cáo "
                    "theo Mẫu 02/HUY-HĐBLG trong 05 ngày làm việc")
        return ""
    prefix = row["series_symbol"][:2]
    if not prefix.isdigit():
        return ""
    its_year = 2000 + int(prefix)
    if its_year < year:
        return f"dải của năm {its_year}, không dùng nữa"
    return f"dùng từ ngày 01/01/{its_year}" if its_year > year else ""


def range_lines(desk: Desk) -> list[dict[str, Any]]:
    """Each range of this workstation with what is left, in the words the screen shows, and
    `not_now` saying why a range is not used today."""
    kind_now, year = regime(desk), to_local(desk.now()).year
    lines = []
    for row in series_status(desk):
        shown = format_e_number if row["kind"] == ELECTRONIC else format_number  # 8 digits on e-receipts
        lines.append({**row, "kind_words": KIND_WORDS.get(row["kind"], row["kind"]),
                      "source_words": describe_source(row["source"]), "not_now": _not_now(row, kind_now, year),
                      "span": f"{shown(row['first_number'])}–{shown(row['last_number'])}"})
    return lines


def next_number_preview(desk: Desk) -> str:
    """The number the next receipt is expected to take, chosen as `issue_receipt` chooses (the first
    active range of today's regime with numbers left; an e-range of this year), for the replacement
    dialog; "" when no range has any."""
    kind = regime(desk)
    prefix = f"{e_series_prefix(to_local(desk.now()).year)}%" if kind == ELECTRONIC else "%"
    with desk.read() as connection:
        row = connection.execute(select(S).where(S.c.active, S.c.kind == kind, S.c.series_symbol.like(prefix),
                                                 S.c.next_number <= S.c.last_number).order_by(S.c.id).limit(1)).first()
    if row is None:
        return ""
    number = format_e_number(row.next_number) if kind == ELECTRONIC else format_number(row.next_number)
    return f"{row.template_symbol} {row.series_symbol} số {number}"
