"""Input typed at the desk, checked once in the services so the window, the CLI and sync obey the
same rules: free text is NFC, within its limit (app.core.limits) and printable by the shipped
fonts; a birth date is read the ways people type it and must agree with the CCCD; counts are
bounded, with a confirmation above the usual."""

from __future__ import annotations

import re
from datetime import date

from app.core.errors import IdentityError, ValidationError
from app.core.identity import validate_cccd
from app.core.limits import NeedsConfirmation, checked, checked_count
from forms.fonts import first_unprintable

# 01/01/1990, 1/1/1990, 01-01-1990, 01.01.1990, and 01011990 as the card's QR and quick typists write it.
_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$|^(\d{2})(\d{2})(\d{4})$")
EARLIEST_BIRTH = date(1900, 1, 1)
Confirmed = frozenset[str] | set[str]


def clean_text(value: str | None, key: str, *, label: str = "") -> str:
    return checked(value, key, unprintable=first_unprintable, label=label)


def parse_birth_date(text: str | None) -> date | None:
    """A typed birth date, or None when the field is empty; a clear refusal otherwise."""
    text = (text or "").strip()
    if not text:
        return None
    match = _DATE.match(text)
    if not match:
        raise ValidationError("Ngày sinh phải theo dạng dd/mm/yyyy hoặc ddmmyyyy (ví dụ 01/01/1990 hoặc 01011990).",
                              field="owner_birth_date")
    parts = [int(g) for g in match.groups() if g is not None]
    try:
        return date(parts[2], parts[1], parts[0])
    except ValueError:
        raise ValidationError(f"Ngày sinh «{text}» không phải một ngày có thật.", field="owner_birth_date") from None


def check_birth_date(birth: date | None, today: date) -> None:
    if birth is None:
        return
    if birth > today:
        raise ValidationError(f"Ngày sinh {birth:%d/%m/%Y} ở sau ngày hôm nay.", field="owner_birth_date")
    if birth < EARLIEST_BIRTH:
        raise ValidationError(f"Ngày sinh {birth:%d/%m/%Y} trước năm 1900: hãy kiểm tra lại.", field="owner_birth_date")


def check_identity(number: str, birth: date | None, sex: str, *, today: date, confirmed: Confirmed = frozenset(),
                   scanned: bool = False) -> None:
    """The CCCD's 4th digit says the century and the sex, the 5th–6th the year of birth. A scanned
    card that disagrees with itself is refused (parse_cccd_qr); typed input that disagrees is
    asked once ("cccd_mismatch" in `confirmed`), since either the number or the date may be wrong."""
    check_birth_date(birth, today)
    if not number:
        return
    card = validate_cccd(number, today=today)
    problems = []
    if birth is not None and birth.year != card.birth_year:
        problems.append(f"số CCCD cho năm sinh {card.birth_year} nhưng ngày sinh là {birth:%d/%m/%Y}")
    if sex and sex != card.sex:
        problems.append(f"số CCCD là của người {card.sex.lower()} nhưng giới tính ghi {sex}")
    if not problems:
        return
    message = "Số CCCD không khớp: " + "; ".join(problems) + "."
    if scanned:
        raise IdentityError(message, field="cccd")
    if "cccd_mismatch" not in confirmed:
        raise NeedsConfirmation(message + " Vẫn tiếp nhận với thông tin đã nhập?", key="cccd_mismatch", field="cccd")


def check_counts(pages: int, copies: int, *, confirmed: Confirmed = frozenset()) -> None:
    checked_count(pages, "pages", confirmed=confirmed)
    checked_count(copies, "copies", confirmed=confirmed)
