from datetime import date

from app.assets import load_json
from app.core.holiday_table import year_table


def table(year, culture=False):
    return {r.day: r for r in year_table(year, load_json("holidays", "overrides.json"), culture_day_off=culture)}


def test_2026_announced_swap_is_applied_on_top_of_the_package():
    rows = table(2026)
    assert rows[date(2026, 1, 2)].kind == "off" and rows[date(2026, 1, 2)].source.startswith("overrides")
    assert rows[date(2026, 1, 10)].kind == "work"
    assert rows[date(2026, 8, 22)].kind == "work" and rows[date(2026, 8, 31)].kind == "off"
    assert all(rows[date(2026, 2, d)].kind == "off" for d in range(16, 21))  # Tết


def test_culture_day_is_a_setting():
    assert date(2026, 11, 24) not in table(2026)
    assert table(2026, culture=True)[date(2026, 11, 24)].kind == "off"
    assert date(2027, 11, 24) in table(2027, culture=True)
    assert date(2025, 11, 24) not in table(2025, culture=True)


def test_names_are_vietnamese():
    assert table(2026)[date(2026, 9, 2)].name == "Quốc khánh"
