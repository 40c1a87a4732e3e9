"""Applying pushed ops on the hub, each exactly once.

An op's effect and its `applied_op` record are written in ONE transaction: a replay (a lost
acknowledgement, a retried batch, two copies in parallel) finds the record and gets the stored
answer, never a second effect. The hub keeps its own copy of each dossier's status and checks
every event against the lifecycle rules before accepting it.
"""

from __future__ import annotations

import random
import time
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.core.errors import TransitionError
from app.core.lifecycle import Action, Status, check_transition
from sync.hub.admin import now
from sync.hub.models import AppliedOp, Change, Dossier, DossierEvent, Receipt
from sync.protocol import Op, OpResult, payload_hash

PG_CHANGE_LOCK = 7402  # advisory lock id: change rows are numbered in commit order on PostgreSQL
COMMIT_JITTER_S = 0.0  # fault injection for tests: hold a batch open up to this long before it commits
AT, CT, DT, ET, RT = (AppliedOp.__table__, Change.__table__, Dossier.__table__, DossierEvent.__table__,
                      Receipt.__table__)
# A batch reads what it needs in a few queries, applies its ops in order in memory, then writes
# with a few executemany statements: on PostgreSQL every statement is a network round trip.
INSERT_CHANGE, INSERT_EVENT, INSERT_DOSSIER, INSERT_RECEIPT, INSERT_APPLIED = (
    insert(CT), insert(ET), insert(DT), insert(RT), insert(AT))
UPDATE_DOSSIER = update(DT).where(DT.c.uid == bindparam("u")).values(
    status=bindparam("st"), due_at=bindparam("due"), updated_at=bindparam("at"))
VOID = update(RT).where(RT.c.uid == bindparam("u"), RT.c.agency_id == bindparam("a")).values(status="voided")


class Refused(Exception):
    def __init__(self, result: OpResult) -> None:
        super().__init__(result.code)
        self.result = result


def _rejected(op: Op, code: str, message: str) -> Refused:
    return Refused(OpResult(op_id=op.op_id, status="rejected", code=code, message=message))


def _receipt_key(agency_id: str, payload: dict[str, Any]) -> tuple[str, str, str, int]:
    return (agency_id, payload["template_symbol"], payload["series_symbol"], int(payload["number"]))


class Batch:
    """What one push needs from the database, read up front; and what it will write, in order."""

    def __init__(self, connection: Connection, ops: list[Op], device: Any) -> None:
        self.connection, self.device = connection, device
        dossier_uids = {op.entity_id for op in ops if op.entity == "dossier"} | {
            str(op.payload["dossier_id"]) for op in ops if op.entity == "receipt" and op.payload.get("dossier_id")}
        receipts = [op for op in ops if op.kind == "receipt.issued"]
        self.seen = {r.op_id: r for r in connection.execute(
            select(AT).where(AT.c.op_id.in_([op.op_id for op in ops])))}
        self.dossiers = {r.uid: {"agency_id": r.agency_id, "status": r.status, "due_at": r.due_at}
                         for r in connection.execute(select(DT.c.uid, DT.c.agency_id, DT.c.status, DT.c.due_at)
                                                     .where(DT.c.uid.in_(dossier_uids)))}
        self.codes = set(connection.execute(select(DT.c.code).where(DT.c.code.in_(
            [op.payload.get("code") for op in ops if op.kind == "dossier.received"]))).scalars())
        self.event_ids = set(connection.execute(select(ET.c.uid).where(ET.c.uid.in_(
            [op.payload.get("event_id") for op in ops if op.entity == "dossier"]))).scalars())
        self.receipt_keys = {(r.agency_id, r.template_symbol, r.series_symbol, r.number) for r in connection.execute(
            select(RT.c.agency_id, RT.c.template_symbol, RT.c.series_symbol, RT.c.number).where(
                RT.c.agency_id == device.agency_id, RT.c.number.in_([op.payload.get("number") for op in receipts])))}
        self.receipt_uids = set(connection.execute(select(RT.c.uid).where(
            RT.c.uid.in_([op.entity_id for op in ops if op.entity == "receipt"]),
            RT.c.agency_id == device.agency_id)).scalars())
        self.new_dossiers: dict[str, dict[str, Any]] = {}  # received in this batch, by uid
        self.updates: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self.receipts: list[dict[str, Any]] = []
        self.voids: list[dict[str, Any]] = []
        self.changes: list[dict[str, Any]] = []
        self.records: list[dict[str, Any]] = []
        self.results: dict[str, tuple[str, OpResult]] = {}  # op_id -> (sha256, result), this batch

    def flush(self) -> None:
        """Parents before children: dossiers, their state, events, receipts, voids, then what others pull."""
        c = self.connection
        for statement, rows in ((INSERT_DOSSIER, list(self.new_dossiers.values())),
                                (UPDATE_DOSSIER, list(self.updates.values())),
                                (INSERT_EVENT, self.events), (INSERT_RECEIPT, self.receipts), (VOID, self.voids)):
            if rows:
                c.execute(statement, rows)
        if self.changes:
            if c.dialect.name == "postgresql":  # seq order = commit order, across workers
                c.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_CHANGE_LOCK})")
            c.execute(INSERT_CHANGE, self.changes)
            if COMMIT_JITTER_S:
                time.sleep(random.uniform(0, COMMIT_JITTER_S))
        if self.records:
            c.execute(INSERT_APPLIED, self.records)


def _dossier(batch: Batch, op: Op, uid: str) -> dict[str, Any]:
    row = batch.dossiers.get(uid)
    if row is None or row["agency_id"] != batch.device.agency_id:
        raise _rejected(op, "unknown_dossier", "Hệ thống cấp trên chưa có hồ sơ này (thao tác tiếp nhận chưa đồng bộ).")
    return row


def _check_event_id(batch: Batch, op: Op) -> None:
    if op.payload.get("event_id") in batch.event_ids:
        raise _rejected(op, "event_exists", "Sự kiện này đã có trên hệ thống cấp trên với một mã thao tác khác.")


def _add_event(batch: Batch, op: Op) -> None:
    batch.event_ids.add(op.payload["event_id"])
    batch.events.append({"uid": op.payload["event_id"], "dossier_uid": op.entity_id, "kind": op.payload["kind"],
                         "status_after": op.payload["status_after"], "actor": op.actor,
                         "device_id": batch.device.id, "device_time": op.device_time, "payload": op.payload})


def _received(batch: Batch, op: Op) -> None:
    payload = op.payload
    if not str(payload.get("code", "")).startswith(f"{batch.device.agency_id}-"):
        raise _rejected(op, "wrong_agency", "Mã hồ sơ không thuộc cơ quan của máy trạm này.")
    existing = batch.dossiers.get(op.entity_id)
    if existing is not None:
        raise Refused(OpResult(op_id=op.op_id, status="conflict", code="exists",
                               message="Hệ thống cấp trên đã có hồ sơ này.", current={"status": existing["status"]}))
    if payload["code"] in batch.codes:
        raise Refused(OpResult(op_id=op.op_id, status="conflict", code="code_taken",
                               message="Mã hồ sơ này đã được dùng cho một hồ sơ khác."))
    _check_event_id(batch, op)
    batch.codes.add(payload["code"])
    batch.dossiers[op.entity_id] = {"agency_id": batch.device.agency_id, "status": payload["status_after"],
                                    "due_at": payload["due_at"]}
    batch.new_dossiers[op.entity_id] = ({
        "uid": op.entity_id, "agency_id": batch.device.agency_id, "code": payload["code"],
        "status": payload["status_after"], "procedure_code": payload["procedure_code"],
        "owner_name": payload["owner_name"], "snapshot": payload, "due_at": payload["due_at"], "updated_at": now()})
    _add_event(batch, op)


def _event(batch: Batch, op: Op) -> None:
    dossier = _dossier(batch, op, op.entity_id)
    try:
        action = Action(op.payload["kind"])
    except ValueError:
        raise _rejected(op, "unknown_kind", "Loại thao tác không được hỗ trợ.") from None
    try:
        target = check_transition(action, Status(dossier["status"]))
    except TransitionError as error:
        raise Refused(OpResult(op_id=op.op_id, status="conflict", code="illegal_transition", message=error.message,
                               current={"status": dossier["status"],
                                        "label": Status(dossier["status"]).label})) from None
    _check_event_id(batch, op)
    dossier["status"] = op.payload["status_after"] if target is None else int(target)
    dossier["due_at"] = op.payload.get("due_at") or dossier["due_at"]
    new = batch.new_dossiers.get(op.entity_id)
    if new is not None:  # received in this same batch: the insert carries the latest state
        new.update(status=dossier["status"], due_at=dossier["due_at"])
    else:
        batch.updates[op.entity_id] = {"u": op.entity_id, "st": dossier["status"], "due": dossier["due_at"],
                                       "at": now()}
    _add_event(batch, op)


def _receipt(batch: Batch, op: Op) -> None:
    payload = op.payload
    if op.kind == "receipt.issued":
        if payload.get("dossier_id"):
            _dossier(batch, op, str(payload["dossier_id"]))
        key = _receipt_key(batch.device.agency_id, payload)
        if key in batch.receipt_keys or op.entity_id in batch.receipt_uids:
            raise Refused(OpResult(op_id=op.op_id, status="conflict", code="number_taken",
                                   message="Số biên lai này đã được dùng cho một biên lai khác."))
        batch.receipt_keys.add(key)
        batch.receipt_uids.add(op.entity_id)
        batch.receipts.append({
            "uid": op.entity_id, "agency_id": batch.device.agency_id, "dossier_uid": payload.get("dossier_id"),
            "template_symbol": payload["template_symbol"], "series_symbol": payload["series_symbol"],
            "number": payload["number"], "amount": payload["amount"], "status": "issued", "payload": payload})
        return
    if op.entity_id not in batch.receipt_uids:
        raise _rejected(op, "unknown_receipt", "Hệ thống cấp trên chưa có biên lai này.")
    batch.voids.append({"u": op.entity_id, "a": batch.device.agency_id})


def _effect(batch: Batch, op: Op) -> None:
    """Checks first, then in-memory writes: an op that is refused leaves nothing behind."""
    if op.entity == "dossier":
        (_received if op.kind == "dossier.received" else _event)(batch, op)
    elif op.kind in ("receipt.issued", "receipt.voided"):
        _receipt(batch, op)
    else:
        raise _rejected(op, "unknown_kind", "Loại thao tác không được hỗ trợ.")
    batch.changes.append({"agency_id": batch.device.agency_id, "entity": op.entity, "entity_id": op.entity_id,
                          "kind": op.kind, "payload": op.payload, "origin_device": batch.device.id})


def _replayed(op: Op, sha: str, stored: OpResult, same_device: bool) -> OpResult:
    if sha != op.payload_sha256 or not same_device:
        return OpResult(op_id=op.op_id, status="rejected", code="op_id_reused",
                        message="Mã thao tác đã được dùng cho một nội dung khác.")
    return stored.model_copy(update={"status": "duplicate"}) if stored.status == "applied" else stored


def _apply_in(batch: Batch, op: Op) -> OpResult:
    """One op: its effect (or nothing) and its record, both written with the batch."""
    if op.op_id in batch.results:
        sha, stored = batch.results[op.op_id]
        return _replayed(op, sha, stored, True)
    seen = batch.seen.get(op.op_id)
    if seen is not None:
        return _replayed(op, seen.payload_sha256, OpResult(**seen.result), seen.device_id == batch.device.id)
    if payload_hash(op.payload) != op.payload_sha256:
        return OpResult(op_id=op.op_id, status="rejected", code="bad_hash",
                        message="Dữ liệu gửi lên bị sai lệch trên đường truyền.")
    try:
        _effect(batch, op)
        result = OpResult(op_id=op.op_id, status="applied")
    except Refused as refused:
        result = refused.result
    batch.records.append({"op_id": op.op_id, "device_id": batch.device.id, "payload_sha256": op.payload_sha256,
                          "result": result.model_dump(), "applied_at": now()})
    batch.results[op.op_id] = (op.payload_sha256, result)
    return result


def group_of(op: Op) -> str:
    """A dossier's ops (its events and its receipts) form one ordered group."""
    if op.entity == "receipt":
        return str(op.payload.get("dossier_id") or op.entity_id)
    return op.entity_id


def _batch_once(engine: Engine, ops: list[Op], device: Any) -> list[OpResult]:
    failed: set[str] = set()
    results = []
    with engine.begin() as connection:  # one commit (one fsync) for the whole batch
        batch = Batch(connection, ops, device)
        for op in ops:
            group = group_of(op)
            if group in failed:
                results.append(OpResult(op_id=op.op_id, status="rejected", code="held_back",
                                        message="Chờ thao tác trước của cùng hồ sơ được xử lý."))
                continue
            result = _apply_in(batch, op)
            if result.status in ("rejected", "conflict"):
                failed.add(group)
            results.append(result)
        batch.flush()
    return results


def apply_batch(engine: Engine, ops: list[Op], device: Any) -> list[OpResult]:
    """In order, in one transaction; once an op of a dossier fails, that dossier's later ops in the
    batch are held back (not recorded, so they come again once the cause is resolved). If another
    batch committed a colliding row first (the same op in parallel on PostgreSQL, a code or number
    taken meanwhile), this one rolls back whole and runs again, reading what is there now."""
    try:
        return _batch_once(engine, ops, device)
    except IntegrityError:
        return _batch_once(engine, ops, device)
