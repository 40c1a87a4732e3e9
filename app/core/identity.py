"""Citizen identity: the 12-digit personal id (CCCD / thẻ căn cước) and the chip card's QR.

A raw QR string holds a whole identity: nothing here puts it into an error message, and
callers must not log it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from app.core.errors import IdentityError
from app.core.provinces import province_name
from app.core.text import fold, nfc

_CCCD = re.compile(r"^\d{12}$")
_OLD_ID = re.compile(r"^(\d{9}|\d{12})?$")
_DATE = re.compile(r"^(\d{2})/?(\d{2})/?(\d{4})$")


@dataclass(frozen=True)
class CccdNumber:
    number: str
    province_code: str
    province: str
    sex: str  # "Nam" | "Nữ"
    birth_year: int


@dataclass(frozen=True)
class CccdCard:
    number: str
    old_id: str
    full_name: str
    birth_date: date
    sex: str
    address: str
    issue_date: date | None


def validate_cccd(number: str, *, today: date | None = None) -> CccdNumber:
    """Check a 12-digit personal id and read what its digits say."""
    number = (number or "").strip().replace(" ", "")
    if not _CCCD.match(number):
        raise IdentityError("Số CCCD phải gồm đúng 12 chữ số.", field="cccd")
    province = province_name(number[:3])
    if province is None:
        raise IdentityError(f"Mã tỉnh nơi đăng ký khai sinh «{number[:3]}» không có trong danh mục.", field="cccd")
    century_sex = int(number[3])
    birth_year = (19 + century_sex // 2) * 100 + int(number[4:6])
    this_year = (today or date.today()).year
    if birth_year > this_year:
        raise IdentityError(
            f"Chữ số thứ 4–6 của số CCCD cho năm sinh {birth_year}, muộn hơn năm hiện tại.", field="cccd"
        )
    sex = "Nam" if century_sex % 2 == 0 else "Nữ"
    return CccdNumber(number, number[:3], province, sex, birth_year)


def _parse_date(text: str, what: str) -> date:
    match = _DATE.match(text.replace("-", "/"))
    if not match:
        raise IdentityError(f"Mã QR: {what} không đúng dạng ngày (ddMMyyyy).", field="qr")
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise IdentityError(f"Mã QR: {what} không phải một ngày có thật.", field="qr") from None


def _parse_sex(text: str) -> str:
    folded = fold(text)
    if folded == "nam":
        return "Nam"
    if folded == "nu":
        return "Nữ"
    raise IdentityError("Mã QR: giới tính phải là «Nam» hoặc «Nữ».", field="qr")


def _split_fields(text: str) -> list[str]:
    fields = [nfc(f) for f in nfc(text).split("|")]
    if len(fields) < 6:
        raise IdentityError("Chuỗi quét được không phải mã QR của thẻ CCCD (thiếu trường).", field="qr")
    # Cards of the 6-field layout carry no old 9-digit id; tell them apart by the 2nd field.
    if not _OLD_ID.match(fields[1]):
        fields.insert(1, "")
    return fields


def parse_cccd_qr(text: str, *, today: date | None = None) -> CccdCard:
    """Read the `|`-separated QR on the back of a chip card (7 fields; 6 and extra ones tolerated)."""
    fields = _split_fields(text or "")
    if len(fields) < 7:
        raise IdentityError("Chuỗi quét được không phải mã QR của thẻ CCCD (thiếu trường).", field="qr")
    number, old_id, name, birth, sex, address, issued = fields[:7]
    card_number = validate_cccd(number, today=today)
    if not name:
        raise IdentityError("Mã QR không có họ và tên.", field="qr")
    birth_date = _parse_date(birth, "ngày sinh")
    sex = _parse_sex(sex)
    if birth_date.year != card_number.birth_year:
        raise IdentityError("Năm sinh trong mã QR không khớp với số CCCD.", field="qr")
    if sex != card_number.sex:
        raise IdentityError("Giới tính trong mã QR không khớp với số CCCD.", field="qr")
    issue_date = _parse_date(issued, "ngày cấp") if issued else None
    return CccdCard(card_number.number, old_id, name, birth_date, sex, address, issue_date)
