"""How long each free-text input may be, declared once. The services refuse anything longer with a
message naming the field, so every paper is designed and tested against these values and nothing
longer can reach a printer (issue 12 §8).

Why these numbers:
- A person's name: 100 characters. The longest Vietnamese names met in civil registration run to
  about 50 characters ("Tôn Nữ Thị Phương Hoàng Ngọc Bích Trâm" is 38); 100 leaves room for an
  organisation's short name and is what a letterhead or a signature column holds in two lines.
- An address: 300 characters: house number, lane, street, hamlet, commune, province and a
  "nơi ở hiện tại" in brackets (the sample of the tests is 170).
- A document's name: 200 characters; the longest in the shipped catalogue is 69, a title of the
  land-use certificate is about 100.
- A unit's or a procedure's name: 200 characters.
- A reason or a note: 1,000 characters: a paragraph of a letter (Mẫu 03, 04, 05) still on one page.
- An e-mail address: 254 characters (RFC 5321's limit on a path).
These are the desk's own rules: the national portal's field sizes could not be read (domain.md §11).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from app.core.errors import ValidationError
from app.core.text import nfc


@dataclass(frozen=True)
class Limit:
    label: str  # names the field in the message, capitalised
    max_chars: int
    field: str  # ValidationError.field


LIMITS: dict[str, Limit] = {
    "owner_name": Limit("Họ và tên người nộp hồ sơ", 100, "owner_name"),
    "owner_address": Limit("Địa chỉ", 300, "owner_address"),
    "owner_email": Limit("Địa chỉ email", 254, "owner_email"),
    "summary": Limit("Nội dung tóm tắt", 1000, "summary"),
    "document_name": Limit("Tên giấy tờ", 200, "documents"),
    "reason": Limit("Lý do", 1000, "reason"),
    "note": Limit("Ghi chú", 1000, "note"),
    "unit": Limit("Tên nơi chuyển đến", 200, "to_unit"),
    "receiver": Limit("Họ tên người nhận kết quả", 100, "receiver"),
    "setting": Limit("Nội dung cài đặt", 200, "settings"),
}

# Returns the first character the shipped fonts cannot print, or "" (forms.fonts.first_unprintable).
Unprintable = Callable[[str], str]


def char_name(char: str) -> str:
    """«ʼ» (U+02BC MODIFIER LETTER APOSTROPHE): how a message shows a character a person cannot see."""
    name = unicodedata.name(char, "")
    return f"«{char}» (U+{ord(char):04X}{' ' + name if name else ''})"


def checked(value: str | None, key: str, *, unprintable: Unprintable | None = None, label: str = "") -> str:
    """`value` in NFC with single spaces, or a ValidationError naming the field when it is longer
    than its limit or holds a character the papers cannot print (it would print as an empty box)."""
    limit = LIMITS[key]
    name = label or limit.label
    text = nfc(value or "")
    if len(text) > limit.max_chars:
        raise ValidationError(f"{name} dài {len(text)} ký tự, vượt quá {limit.max_chars} ký tự cho phép.",
                              field=limit.field)
    bad = unprintable(text) if unprintable else ""
    if bad:
        raise ValidationError(f"{name} có ký tự {char_name(bad)} mà giấy tờ in ra không thể hiện được; "
                              "hãy gõ lại bằng chữ tiếng Việt thông thường.", field=limit.field)
    return text


class NeedsConfirmation(ValidationError):
    """Unusual but possible input: the service refuses it until the official confirms `key` (the
    form sends it back in its `confirmed` set), so the CLI and sync obey the same rule."""

    code = "needs_confirmation"

    def __init__(self, message: str, *, key: str, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.key = key


@dataclass(frozen=True)
class CountLimit:
    label: str
    most: int  # refused above
    confirm_above: int  # asked to confirm above
    field: str


# Pages: a land file's papers run to a few hundred; a thousand is a pile no desk certifies at once.
# Copies: certifying 20 copies of one paper happens (a family's papers for several offices); 9,999
# was a typo that charged 49.995.000 đ (issue 11).
COUNTS: dict[str, CountLimit] = {
    "pages": CountLimit("Số trang bản chính", 1000, 100, "pages"),
    "copies": CountLimit("Số bản", 200, 20, "copies"),
}


def checked_count(value: int, key: str, *, confirmed: frozenset[str] | set[str] = frozenset()) -> int:
    """A count within 1…most; above the threshold only once the official has confirmed it."""
    limit = COUNTS[key]
    if not isinstance(value, int) or not 1 <= value <= limit.most:
        raise ValidationError(f"{limit.label} phải từ 1 đến {limit.most}.", field=limit.field)
    if value > limit.confirm_above and key not in confirmed:
        raise NeedsConfirmation(f"{limit.label} là {value}, nhiều hơn thường lệ ({limit.confirm_above}). "
                                "Đúng là như vậy?", key=key, field=limit.field)
    return value
