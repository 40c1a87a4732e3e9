"""The holiday table in the database, and the working calendar built from it and the settings."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, insert, select

from app.assets import load_json
from app.core.calendar import WorkingCalendar
from app.core.errors import ValidationError
from app.core.holiday_table import year_table
from app.core.permissions import Perm
from app.core.text import nfc
from app.services.clock import to_local
from app.services.settings import DeskSettings, load_settings
from app.store.models import Holiday, HolidayYear

if TYPE_CHECKING:
    from app.services.desk import Desk

H, HY = Holiday.__table__, HolidayYear.__table__
YEARS_AROUND = (-1, 0, 1, 2)


def shipped_overrides() -> dict[str, Any]:
    return load_json("holidays", "overrides.json")


def materialize_year(connection: Connection, year: int, *, culture_day_off: bool) -> None:
    """Write the built table of `year` unless the year is already there (then the rows rule)."""
    if connection.execute(select(HY.c.year).where(HY.c.year == year)).first():
        return
    overrides = shipped_overrides()
    rows = year_table(year, overrides, culture_day_off=culture_day_off)
    connection.execute(delete(H).where(H.c.day.between(date(year, 1, 1), date(year, 12, 31))))
    if rows:
        values = [{"day": r.day, "kind": r.kind, "name": r.name, "source": r.source} for r in rows]
        connection.execute(insert(H), values)
    source = f"{rows[0].source if rows else 'holidays'}; overrides {overrides.get('version')}"
    connection.execute(insert(HY).values(year=year, source=source, created_at=datetime.now(UTC)))


def years_around(desk: Desk) -> list[int]:
    this_year = to_local(desk.now()).year
    return [this_year + d for d in YEARS_AROUND]


def _stored_years(connection: Connection) -> set[int]:
    return set(connection.execute(select(HY.c.year)).scalars())


def materialize_missing_years(desk: Desk) -> None:
    """Store the built tables of the years around today that the file lacks, in one write
    transaction. Called when the desk's snapshot is published (at open, after a change), never
    from a getter, so the GUI thread never writes."""
    with desk.read() as connection:
        missing = [year for year in years_around(desk) if year not in _stored_years(connection)]
        culture_day_off = load_settings(connection).culture_day_off if missing else False
    if missing:
        with desk.write() as connection:
            for year in missing:
                materialize_year(connection, year, culture_day_off=culture_day_off)


def read_calendar(connection: Connection, settings: DeskSettings, years: list[int]) -> WorkingCalendar:
    """The working calendar from the stored table; a year of `years` not stored yet (a read-only
    open, a snapshot built before the first write) is built in memory exactly as it would be stored."""
    rows = [(r.day, r.kind) for r in connection.execute(select(H.c.day, H.c.kind))]
    have = _stored_years(connection)
    overrides = None
    for year in (y for y in years if y not in have):
        overrides = overrides if overrides is not None else shipped_overrides()
        rows += [(r.day, r.kind) for r in year_table(year, overrides, culture_day_off=settings.culture_day_off)]
    days_off = frozenset(day for day, kind in rows if kind == "off")
    workdays = frozenset(day for day, kind in rows if kind == "work")
    return WorkingCalendar(settings.calendar_rules(days_off, workdays))


def list_holidays(desk: Desk, year: int) -> list[dict[str, Any]]:
    with desk.read() as connection:
        rows = connection.execute(
            select(H).where(H.c.day.between(date(year, 1, 1), date(year, 12, 31))).order_by(H.c.day)
        ).all()
    return [dict(r._mapping) for r in rows]


def set_day(desk: Desk, day: date, kind: str, name: str) -> None:
    """Admin edit of the table: make `day` a day off or a make-up working day."""
    desk.require(Perm.HOLIDAYS)
    if kind not in ("off", "work"):
        raise ValidationError("Loại ngày phải là «nghỉ» hoặc «làm bù».", field="kind")
    name = nfc(name or "")
    if not name:
        raise ValidationError("Hãy ghi tên hoặc lý do của ngày này.", field="name")
    with desk.write() as connection:
        materialize_year(connection, day.year, culture_day_off=desk.settings().culture_day_off)
        connection.execute(delete(H).where(H.c.day == day))
        connection.execute(insert(H).values(day=day, kind=kind, name=name, source=f"admin:{desk.actor}"))
    desk.forget_cached()


def clear_day(desk: Desk, day: date) -> None:
    """Admin edit: `day` follows the ordinary week again."""
    desk.require(Perm.HOLIDAYS)
    with desk.write() as connection:
        materialize_year(connection, day.year, culture_day_off=desk.settings().culture_day_off)
        connection.execute(delete(H).where(H.c.day == day))
    desk.forget_cached()
