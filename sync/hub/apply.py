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
# Constant statements with bound parameters: compiled once, not per op (most of a batch's time otherwise).
SEEN = select(AT).where(AT.c.op_id == bindparam("oid"))
EVENT_EXISTS = select(ET.c.uid).where(ET.c.uid == bindparam("e"))
DOSSIER = select(DT.c.uid, DT.c.agency_id, DT.c.status, DT.c.due_at).where(DT.c.uid == bindparam("uid"))
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


class Pending:
    """Rows written once per batch (executemany): the changes others will pull, and the op records."""

    def __init__(self) -> None:
        self.changes: list[dict[str, Any]] = []
        self.records: list[dict[str, Any]] = []
        self.results: dict[str, tuple[str, OpResult]] = {}  # op_id -> (sha256, result), this batch

    def flush(self, connection: Connection) -> None:
        if self.changes:
            if connection.dialect.name == "postgresql":  # seq order = commit order, across workers
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_CHANGE_LOCK})")
            connection.execute(INSERT_CHANGE, self.changes)
            if COMMIT_JITTER_S:
                time.sleep(random.uniform(0, COMMIT_JITTER_S))
        if self.records:
            connection.execute(INSERT_APPLIED, self.records)


def _dossier(connection: Connection, op: Op, agency_id: str, uid: str) -> Any:
    row = connection.execute(DOSSIER, {"uid": uid}).first()
    if row is None or row.agency_id != agency_id:
        raise _rejected(op, "unknown_dossier", "Hệ thống cấp trên chưa có hồ sơ này (thao tác tiếp nhận chưa đồng bộ).")
    return row


def _check_event_id(connection: Connection, op: Op) -> None:
    if connection.execute(EVENT_EXISTS, {"e": op.payload.get("event_id")}).first() is not None:
        raise _rejected(op, "event_exists", "Sự kiện này đã có trên hệ thống cấp trên với một mã thao tác khác.")


def _event_row(op: Op, device: Any) -> dict[str, Any]:
    return {"uid": op.payload["event_id"], "dossier_uid": op.entity_id, "kind": op.payload["kind"],
            "status_after": op.payload["status_after"], "actor": op.actor, "device_id": device.id,
            "device_time": op.device_time, "payload": op.payload}


def _received(connection: Connection, op: Op, device: Any) -> None:
    payload = op.payload
    if not str(payload.get("code", "")).startswith(f"{device.agency_id}-"):
        raise _rejected(op, "wrong_agency", "Mã hồ sơ không thuộc cơ quan của máy trạm này.")
    existing = connection.execute(DOSSIER, {"uid": op.entity_id}).first()
    if existing is not None:
        raise Refused(OpResult(op_id=op.op_id, status="conflict", code="exists",
                               message="Hệ thống cấp trên đã có hồ sơ này.", current={"status": existing.status}))
    _check_event_id(connection, op)
    try:
        with connection.begin_nested():
            connection.execute(INSERT_DOSSIER, {
                "uid": op.entity_id, "agency_id": device.agency_id, "code": payload["code"],
                "status": payload["status_after"], "procedure_code": payload["procedure_code"],
                "owner_name": payload["owner_name"], "snapshot": payload, "due_at": payload["due_at"],
                "updated_at": now()})
    except IntegrityError:
        raise Refused(OpResult(op_id=op.op_id, status="conflict", code="code_taken",
                               message="Mã hồ sơ này đã được dùng cho một hồ sơ khác.")) from None
    connection.execute(INSERT_EVENT, _event_row(op, device))


def _event(connection: Connection, op: Op, device: Any) -> None:
    dossier = _dossier(connection, op, device.agency_id, op.entity_id)
    try:
        action = Action(op.payload["kind"])
    except ValueError:
        raise _rejected(op, "unknown_kind", "Loại thao tác không được hỗ trợ.") from None
    try:
        target = check_transition(action, Status(dossier.status))
    except TransitionError as error:
        raise Refused(OpResult(op_id=op.op_id, status="conflict", code="illegal_transition", message=error.message,
                               current={"status": dossier.status, "label": Status(dossier.status).label})) from None
    status = op.payload["status_after"] if target is None else int(target)
    _check_event_id(connection, op)
    due = op.payload.get("due_at") or dossier.due_at
    connection.execute(UPDATE_DOSSIER, {"u": dossier.uid, "st": status, "due": due, "at": now()})
    connection.execute(INSERT_EVENT, _event_row(op, device))


def _receipt(connection: Connection, op: Op, device: Any) -> None:
    payload = op.payload
    if op.kind == "receipt.issued":
        if payload.get("dossier_id"):
            _dossier(connection, op, device.agency_id, payload["dossier_id"])
        try:
            with connection.begin_nested():
                connection.execute(INSERT_RECEIPT, {
                    "uid": op.entity_id, "agency_id": device.agency_id, "dossier_uid": payload.get("dossier_id"),
                    "template_symbol": payload["template_symbol"], "series_symbol": payload["series_symbol"],
                    "number": payload["number"], "amount": payload["amount"], "status": "issued",
                    "payload": payload})
        except IntegrityError:
            raise Refused(OpResult(op_id=op.op_id, status="conflict", code="number_taken",
                                   message="Số biên lai này đã được dùng cho một biên lai khác.")) from None
        return
    moved = connection.execute(VOID, {"u": op.entity_id, "a": device.agency_id}).rowcount
    if not moved:
        raise _rejected(op, "unknown_receipt", "Hệ thống cấp trên chưa có biên lai này.")


def _effect(connection: Connection, op: Op, device: Any, pending: Pending) -> None:
    if op.entity == "dossier":
        (_received if op.kind == "dossier.received" else _event)(connection, op, device)
    elif op.kind in ("receipt.issued", "receipt.voided"):
        _receipt(connection, op, device)
    else:
        raise _rejected(op, "unknown_kind", "Loại thao tác không được hỗ trợ.")
    pending.changes.append({"agency_id": device.agency_id, "entity": op.entity, "entity_id": op.entity_id,
                            "kind": op.kind, "payload": op.payload, "origin_device": device.id})


def _replayed(op: Op, sha: str, stored: OpResult, same_device: bool) -> OpResult:
    if sha != op.payload_sha256 or not same_device:
        return OpResult(op_id=op.op_id, status="rejected", code="op_id_reused",
                        message="Mã thao tác đã được dùng cho một nội dung khác.")
    return stored.model_copy(update={"status": "duplicate"}) if stored.status == "applied" else stored


def _apply_in(connection: Connection, op: Op, device: Any, pending: Pending) -> OpResult:
    """One op inside the caller's transaction: its effect (or nothing) and its record."""
    if op.op_id in pending.results:
        sha, stored = pending.results[op.op_id]
        return _replayed(op, sha, stored, True)
    seen = connection.execute(SEEN, {"oid": op.op_id}).first()
    if seen is not None:
        return _replayed(op, seen.payload_sha256, OpResult(**seen.result), seen.device_id == device.id)
    if payload_hash(op.payload) != op.payload_sha256:
        return OpResult(op_id=op.op_id, status="rejected", code="bad_hash",
                        message="Dữ liệu gửi lên bị sai lệch trên đường truyền.")
    try:
        # Every check runs before the op's first write, and the writes that can still collide (a
        # dossier code, a receipt number) have their own savepoint: an op never half-applies.
        _effect(connection, op, device, pending)
        result = OpResult(op_id=op.op_id, status="applied")
    except Refused as refused:
        result = refused.result
    pending.records.append({"op_id": op.op_id, "device_id": device.id, "payload_sha256": op.payload_sha256,
                            "result": result.model_dump(), "applied_at": now()})
    pending.results[op.op_id] = (op.payload_sha256, result)
    return result


def apply_op(engine: Engine, op: Op, device: Any) -> OpResult:
    return apply_batch(engine, [op], device)[0]


def group_of(op: Op) -> str:
    """A dossier's ops (its events and its receipts) form one ordered group."""
    if op.entity == "receipt":
        return str(op.payload.get("dossier_id") or op.entity_id)
    return op.entity_id


def _batch_once(engine: Engine, ops: list[Op], device: Any) -> list[OpResult]:
    failed: set[str] = set()
    results = []
    pending = Pending()
    with engine.begin() as connection:  # one commit (one fsync) for the whole batch
        for op in ops:
            group = group_of(op)
            if group in failed:
                results.append(OpResult(op_id=op.op_id, status="rejected", code="held_back",
                                        message="Chờ thao tác trước của cùng hồ sơ được xử lý."))
                continue
            result = _apply_in(connection, op, device, pending)
            if result.status in ("rejected", "conflict"):
                failed.add(group)
            results.append(result)
        pending.flush(connection)
    return results


def apply_batch(engine: Engine, ops: list[Op], device: Any) -> list[OpResult]:
    """In order, in one transaction; once an op of a dossier fails, that dossier's later ops in the
    batch are held back (not recorded, so they come again once the cause is resolved). If another
    copy of the same batch committed first (PostgreSQL, in parallel), the records' primary keys
    make this one roll back whole; run again, it answers from those records."""
    try:
        return _batch_once(engine, ops, device)
    except IntegrityError:
        return _batch_once(engine, ops, device)
