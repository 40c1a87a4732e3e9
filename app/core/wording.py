"""How dates and times are written on Vietnamese administrative papers (NĐ 30/2020/NĐ-CP, Phụ lục I:
a day below 10 and the months 1 and 2 take a leading zero, other months do not)."""

from __future__ import annotations

from datetime import date, datetime

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def day_number(day: int) -> str:
    return f"{day:02d}"


def month_number(month: int) -> str:
    """Only January and February are padded: "tháng 01", "tháng 02", "tháng 6", "tháng 11"."""
    return f"{month:02d}" if month <= 2 else str(month)


def date_words(day: date) -> str:
    """"ngày 05 tháng 6 năm 2026", "ngày 20 tháng 11 năm 2026", "ngày 16 tháng 02 năm 2027"."""
    return f"ngày {day_number(day.day)} tháng {month_number(day.month)} năm {day.year}"


def moment_words(moment: datetime) -> str:
    """"15 giờ 44 phút, ngày 20 tháng 11 năm 2026" — the wording of Mẫu 01."""
    return f"{moment.hour:02d} giờ {moment.minute:02d} phút, {date_words(moment.date())}"


def date_line(place: str, day: date) -> str:
    """"Quảng Phú, ngày 20 tháng 11 năm 2026" — the place-and-date line of every paper."""
    return f"{place}, {date_words(day)}"


def short_moment(moment: datetime) -> str:
    return f"{moment:%H:%M} {WEEKDAYS[moment.weekday()]} {moment:%d/%m/%Y}"
