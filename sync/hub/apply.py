"""Applying pushed ops on the hub, each exactly once.

An op's effect and its `applied_op` record are written in ONE transaction: a replay (a lost
acknowledgement, a retried batch, two copies in parallel) finds the record and gets the stored
answer, never a second effect. The hub keeps its own copy of each dossier's status and checks
every event against the lifecycle rules before accepting it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from app.core.errors import TransitionError
from app.core.lifecycle import Action, Status, check_transition
from sync.hub.admin import now
from sync.hub.models import AppliedOp, Change, Dossier, DossierEvent, Receipt
from sync.protocol import Op, OpResult, payload_hash

PG_CHANGE_LOCK = 7402  # advisory lock id: change rows are numbered in commit order on PostgreSQL


class Refused(Exception):
    def __init__(self, result: OpResult) -> None:
        super().__init__(result.code)
        self.result = result


def _rejected(op: Op, code: str, message: str) -> Refused:
    return Refused(OpResult(op_id=op.op_id, status="rejected", code=code, message=message))


def _record_change(connection: Connection, agency_id: str, op: Op, device_id: str) -> None:
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_CHANGE_LOCK})")
    connection.execute(insert(Change).values(agency_id=agency_id, entity=op.entity, entity_id=op.entity_id,
                                             kind=op.kind, payload=op.payload, origin_device=device_id))


def _dossier(connection: Connection, op: Op, agency_id: str, uid: str) -> Any:
    row = connection.execute(select(Dossier).where(Dossier.uid == uid)).first()
    if row is None or row.agency_id != agency_id:
        raise _rejected(op, "unknown_dossier", "Hệ thống cấp trên chưa có hồ sơ này (thao tác tiếp nhận chưa đồng bộ).")
    return row


def _event_row(op: Op, device: Any) -> dict[str, Any]:
    return {"uid": op.payload["event_id"], "dossier_uid": op.entity_id, "kind": op.payload["kind"],
            "status_after": op.payload["status_after"], "actor": op.actor, "device_id": device.id,
            "device_time": op.device_time, "payload": op.payload}


def _received(connection: Connection, op: Op, device: Any) -> None:
    payload = op.payload
    if not str(payload.get("code", "")).startswith(f"{device.agency_id}-"):
        raise _rejected(op, "wrong_agency", "Mã hồ sơ không thuộc cơ quan của máy trạm này.")
    existing = connection.execute(select(Dossier).where(Dossier.uid == op.entity_id)).first()
    if existing is not None:
        raise Refused(OpResult(op_id=op.op_id, status="conflict", code="exists",
                               message="Hệ thống cấp trên đã có hồ sơ này.", current={"status": existing.status}))
    connection.execute(insert(Dossier).values(
        uid=op.entity_id, agency_id=device.agency_id, code=payload["code"], status=payload["status_after"],
        procedure_code=payload["procedure_code"], owner_name=payload["owner_name"], snapshot=payload,
        due_at=payload["due_at"], updated_at=now()))
    connection.execute(insert(DossierEvent).values(**_event_row(op, device)))


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
    connection.execute(update(Dossier).where(Dossier.uid == dossier.uid).values(
        status=status, due_at=op.payload.get("due_at") or dossier.due_at, updated_at=now()))
    connection.execute(insert(DossierEvent).values(**_event_row(op, device)))


def _receipt(connection: Connection, op: Op, device: Any) -> None:
    payload = op.payload
    if op.kind == "receipt.issued":
        if payload.get("dossier_id"):
            _dossier(connection, op, device.agency_id, payload["dossier_id"])
        try:
            with connection.begin_nested():
                connection.execute(insert(Receipt).values(
                    uid=op.entity_id, agency_id=device.agency_id, dossier_uid=payload.get("dossier_id"),
                    template_symbol=payload["template_symbol"], series_symbol=payload["series_symbol"],
                    number=payload["number"], amount=payload["amount"], status="issued", payload=payload))
        except IntegrityError:
            raise Refused(OpResult(op_id=op.op_id, status="conflict", code="number_taken",
                                   message="Số biên lai này đã được dùng cho một biên lai khác.")) from None
        return
    moved = connection.execute(update(Receipt).where(Receipt.uid == op.entity_id, Receipt.agency_id == device.agency_id)
                               .values(status="voided")).rowcount
    if not moved:
        raise _rejected(op, "unknown_receipt", "Hệ thống cấp trên chưa có biên lai này.")


def _effect(connection: Connection, op: Op, device: Any) -> None:
    if op.entity == "dossier":
        (_received if op.kind == "dossier.received" else _event)(connection, op, device)
    elif op.kind in ("receipt.issued", "receipt.voided"):
        _receipt(connection, op, device)
    else:
        raise _rejected(op, "unknown_kind", "Loại thao tác không được hỗ trợ.")
    _record_change(connection, device.agency_id, op, device.id)


def _apply_in(connection: Connection, op: Op, device: Any) -> OpResult:
    """One op inside the caller's transaction: its effect (or nothing, via a savepoint) and its record."""
    seen = connection.execute(select(AppliedOp).where(AppliedOp.op_id == op.op_id)).first()
    if seen is not None:
        if seen.payload_sha256 != op.payload_sha256 or seen.device_id != device.id:
            return OpResult(op_id=op.op_id, status="rejected", code="op_id_reused",
                            message="Mã thao tác đã được dùng cho một nội dung khác.")
        stored = OpResult(**seen.result)
        return stored.model_copy(update={"status": "duplicate"}) if stored.status == "applied" else stored
    if payload_hash(op.payload) != op.payload_sha256:
        return OpResult(op_id=op.op_id, status="rejected", code="bad_hash",
                        message="Dữ liệu gửi lên bị sai lệch trên đường truyền.")
    try:
        with connection.begin_nested():
            _effect(connection, op, device)
        result = OpResult(op_id=op.op_id, status="applied")
    except Refused as refused:
        result = refused.result
    connection.execute(insert(AppliedOp).values(op_id=op.op_id, device_id=device.id,
                                                payload_sha256=op.payload_sha256,
                                                result=result.model_dump(), applied_at=now()))
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
    with engine.begin() as connection:  # one commit (one fsync) for the whole batch
        for op in ops:
            group = group_of(op)
            if group in failed:
                results.append(OpResult(op_id=op.op_id, status="rejected", code="held_back",
                                        message="Chờ thao tác trước của cùng hồ sơ được xử lý."))
                continue
            result = _apply_in(connection, op, device)
            if result.status in ("rejected", "conflict"):
                failed.add(group)
            results.append(result)
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
