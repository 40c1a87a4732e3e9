"""Amounts of money: figures with Vietnamese separators and the amount in words for receipts.

Written here because num2words reads Vietnamese money wrongly (see shared/env.md): it drops
"không trăm" in inner groups and never says "linh".
"""

from __future__ import annotations

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
GROUP_NAMES = ("", " nghìn", " triệu")
BILLION = 10**9
MAX_AMOUNT = 10**18 - 1


def format_vnd(amount: int) -> str:
    """125000 -> "125.000 đ" (a dot groups thousands in Vietnamese)."""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount):,}".replace(",", ".") + " đ"


def _read_units(tens: int, units: int, zero_tens: str) -> list[str]:
    if units == 0:
        return []
    if tens == 0:
        return [zero_tens, DIGITS[units]] if zero_tens else [DIGITS[units]]
    if units == 1 and tens >= 2:
        return ["mốt"]
    if units == 5:
        return ["lăm"]
    return [DIGITS[units]]


def _read_triple(n: int, *, inner: bool, zero_tens: str) -> list[str]:
    """Words for 0 < n < 1000; `inner` groups say "không trăm" for a zero hundreds digit."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or inner:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        # "linh" only links hundreds to units; a bare leading 5 is just "năm".
        words += _read_units(0, units, zero_tens if words else "")
    else:
        words += ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
        words += _read_units(tens, units, zero_tens)
    return words


def _read_below_billion(n: int, *, inner: bool, zero_tens: str) -> list[str]:
    groups = [n // 10**6 % 1000, n // 1000 % 1000, n % 1000]
    words: list[str] = []
    for index, group in enumerate(groups):
        if group == 0:
            continue
        words += _read_triple(group, inner=inner or bool(words), zero_tens=zero_tens)
        words[-1] += GROUP_NAMES[2 - index]
    return words


def _read(n: int, *, inner: bool, zero_tens: str) -> list[str]:
    # Above a billion the reading repeats: 2,000,000,000,000 is "hai nghìn tỷ".
    high, low = divmod(n, BILLION)
    words: list[str] = []
    if high:
        words += _read(high, inner=inner, zero_tens=zero_tens)
        words[-1] += " tỷ"
    if low:
        words += _read_below_billion(low, inner=inner or bool(high), zero_tens=zero_tens)
    return words


def number_in_words(n: int, *, zero_tens: str = "linh") -> str:
    """Vietnamese reading of a whole number, lower case: 1005 -> "một nghìn không trăm linh năm"."""
    if not 0 <= n <= MAX_AMOUNT:
        raise ValueError(f"amount out of range: {n}")
    if n == 0:
        return DIGITS[0]
    return " ".join(_read(n, inner=False, zero_tens=zero_tens))


def amount_in_words(amount: int, *, zero_tens: str = "linh") -> str:
    """The legal "số tiền bằng chữ": 125000 -> "Một trăm hai mươi lăm nghìn đồng"."""
    words = number_in_words(amount, zero_tens=zero_tens)
    return words[0].upper() + words[1:] + " đồng"
