"""Builds a year's table of days off and make-up working days.

Seeded from the `holidays` package (lunar dates, nghỉ bù, announced swaps) and corrected by a
versioned override file, because the package misses some civil-service swaps and lists a day
(24/11) that no enacted law was found for (shared/domain.md §12.5). The result is data: the
store keeps it per year and the official or the hub can edit it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

CULTURE_DAY = (11, 24)  # "Ngày Văn hóa Việt Nam": a setting until its legal basis is confirmed


@dataclass(frozen=True)
class DayRule:
    day: date
    kind: str  # "off" (no work) | "work" (a make-up working day, usually a Saturday)
    name: str
    source: str


def _package_rows(year: int) -> dict[date, DayRule]:
    import holidays  # only when a year's table is built, not at the desk's start-up

    source = f"holidays {holidays.__version__}"
    table = holidays.country_holidays("VN", years=[year], language="vi")
    rows = {d: DayRule(d, "off", name, source) for d, name in sorted(table.items())}
    for workday in sorted(getattr(table, "weekend_workdays", ())):
        if workday.year == year:
            rows[workday] = DayRule(workday, "work", "Ngày làm bù", source)
    return rows


def _apply_overrides(rows: dict[date, DayRule], entries: dict[str, Any], source: str) -> None:
    for item in entries.get("remove", ()):
        rows.pop(date.fromisoformat(item["date"]), None)
    for kind in ("off", "work"):
        for item in entries.get(kind, ()):
            day = date.fromisoformat(item["date"])
            rows[day] = DayRule(day, kind, item["name"], source)


def year_table(year: int, overrides: dict[str, Any], *, culture_day_off: bool) -> list[DayRule]:
    """Days off and make-up days of `year`, sorted by date."""
    rows = _package_rows(year)
    source = f"overrides {overrides.get('version', '?')}"
    _apply_overrides(rows, overrides.get("years", {}).get(str(year), {}), source)
    culture = date(year, *CULTURE_DAY)
    if not culture_day_off:
        rows.pop(culture, None)
    elif year >= 2026 and culture not in rows:
        rows[culture] = DayRule(culture, "off", "Ngày Văn hóa Việt Nam", "setting")
    return [rows[d] for d in sorted(rows)]
