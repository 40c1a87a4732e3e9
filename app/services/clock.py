"""Instants are stored in UTC; people see and papers print Asia/Ho_Chi_Minh wall time."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_local(instant: datetime) -> datetime:
    """Naive local wall time, the form the calendar works in."""
    return instant.astimezone(LOCAL_ZONE).replace(tzinfo=None)


def from_local(wall_time: datetime) -> datetime:
    return wall_time.replace(tzinfo=LOCAL_ZONE).astimezone(UTC)


def iso(instant: datetime | None) -> str | None:
    """Wire form of an instant: UTC with a Z."""
    if instant is None:
        return None
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def show(instant: datetime | None, pattern: str = "%H:%M %d/%m/%Y") -> str:
    return "" if instant is None else to_local(instant).strftime(pattern)
