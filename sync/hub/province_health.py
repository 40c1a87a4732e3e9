"""Each workstation's health for the province's page: when it last pulled, what it says waits or
was refused in its outbox, how far its clock is, and whether its audit chain holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, select

from sync.hub.models import Agency, AuditBreak, AuditLink, Device

CLOCK_WARNING_MS = 5 * 60 * 1000  # beyond five minutes the desk's due dates and receipts' times are suspect


@dataclass(frozen=True)
class DeskHealth:
    agency_id: str
    commune: str
    workstation_no: int
    name: str
    app_version: str
    last_seen_at: datetime | None
    pending: int | None
    rejected: int | None
    clock_offset_ms: int | None
    chain_last_seq: int  # the newest op of its chain the hub holds; 0: no chained op yet
    chain_breaks: int
    first_break: str

    @property
    def clock_suspect(self) -> bool:
        return self.clock_offset_ms is not None and abs(self.clock_offset_ms) > CLOCK_WARNING_MS


def desks(connection: Connection) -> list[DeskHealth]:
    """Every enrolled, unrevoked workstation, by commune and number."""
    breaks: dict[str, tuple[int, str]] = {}
    for row in connection.execute(select(AuditBreak.device_id, AuditBreak.device_seq, AuditBreak.reason)
                                  .order_by(AuditBreak.device_id, AuditBreak.device_seq)):
        count, first = breaks.get(row.device_id, (0, f"thao tác số {row.device_seq}: {row.reason}"))
        breaks[row.device_id] = (count + 1, first)
    # one index seek per desk (ix_audit_link_seq), never a scan of every link
    last_link = (select(func.max(AuditLink.device_seq)).where(AuditLink.device_id == Device.id)
                 .correlate(Device).scalar_subquery())
    rows = connection.execute(select(Device.id, Device.agency_id, Device.workstation_no, Device.name,
                                     Device.app_version, Device.last_seen_at, Device.pending_reported,
                                     Device.rejected_reported, Device.clock_offset_ms,
                                     Agency.name.label("commune"), last_link.label("last_link"))
                              .join(Agency, Agency.id == Device.agency_id)
                              .where(Device.revoked_at.is_(None))
                              .order_by(Device.agency_id, Device.workstation_no)).all()
    out = []
    for d in rows:
        count, first = breaks.get(d.id, (0, ""))
        out.append(DeskHealth(d.agency_id, d.commune, d.workstation_no, d.name, d.app_version, d.last_seen_at,
                              d.pending_reported, d.rejected_reported, d.clock_offset_ms, int(d.last_link or 0),
                              count, first))
    return out
