"""Each desk's health as the province sees it: when it last pulled, how far its clock is from the
hub's, and what it says waits in its outbox. Written on every pull; a missing or malformed value
leaves the old one (a desk that sends garbage gets no error for it, and no 500)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, update

from sync.hub.models import Device
from sync.protocol import DEVICE_TIME_HEADER, PENDING_HEADER, REJECTED_HEADER

MAX_COUNT = 10**9
MAX_OFFSET_MS = 10 * 365 * 86_400_000  # ten years: beyond it the desk's clock is not a clock
INT32_MS = 2**31 - 1


@dataclass(frozen=True)
class Reported:
    clock_offset_ms: int | None
    pending: int | None
    rejected: int | None


def _count(text: str | None) -> int | None:
    if text is None or not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    value = int(text)
    return value if value <= MAX_COUNT else None


def _offset_ms(text: str | None, now: datetime) -> int | None:
    if not text or len(text) > 40:
        return None
    try:
        device_time = datetime.fromisoformat(text)
    except ValueError:
        return None
    if device_time.tzinfo is None:
        return None
    offset = round((device_time - now).total_seconds() * 1000)
    if abs(offset) > MAX_OFFSET_MS:
        return None
    # The column is a 32-bit INTEGER on PostgreSQL (±24.8 days): a desk further off is shown at the
    # bound rather than failing its whole pull with "integer out of range".
    return max(-INT32_MS, min(INT32_MS, offset))


def read_report(headers: Mapping[str, str], now: datetime) -> Reported:
    return Reported(clock_offset_ms=_offset_ms(headers.get(DEVICE_TIME_HEADER), now),
                    pending=_count(headers.get(PENDING_HEADER)), rejected=_count(headers.get(REJECTED_HEADER)))


def record_pull(engine: Engine, device_id: str, headers: Mapping[str, str]) -> None:
    now = datetime.now(UTC)
    report = read_report(headers, now)
    values: dict[str, object] = {"last_seen_at": now}
    if report.clock_offset_ms is not None:
        values["clock_offset_ms"] = report.clock_offset_ms
    if report.pending is not None:
        values["pending_reported"] = report.pending
    if report.rejected is not None:
        values["rejected_reported"] = report.rejected
    with engine.begin() as connection:
        connection.execute(update(Device).where(Device.id == device_id).values(**values))
