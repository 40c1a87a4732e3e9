"""How dates and times are written on Vietnamese administrative papers."""

from __future__ import annotations

from datetime import date, datetime

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def date_words(day: date) -> str:
    """"ngày 20 tháng 11 năm 2026" (day and month padded as on printed forms)."""
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


def moment_words(moment: datetime) -> str:
    """"15 giờ 44 phút, ngày 20 tháng 11 năm 2026" — the wording of Mẫu 01."""
    return f"{moment.hour:02d} giờ {moment.minute:02d} phút, {date_words(moment.date())}"


def date_line(place: str, day: date) -> str:
    """"Quảng Phú, ngày 20 tháng 11 năm 2026" — the place-and-date line of every paper."""
    return f"{place}, {date_words(day)}"


def short_moment(moment: datetime) -> str:
    return f"{moment:%H:%M} {WEEKDAYS[moment.weekday()]} {moment:%d/%m/%Y}"
