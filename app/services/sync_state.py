"""The desk's side of sync, in the store: which ops go next, what the hub answered, and applying
what others did (pulled pages) together with the cursor in one transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from app.services.calendar_data import materialize_year
from app.services.desk import Desk
from app.services.outbox import pending_count
from app.services.settings import save_settings
from app.store.models import Dossier, DossierDocument, Event, Holiday, Outbox, ReceiptSeries
from sync.protocol import DELIVERED, OpResult, Outcome

OB, D, E, DD = Outbox.__table__, Dossier.__table__, Event.__table__, DossierDocument.__table__
H = Holiday.__table__


@dataclass(frozen=True)
class PendingOp:
    seq: int
    op_id: str
    entity: str
    entity_id: str
    kind: str
    payload: dict[str, Any]
    payload_sha256: str
    actor: str
    device_time: datetime
    size: int
    chain_prev: str = ""  # the op's link in the audit chain (app/services/outbox.py)
    chain_hash: str = ""

    @property
    def group(self) -> str:
        """Ops of one dossier (its events and receipts) go in order and are held back together."""
        return self.payload.get("dossier_id") or self.entity_id if self.entity == "receipt" else self.entity_id


PAGE = 500


def _pending(row: Any) -> PendingOp:
    return PendingOp(row.seq, row.op_id, row.entity, row.entity_id, row.kind, json.loads(row.payload),
                     row.payload_sha256, row.actor, row.device_time, len(row.payload), row.chain_prev, row.chain_hash)


def next_batch(desk: Desk, *, max_ops: int, max_bytes: int) -> list[PendingOp]:
    """Pending ops in device order, skipping every dossier that has a rejected op waiting. Reads the
    outbox a page at a time: after a week offline it holds tens of thousands of rows."""
    with desk.read() as connection:
        blocked = {_pending(row).group for row in connection.execute(select(OB).where(OB.c.state == "rejected"))}
        batch: list[PendingOp] = []
        size, after = 0, 0
        while len(batch) < max_ops:
            rows = connection.execute(select(OB).where(OB.c.state == "pending", OB.c.seq > after)
                                      .order_by(OB.c.seq).limit(PAGE)).all()
            if not rows:
                break
            for row in rows:
                op = _pending(row)
                if op.group in blocked:
                    continue
                if len(batch) >= max_ops or (batch and size + op.size > max_bytes):
                    return batch
                batch.append(op)
                size += op.size
            after = rows[-1].seq
    return batch


_MARK = update(OB).where(OB.c.op_id == bindparam("oid")).values(
    state=bindparam("st"), last_error=bindparam("err"), attempts=OB.c.attempts + 1)


def record_results(desk: Desk, results: list[OpResult]) -> None:
    """applied/duplicate: sent. rejected/conflict: kept, with the reason, holding its dossier back.
    held back: still pending, tried again once the op before it is resolved."""
    rows = []
    for result in results:
        if result.status in DELIVERED:
            rows.append({"oid": result.op_id, "st": "sent", "err": ""})
        elif result.status == Outcome.HELD_BACK:
            rows.append({"oid": result.op_id, "st": "pending", "err": ""})
        else:
            rows.append({"oid": result.op_id, "st": "rejected", "err": result.message or result.code})
    if rows:
        with desk.write() as connection:
            connection.execute(_MARK, rows)


def retry_rejected(desk: Desk, op_id: str) -> None:
    """The official fixed the cause upstream: send this op again on the next round."""
    with desk.write() as connection:
        connection.execute(update(OB).where(OB.c.op_id == op_id, OB.c.state == "rejected")
                           .values(state="pending", last_error=""))


def sync_problems(desk: Desk) -> list[dict[str, Any]]:
    """Pending and rejected ops with their reason, for the sync view."""
    with desk.read() as connection:
        rows = connection.execute(select(OB.c.seq, OB.c.op_id, OB.c.kind, OB.c.entity_id, OB.c.state, OB.c.last_error,
                                         OB.c.attempts, OB.c.device_time, D.c.code)
                                  .outerjoin(D, D.c.uid == func.coalesce(
                                      func.json_extract(OB.c.payload, "$.dossier_id"), OB.c.entity_id))
                                  .where(OB.c.state.in_(("pending", "rejected"))).order_by(OB.c.seq).limit(1000)).all()
    return [dict(r._mapping) for r in rows]


def counts(desk: Desk) -> dict[str, int]:
    with desk.read() as connection:
        return pending_count(connection)


# -- reference data from the hub (the pulled apply in app/sync/pulled.py uses these too) ----------


def apply_allotment(connection: Connection, desk: Desk, range_: dict[str, Any]) -> int:
    """A receipt range from the hub, for this workstation only; applying it twice changes nothing."""
    if range_.get("workstation_no") not in (None, desk.settings().workstation_no):
        return 0
    series = ReceiptSeries.__table__
    exists = connection.execute(select(series.c.id).where(
        series.c.template_symbol == range_["template_symbol"], series.c.series_symbol == range_["series_symbol"],
        series.c.first_number == range_["first_number"])).first()
    if exists:
        return 0
    connection.execute(insert(series).values(
        kind=range_["kind"], template_symbol=range_["template_symbol"], series_symbol=range_["series_symbol"],
        first_number=range_["first_number"], last_number=range_["last_number"], next_number=range_["first_number"],
        active=True, source="hub", created_at=datetime.now(UTC)))
    return 1


def apply_day(connection: Connection, desk: Desk, entry: dict[str, Any]) -> None:
    """A day off or make-up day announced by the province: it overrides the built table."""
    day = date.fromisoformat(entry["day"])
    materialize_year(connection, day.year, culture_day_off=desk.settings().culture_day_off)
    connection.execute(delete(H).where(H.c.day == day))
    if entry["kind"] in ("off", "work"):
        connection.execute(insert(H).values(day=day, kind=entry["kind"], name=entry["name"], source="hub"))


def accept_allotments(desk: Desk, ranges: list[dict[str, Any]]) -> None:
    with desk.write() as connection:
        for range_ in ranges:
            apply_allotment(connection, desk, range_)


def save_sync_state(desk: Desk, **values: Any) -> None:
    with desk.write() as connection:
        save_settings(connection, **values)
    desk.forget_cached()
