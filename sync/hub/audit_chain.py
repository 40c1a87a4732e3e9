"""The hub's check of each workstation's audit chain as its ops arrive (issue 9).

Every op a desk queues carries its link (sync/chain.py). The hub recomputes the link from what
arrived and keeps it; a link that does not match its op, that follows something other than what
the hub holds at the place before it, or that forks an existing link (history rewritten after it
was sent) is a break: recorded with the workstation and the record, logged, and shown on the admin
API. A break never refuses the op: refusing would stick the desk's outbox and lose real work.

Ops can arrive out of order (a held-back op is sent again later), so a link whose predecessor has
not arrived yet is simply kept; it is checked against the seq before it when that one is known.
A restored desk (`desk.restored`) forks its chain at its backup's head on purpose.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, or_, select

from sync.chain import GENESIS, RESTORED_KIND, link_hash
from sync.hub.admin import now
from sync.hub.models import AuditBreak, AuditLink, Device
from sync.hub.store import among, insert_rows
from sync.protocol import OpEnvelope, OpResult, Outcome

log = logging.getLogger(__name__)
LT, BT = AuditLink.__table__, AuditBreak.__table__
NOT_RECORDED = frozenset({"invalid_op", "bad_hash", "op_id_reused"})  # answered, never stored: no link either


def _links(connection: Connection, device_id: str, ops: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the hub already holds around these ops: their predecessors, forks and seq neighbours."""
    prevs = [op["chain_prev"] for op in ops]
    seqs = [op["device_seq"] - 1 for op in ops]
    return [dict(r._mapping) for r in connection.execute(select(LT).where(LT.c.device_id == device_id, or_(
        among(connection, LT.c.chain_hash, prevs), among(connection, LT.c.chain_prev, prevs),
        among(connection, LT.c.device_seq, seqs), among(connection, LT.c.op_id, [op["op_id"] for op in ops]))))]


def _fields(envelope: OpEnvelope) -> dict[str, Any] | None:
    extra = envelope.model_extra or {}
    prev, link = extra.get("chain_prev") or "", extra.get("chain_hash") or ""
    if not prev or not link:
        return None  # a desk from before the chain
    try:
        device_time = datetime.fromisoformat(str(extra["device_time"]))
        return {"op_id": envelope.op_id, "entity": str(extra["entity"]), "entity_id": str(extra["entity_id"]),
                "kind": str(extra["kind"]), "payload_sha256": str(extra["payload_sha256"]),
                "actor": str(extra["actor"]), "device_time": device_time, "device_seq": int(extra["device_seq"]),
                "chain_prev": str(prev), "chain_hash": str(link)}
    except (KeyError, TypeError, ValueError):
        return None


class Known:
    """The device's links this batch can meet, from the database and from the batch itself."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.by_hash: dict[str, dict[str, Any]] = {}
        self.by_prev: dict[str, list[dict[str, Any]]] = {}
        self.by_seq: dict[int, dict[str, Any]] = {}
        self.ids: set[str] = set()
        for row in rows:
            self.add(row)

    def add(self, row: dict[str, Any]) -> None:
        self.by_hash[row["chain_hash"]] = row
        self.by_prev.setdefault(row["chain_prev"], []).append(row)
        self.by_seq.setdefault(row["device_seq"], row)
        self.ids.add(row["op_id"])


def _problem(op: dict[str, Any], known: Known) -> str | None:
    expected = link_hash(op["chain_prev"], op_id=op["op_id"], entity=op["entity"], entity_id=op["entity_id"],
                         kind=op["kind"], payload_sha256=op["payload_sha256"], actor=op["actor"],
                         device_time=op["device_time"])
    if expected != op["chain_hash"]:
        return "Mã chuỗi của thao tác không khớp với nội dung của nó."
    forks = [r for r in known.by_prev.get(op["chain_prev"], []) if r["op_id"] != op["op_id"]]
    if forks and op["kind"] != RESTORED_KIND:
        other = forks[0]
        return (f"Thao tác nối tiếp cùng một bản ghi với thao tác số {other['device_seq']} đã nhận trước đó: "
                "lịch sử trên máy trạm đã bị viết lại sau khi gửi.")
    if op["chain_prev"] == GENESIS or op["chain_prev"] in known.by_hash:
        return None
    before = known.by_seq.get(op["device_seq"] - 1)
    if before is not None and op["kind"] != RESTORED_KIND:
        return (f"Thao tác không nối tiếp thao tác số {op['device_seq'] - 1} mà hệ thống cấp trên đã nhận: "
                "một bản ghi trên máy trạm đã bị sửa, xóa hoặc chèn thêm.")
    return None  # its predecessor has not arrived yet


def check_links(connection: Connection, ops: list[OpEnvelope], results: list[OpResult], device: Any) -> int:
    """In the push's transaction: keep each new link, flag each break. Returns the breaks found."""
    fresh = []
    for envelope, result in zip(ops, results, strict=True):
        if result.status in (Outcome.HELD_BACK, Outcome.DUPLICATE) or result.code in NOT_RECORDED:
            continue  # sent again later, or already linked
        fields = _fields(envelope)
        if fields is not None:
            fresh.append(fields)
    if not fresh:
        return 0
    known = Known(_links(connection, device.id, fresh))
    links, breaks = [], []
    for op in fresh:
        if op["op_id"] in known.ids:
            continue
        problem = _problem(op, known)
        row = {"op_id": op["op_id"], "device_id": device.id, "device_seq": op["device_seq"], "kind": op["kind"],
               "chain_prev": op["chain_prev"], "chain_hash": op["chain_hash"], "received_at": now()}
        known.add(row)
        links.append(row)
        if problem:
            log.warning("audit chain break: agency %s device %s op %s (seq %d, %s): %s", device.agency_id,
                        device.id, op["op_id"], op["device_seq"], op["kind"], problem)
            breaks.append({"agency_id": device.agency_id, "device_id": device.id, "op_id": op["op_id"],
                           "device_seq": op["device_seq"], "kind": op["kind"], "reason": problem,
                           "found_at": now()})
    insert_rows(connection, LT, links)
    if breaks:
        connection.execute(insert(BT), breaks)
    return len(breaks)


def list_breaks(engine: Engine, agency_id: str | None = None) -> list[dict[str, Any]]:
    """Every break found, newest first, for the admin API and the hub's CLI."""
    query = select(BT).order_by(BT.c.id.desc()).limit(1000)
    if agency_id:
        query = query.where(BT.c.agency_id == agency_id)
    with engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(query)]


def list_gaps(engine: Engine, agency_id: str | None = None) -> list[dict[str, Any]]:
    """Links whose predecessor never reached the hub. A held-back op fills its gap on a later round;
    one that stays open means an op was removed from the desk before it was sent (the desk's own
    verify names it too). Listed for the admin beside the breaks."""
    before = LT.alias("before")
    query = (select(LT.c.device_id, LT.c.op_id, LT.c.device_seq, LT.c.kind, LT.c.received_at, Device.agency_id)
             .join(Device, Device.id == LT.c.device_id)
             .where(LT.c.chain_prev != GENESIS, ~select(before.c.op_id).where(
                 before.c.device_id == LT.c.device_id, before.c.chain_hash == LT.c.chain_prev).exists())
             .order_by(LT.c.device_id, LT.c.device_seq).limit(1000))
    if agency_id:
        query = query.where(Device.agency_id == agency_id)
    with engine.connect() as connection:
        return [{**r._mapping, "received_at": r.received_at.isoformat(),
                 "reason": f"Chưa nhận được thao tác đứng trước thao tác số {r.device_seq} của máy trạm này."}
                for r in connection.execute(query)]


def chain_head(engine: Engine, device_id: str) -> dict[str, Any]:
    """The newest link the hub holds for a device (by its seq): what a restored desk forks from."""
    with engine.connect() as connection:
        row = connection.execute(select(LT.c.device_seq, LT.c.chain_hash).where(LT.c.device_id == device_id)
                                 .order_by(LT.c.device_seq.desc()).limit(1)).first()
    return {"device_seq": row.device_seq if row else 0, "chain_hash": row.chain_hash if row else GENESIS}
