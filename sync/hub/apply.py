"""Applying pushed ops on the hub, each exactly once, trusting nothing a device sends.

An op's effect and its `applied_op` record are written in ONE transaction: a replay (a lost
acknowledgement, a retried batch, two copies in parallel) finds the record and gets the stored
answer, never a second effect. Every op is parsed with the contract (sync/ops.py) and every step
applied with the step table (sync/steps.py) — the same code the desks run — so the hub computes
each dossier's status itself and refuses a device's claim that differs. A refused op leaves
nothing behind but its answer.
"""

from __future__ import annotations

import json
import random
import time
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticError
from sqlalchemy import Connection, Engine, bindparam, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

import sync.hub.officers as hub_officers
from app.core.codes import parse_dossier_code
from app.core.errors import DeskError
from app.core.lifecycle import Status
from sync.hub import ereceipts
from sync.hub.admin import now
from sync.hub.audit_chain import check_links
from sync.hub.change_log import write_changes
from sync.hub.models import Allotment, AppliedOp, Change, Dossier, DossierEvent, EDocument, Receipt
from sync.hub.report_facts import finished_facts, received_facts, state_facts
from sync.hub.store import among, insert_rows, update_rows
from sync.ops import (
    INSTANT,
    Event,
    Finished,
    OpInvalid,
    ReceiptIssued,
    ReceiptNoticed,
    ReceiptSigned,
    ReceiptVoided,
    Received,
    parse_payload,
)
from sync.protocol import Op, OpEnvelope, OpResult, Outcome, payload_hash
from sync.steps import DossierState, StepRefused, advance, check_claim, received_state

COMMIT_JITTER_S = 0.0  # fault injection for tests: hold a batch open up to this long before it commits
CATALOGUE = Path(__file__).resolve().parents[2] / "resources" / "catalogue" / "procedures.json"
AT, CT, DT, ET, RT, LT = (AppliedOp.__table__, Change.__table__, Dossier.__table__, DossierEvent.__table__,
                          Receipt.__table__, Allotment.__table__)
EDT = EDocument.__table__
# A batch reads what it needs in a few queries, applies its ops in order in memory, then writes
# one statement a table (sync/hub/store.py): on PostgreSQL every statement is a network round trip.
INSERT_DOCUMENT = insert(EDT)  # bytes (the signed XML): a plain executemany
# What a dossier's state needs (hub_state): not its snapshot, which would be parsed for nothing.
STATE_READ = (DT.c.uid, DT.c.agency_id, DT.c.status, DT.c.due_at, DT.c.paused_since, DT.c.resume_status,
              DT.c.reschedule_count, DT.c.supplement_count, DT.c.finished_at, DT.c.returned_at, DT.c.rating)
VOID = update(RT).where(RT.c.uid == bindparam("u"), RT.c.agency_id == bindparam("a")).values(status="voided")


class Refused(Exception):
    def __init__(self, result: OpResult) -> None:
        super().__init__(result.code)
        self.result = result


def _rejected(op: Op, code: str, message: str) -> Refused:
    return Refused(OpResult(op_id=op.op_id, status=Outcome.REJECTED, code=code, message=message))


def _held_back(op: Op, code: str, message: str) -> Refused:
    """Not refused for good: not recorded, so the op comes again in a later push."""
    return Refused(OpResult(op_id=op.op_id, status=Outcome.HELD_BACK, code=code, message=message))


def _conflict(op: Op, code: str, message: str, current: dict[str, Any] | None = None) -> Refused:
    return Refused(OpResult(op_id=op.op_id, status=Outcome.CONFLICT, code=code, message=message, current=current))


@cache
def shipped_procedures() -> frozenset[str]:
    """Procedure codes every desk ships with; the province may publish more (see _known_procedure)."""
    data = json.loads(CATALOGUE.read_text(encoding="utf-8"))
    return frozenset(p["code"] for p in data["procedures"])


def _stamp(instant: datetime | None) -> str | None:
    return None if instant is None else instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _instant(text: str | None) -> datetime | None:
    return None if text is None else INSTANT.validate_python(text)


def hub_state(row: Any) -> DossierState:
    return DossierState(
        status=Status(row.status), due_at=_instant(row.due_at), paused_since=_instant(row.paused_since),
        resume_status=Status(row.resume_status) if row.resume_status else None,
        reschedule_count=row.reschedule_count or 0, supplement_count=row.supplement_count or 0,
        finished_at=_instant(row.finished_at), returned_at=_instant(row.returned_at), rating=row.rating or "")


def state_columns(state: DossierState) -> dict[str, Any]:
    """The hub's row form of a state (instants as wire text, statuses as codes), with the report's
    facts that follow the state (sync/hub/report_facts.py)."""
    return {**state_facts(state),
            "status": int(state.status), "due_at": _stamp(state.due_at), "paused_since": _stamp(state.paused_since),
            "resume_status": int(state.resume_status) if state.resume_status else None,
            "reschedule_count": state.reschedule_count, "supplement_count": state.supplement_count,
            "finished_at": _stamp(state.finished_at), "returned_at": _stamp(state.returned_at), "rating": state.rating}


class Batch:
    """What one push needs from the database, read up front; and what it will write, in order."""

    def __init__(self, connection: Connection, ops: list[OpEnvelope], device: Any) -> None:
        self.connection, self.device = connection, device
        raw = [op.model_extra or {} for op in ops]
        payloads = [p.get("payload") if isinstance(p.get("payload"), dict) else {} for p in raw]
        texts = [str(v) for p in payloads for v in (p.get("dossier_id"), p.get("receipt_id"), p.get("replaces"))
                 if isinstance(v, str)] + [str(p.get("entity_id")) for p in raw if isinstance(p.get("entity_id"), str)]
        signed_ids = texts + [p["notice_id"] for p in payloads if isinstance(p.get("notice_id"), str)]
        inside = lambda column, values: among(connection, column, values)  # noqa: E731
        self.seen = {r.op_id: r for r in connection.execute(
            select(AT).where(inside(AT.c.op_id, [op.op_id for op in ops])))}
        self.dossiers: dict[str, dict[str, Any]] = {
            r.uid: {"agency_id": r.agency_id, "state": hub_state(r)}
            for r in connection.execute(select(*STATE_READ).where(inside(DT.c.uid, texts)))}
        self.codes = set(connection.execute(select(DT.c.code).where(inside(
            DT.c.code, [str(p.get("code")) for p in payloads if p.get("code")]))).scalars())
        self.event_ids = set(connection.execute(select(ET.c.uid).where(inside(
            ET.c.uid, [str(p.get("event_id")) for p in payloads if p.get("event_id")]))).scalars())
        numbers = [p["number"] for p in payloads if isinstance(p.get("number"), int) and abs(p["number"]) < 2**31]
        self.receipt_keys = {(r.template_symbol, r.series_symbol, r.number) for r in connection.execute(
            select(RT.c.template_symbol, RT.c.series_symbol, RT.c.number).where(
                RT.c.agency_id == device.agency_id, inside(RT.c.number, numbers)))}
        self.receipts = {r.uid: _receipt_facts(r) for r in connection.execute(
            select(RT.c.uid, RT.c.status, RT.c.dossier_uid, RT.c.template_symbol, RT.c.series_symbol, RT.c.number,
                   RT.c.amount).where(inside(RT.c.uid, texts), RT.c.agency_id == device.agency_id))}
        # Signed documents (issue 10): which receipts have one, which ids and lookup codes are taken.
        documents = connection.execute(select(EDT.c.uid, EDT.c.receipt_uid, EDT.c.document, EDT.c.tax_code).where(
            or_(inside(EDT.c.uid, signed_ids), inside(EDT.c.receipt_uid, texts)))).all()
        self.document_ids = {r.uid for r in documents}
        self.signed_tax_codes = {r.receipt_uid: r.tax_code for r in documents if r.document == "receipt"}
        self.lookup_codes = set(connection.execute(select(EDT.c.lookup_code).where(inside(
            EDT.c.lookup_code, [str(p.get("lookup_code")) for p in payloads if p.get("lookup_code")]))).scalars())
        # Which receipts were replaced matters to a notice only; reading it scans the commune's receipts.
        noticed = [str(p.get("receipt_id")) for p in payloads if p.get("notice_id")]
        self.replaced = set(connection.execute(select(RT.c.payload["replaces"].as_string()).where(
            RT.c.agency_id == device.agency_id, RT.c.payload["replaces"].as_string().in_(noticed))).scalars()
        ) if noticed else set()
        self.live = {r.dossier_uid for r in connection.execute(select(RT.c.dossier_uid).where(
            inside(RT.c.dossier_uid, texts), RT.c.agency_id == device.agency_id, RT.c.status == "issued"))}
        self.allotments = connection.execute(select(LT).where(LT.c.agency_id == device.agency_id)).all()
        self.new_dossiers: dict[str, dict[str, Any]] = {}  # received in this batch, by uid
        self.updates: dict[str, dict[str, Any]] = {}
        self.result_facts: dict[str, dict[str, Any]] = {}  # what a finished step says of its result
        self.events: list[dict[str, Any]] = []
        self.new_receipts: list[dict[str, Any]] = []
        self.voids: list[dict[str, Any]] = []
        self.documents: list[dict[str, Any]] = []
        self.changes: list[dict[str, Any]] = []
        self.records: list[dict[str, Any]] = []
        self.results: dict[str, tuple[str, OpResult]] = {}  # op_id -> (sha256, result), this batch

    def flush(self) -> None:
        """Parents before children: dossiers, their state, events, receipts, voids, documents, then the
        ops' records. Each may collide with a batch committed meanwhile (IntegrityError: run again)."""
        c = self.connection
        insert_rows(c, DT, list(self.new_dossiers.values()))
        update_rows(c, DT, "uid", list(self.updates.values()))
        update_rows(c, DT, "uid", list(self.result_facts.values()))
        insert_rows(c, ET, self.events)
        insert_rows(c, RT, self.new_receipts)
        for statement, rows in ((VOID, self.voids), (INSERT_DOCUMENT, self.documents)):
            if rows:
                c.execute(statement, rows)
        insert_rows(c, AT, self.records)

    def write_changes(self) -> None:
        """Last, just before the commit: what the commune's desks pull, numbered under its lock."""
        write_changes(self.connection, self.changes)
        if self.changes and COMMIT_JITTER_S:
            time.sleep(random.uniform(0, COMMIT_JITTER_S))


def _receipt_facts(row: Any) -> dict[str, Any]:
    return {"status": row.status, "dossier_uid": row.dossier_uid, "template_symbol": row.template_symbol,
            "series_symbol": row.series_symbol, "number": row.number, "amount": row.amount}


def _dossier(batch: Batch, op: Op, uid: str) -> dict[str, Any]:
    row = batch.dossiers.get(uid)
    if row is None or row["agency_id"] != batch.device.agency_id:
        raise _rejected(op, "unknown_dossier", "Hệ thống cấp trên chưa có hồ sơ này (thao tác tiếp nhận chưa đồng bộ).")
    return row


def _add_event(batch: Batch, op: Op, event: Event) -> None:
    if event.event_id in batch.event_ids:
        raise _rejected(op, "event_exists", "Sự kiện này đã có trên hệ thống cấp trên với một mã thao tác khác.")
    batch.event_ids.add(event.event_id)
    batch.events.append({"uid": event.event_id, "dossier_uid": event.dossier_id, "kind": event.kind,
                         "status_after": event.status_after, "actor": event.actor, "device_id": batch.device.id,
                         "device_time": _stamp(event.device_time), "payload": op.payload})


def _known_procedure(batch: Batch, code: str) -> bool:
    if code in shipped_procedures():
        return True
    published = batch.connection.execute(select(CT.c.seq).where(
        CT.c.agency_id == batch.device.agency_id, CT.c.entity == "catalogue", CT.c.entity_id == code).limit(1))
    return published.first() is not None


def _check_reception(batch: Batch, op: Op, event: Received) -> None:
    code = parse_dossier_code(event.code)
    if code.agency_id != batch.device.agency_id:
        raise _rejected(op, "wrong_agency", "Mã hồ sơ không thuộc cơ quan của máy trạm này.")
    if code.workstation != batch.device.workstation_no or event.workstation_no != batch.device.workstation_no:
        raise _rejected(op, "wrong_workstation", "Mã hồ sơ không thuộc dải số của máy trạm này.")
    if not _known_procedure(batch, event.procedure_code):
        raise _rejected(op, "unknown_procedure", "Thủ tục của hồ sơ không có trong danh mục của hệ thống cấp trên.")
    if op.entity_id in batch.dossiers:
        raise _conflict(op, "exists", "Hệ thống cấp trên đã có hồ sơ này.",
                        {"status": int(batch.dossiers[op.entity_id]["state"].status)})
    if event.code in batch.codes:
        raise _conflict(op, "code_taken", "Mã hồ sơ này đã được dùng cho một hồ sơ khác.")


def _received(batch: Batch, op: Op, event: Received) -> None:
    _check_reception(batch, op, event)
    state = received_state(event)
    check_claim(event, state)
    _add_event(batch, op, event)
    batch.codes.add(event.code)
    batch.dossiers[op.entity_id] = {"agency_id": batch.device.agency_id, "state": state}
    batch.new_dossiers[op.entity_id] = {
        "uid": op.entity_id, "agency_id": batch.device.agency_id, "code": event.code,
        "procedure_code": event.procedure_code, "owner_name": event.owner_name, "snapshot": op.payload,
        "updated_at": now(), **state_columns(state), **received_facts(event)}


def _step(batch: Batch, op: Op, event: Event) -> None:
    dossier = _dossier(batch, op, event.dossier_id)
    before: DossierState = dossier["state"]
    try:
        after = advance(before, event)
        check_claim(event, after)
    except StepRefused as refused:
        raise _rejected(op, refused.code, refused.message) from None
    except DeskError as error:  # the lifecycle: the hub's copy is elsewhere
        raise _conflict(op, "illegal_transition", error.message,
                        {"status": int(before.status), "label": before.status.label}) from None
    _add_event(batch, op, event)
    dossier["state"] = after
    new = batch.new_dossiers.get(event.dossier_id)
    if new is not None:  # received in this same batch: the insert carries the latest state
        new.update(state_columns(after))
    else:
        batch.updates[event.dossier_id] = {
            "uid": event.dossier_id, "updated_at": now(), **state_columns(after)}
    if isinstance(event, Finished):
        if new is not None:
            new.update(finished_facts(event))
        else:
            batch.result_facts[event.dossier_id] = {"uid": event.dossier_id, **finished_facts(event)}


def _in_allotment(batch: Batch, issued: ReceiptIssued) -> bool:
    """Inside a range allotted to this workstation, when the hub allots that series at all (a range
    entered at the desk from a paper notice is not known here)."""
    series = [a for a in batch.allotments
              if (a.template_symbol, a.series_symbol) == (issued.template_symbol, issued.series_symbol)]
    return not series or any(a.workstation_no == batch.device.workstation_no
                             and a.first_number <= issued.number <= a.last_number for a in series)


def _issued(batch: Batch, op: Op, issued: ReceiptIssued) -> None:
    if issued.dossier_id:
        _dossier(batch, op, issued.dossier_id)
        if issued.dossier_id in batch.live:
            raise _conflict(op, "receipt_exists", "Hồ sơ này đã có một biên lai còn hiệu lực.")
    if not _in_allotment(batch, issued):
        raise _rejected(op, "outside_allotment", "Số biên lai nằm ngoài dải số được cấp cho máy trạm này.")
    if issued.replaces and batch.receipts.get(issued.replaces, {}).get("status") != "voided":
        raise _rejected(op, "replaces_live", "Chỉ lập biên lai thay thế cho một biên lai đã hủy.")
    key = (issued.template_symbol, issued.series_symbol, issued.number)
    if key in batch.receipt_keys or op.entity_id in batch.receipts:
        raise _conflict(op, "number_taken", "Số biên lai này đã được dùng cho một biên lai khác.")
    batch.receipt_keys.add(key)
    batch.receipts[op.entity_id] = {"status": "issued", "dossier_uid": issued.dossier_id,
                                    "template_symbol": issued.template_symbol, "series_symbol": issued.series_symbol,
                                    "number": issued.number, "amount": issued.amount}
    if issued.dossier_id:
        batch.live.add(issued.dossier_id)
    if issued.replaces:
        batch.replaced.add(issued.replaces)
    batch.new_receipts.append({
        "uid": op.entity_id, "agency_id": batch.device.agency_id, "dossier_uid": issued.dossier_id,
        "template_symbol": issued.template_symbol, "series_symbol": issued.series_symbol, "number": issued.number,
        "amount": issued.amount, "status": "issued", "payload": op.payload, "device_id": batch.device.id})


def _voided(batch: Batch, op: Op, voided: ReceiptVoided) -> None:
    receipt = batch.receipts.get(op.entity_id)
    if receipt is None:
        raise _rejected(op, "unknown_receipt", "Hệ thống cấp trên chưa có biên lai này.")
    if receipt["status"] == "voided":
        raise _rejected(op, "already_voided", "Biên lai này đã bị hủy trước đó.")
    receipt["status"] = "voided"
    batch.live.discard(receipt["dossier_uid"])
    batch.voids.append({"u": op.entity_id, "a": batch.device.agency_id})


def _facts(batch: Batch, op: Op, receipt_id: str) -> ereceipts.ReceiptFacts:
    """The hub's receipt row a signed document must match. A receipt not here yet holds the op
    back (its `receipt.issued` was refused or is still coming); another commune's is refused."""
    receipt = batch.receipts.get(receipt_id)
    if receipt is None:
        elsewhere = batch.connection.execute(select(RT.c.uid).where(RT.c.uid == receipt_id)).first()
        if elsewhere is not None:
            raise _rejected(op, "foreign_receipt", "Biên lai này không thuộc xã của máy trạm.")
        raise _held_back(op, "unknown_receipt", "Chờ biên lai được đồng bộ lên hệ thống cấp trên trước.")
    status = receipt["status"]
    if status != "voided" and receipt_id in batch.replaced:
        status = "replaced"
    return ereceipts.ReceiptFacts(receipt["template_symbol"], receipt["series_symbol"], receipt["number"],
                                  receipt["amount"], status)


def _store_document(batch: Batch, op: Op, checked: ereceipts.Checked, *, uid: str, receipt_id: str, document: str,
                    signed_at: datetime) -> dict[str, Any]:
    moment = now()
    batch.document_ids.add(uid)
    if checked.lookup_code:
        batch.lookup_codes.add(checked.lookup_code)
    if document == "receipt":
        batch.signed_tax_codes[receipt_id] = checked.tax_code
    batch.documents.append(ereceipts.stored_row(checked, uid=uid, receipt_uid=receipt_id,
                                                agency_id=batch.device.agency_id, document=document,
                                                signed_at=_stamp(signed_at) or "", moment=moment))
    notice = uid if document == "notice" else None
    return ereceipts.transmission_change(batch.device.agency_id, receipt_id, document, notice, "at_hub", moment)


def _signed(batch: Batch, op: Op, signed: ReceiptSigned) -> dict[str, Any]:
    facts = _facts(batch, op, signed.receipt_id)
    if signed.receipt_id in batch.signed_tax_codes or signed.receipt_id in batch.document_ids:
        raise _conflict(op, "already_signed", "Hệ thống cấp trên đã có bản ký số của biên lai này.")
    if signed.lookup_code in batch.lookup_codes:
        raise _conflict(op, "lookup_taken", "Mã tra cứu này đã được dùng cho một biên lai khác.")
    try:
        checked = ereceipts.check_signed(signed, facts)
    except ereceipts.DocumentRefused as refused:
        raise _rejected(op, refused.code, refused.message) from None
    return _store_document(batch, op, checked, uid=signed.receipt_id, receipt_id=signed.receipt_id,
                           document="receipt", signed_at=signed.signed_at)


def _noticed(batch: Batch, op: Op, noticed: ReceiptNoticed) -> dict[str, Any]:
    facts = _facts(batch, op, noticed.receipt_id)
    tax_code = batch.signed_tax_codes.get(noticed.receipt_id)
    if tax_code is None:
        raise _rejected(op, "not_ereceipt", "Biên lai này chưa có bản điện tử đã ký trên hệ thống cấp trên.")
    if noticed.notice_id in batch.document_ids:
        raise _conflict(op, "notice_exists", "Hệ thống cấp trên đã có thông báo này.")
    try:
        checked = ereceipts.check_notice(noticed, facts, tax_code)
    except ereceipts.DocumentRefused as refused:
        raise _rejected(op, refused.code, refused.message) from None
    return _store_document(batch, op, checked, uid=noticed.notice_id, receipt_id=noticed.receipt_id,
                           document="notice", signed_at=noticed.noticed_at)


def _effect(batch: Batch, op: Op) -> None:
    """Checks first, then in-memory writes: an op that is refused leaves nothing behind."""
    try:
        typed = parse_payload(op.kind, op.entity, op.entity_id, op.payload)
    except OpInvalid as invalid:
        raise _rejected(op, invalid.code, invalid.message) from None
    if getattr(typed, "actor", op.actor) != op.actor:
        raise _rejected(op, "actor_mismatch", "Người thực hiện trong nội dung khác với người gửi thao tác.")
    if isinstance(typed, Received):
        _received(batch, op, typed)
    elif isinstance(typed, Event):
        _step(batch, op, typed)
    elif isinstance(typed, ReceiptIssued):
        _issued(batch, op, typed)
    elif isinstance(typed, ReceiptVoided):
        _voided(batch, op, typed)
    elif isinstance(typed, hub_officers.OfficerSaved):  # issue 9: the account reaches the commune's other desks
        try:
            hub_officers.save_from_device(batch.connection, batch.device.agency_id, typed, op.actor)
        except DeskError as error:
            raise _conflict(op, error.code, error.message) from None
    if op.entity == "desk":  # issue 9: a record about the workstation itself (its chain keeps it); no desk pulls it
        return
    hub_changes = []
    if isinstance(typed, ReceiptSigned):
        hub_changes.append(_signed(batch, op, typed))
    elif isinstance(typed, ReceiptNoticed):
        hub_changes.append(_noticed(batch, op, typed))
    batch.changes.append({"agency_id": batch.device.agency_id, "entity": op.entity, "entity_id": op.entity_id,
                          "kind": op.kind, "payload": op.payload, "origin_device": batch.device.id,
                          "actor": op.actor})
    batch.changes.extend(hub_changes)  # the state `at_hub` after the document it is about


def _replayed(op: OpEnvelope, sha: str, stored: OpResult, same_device: bool) -> OpResult:
    if sha != (op.model_extra or {}).get("payload_sha256") or not same_device:
        return OpResult(op_id=op.op_id, status=Outcome.REJECTED, code="op_id_reused",
                        message="Mã thao tác đã được dùng cho một nội dung khác.")
    return stored.model_copy(update={"status": Outcome.DUPLICATE}) if stored.status == Outcome.APPLIED else stored


def _typed_op(envelope: OpEnvelope) -> Op | OpResult:
    try:
        op = Op.model_validate({"op_id": envelope.op_id, **(envelope.model_extra or {})})
    except PydanticError:
        return OpResult(op_id=envelope.op_id, status=Outcome.REJECTED, code="invalid_op",
                        message="Thao tác gửi lên thiếu trường hoặc có trường không hợp lệ.")
    if payload_hash(op.payload) != op.payload_sha256:
        return OpResult(op_id=op.op_id, status=Outcome.REJECTED, code="bad_hash",
                        message="Dữ liệu gửi lên bị sai lệch trên đường truyền.")
    return op


def _apply_in(batch: Batch, envelope: OpEnvelope) -> OpResult:
    """One op: its effect (or nothing) and its record, both written with the batch."""
    if envelope.op_id in batch.results:
        sha, stored = batch.results[envelope.op_id]
        return _replayed(envelope, sha, stored, True)
    seen = batch.seen.get(envelope.op_id)
    if seen is not None:
        return _replayed(envelope, seen.payload_sha256, OpResult(**seen.result), seen.device_id == batch.device.id)
    op = _typed_op(envelope)
    if isinstance(op, OpResult):
        return op  # not recorded: a malformed op is answered, never stored
    try:
        _effect(batch, op)
        result = OpResult(op_id=op.op_id, status=Outcome.APPLIED)
    except Refused as refused:
        result = refused.result
        if result.status == Outcome.HELD_BACK:
            return result  # not recorded: the same op is answered afresh when it comes again
    batch.records.append({"op_id": op.op_id, "device_id": batch.device.id, "payload_sha256": op.payload_sha256,
                          "result": result.model_dump(mode="json"), "applied_at": now()})
    batch.results[op.op_id] = (op.payload_sha256, result)
    return result


def group_of(op: OpEnvelope, receipt_dossiers: dict[str, str | None] | None = None) -> str:
    """A dossier's ops (its events and its receipts) form one ordered group. A receipt op that does
    not name its dossier (signed, noticed) joins the group of the receipt's dossier when known."""
    extra = op.model_extra or {}
    payload = extra.get("payload") if isinstance(extra.get("payload"), dict) else {}
    if extra.get("entity") == "receipt":
        entity_id = str(extra.get("entity_id"))
        return str(payload.get("dossier_id") or (receipt_dossiers or {}).get(entity_id) or entity_id)
    return str(extra.get("entity_id"))


def _receipt_dossiers(batch: Batch, ops: list[OpEnvelope]) -> dict[str, str | None]:
    known = {uid: receipt["dossier_uid"] for uid, receipt in batch.receipts.items()}
    for op in ops:
        extra = op.model_extra or {}
        payload = extra.get("payload") if isinstance(extra.get("payload"), dict) else {}
        if extra.get("kind") == "receipt.issued" and isinstance(payload.get("dossier_id"), str):
            known.setdefault(str(extra.get("entity_id")), payload["dossier_id"])
    return known


def _batch_once(engine: Engine, ops: list[OpEnvelope], device: Any) -> list[OpResult]:
    failed: set[str] = set()
    results = []
    with engine.begin() as connection:  # one commit (one fsync) for the whole batch
        batch = Batch(connection, ops, device)
        receipt_dossiers = _receipt_dossiers(batch, ops)
        for op in ops:
            group = group_of(op, receipt_dossiers)
            if group in failed:
                results.append(OpResult(op_id=op.op_id, status=Outcome.HELD_BACK, code="held_back",
                                        message="Chờ thao tác trước của cùng hồ sơ được xử lý."))
                continue
            result = _apply_in(batch, op)
            if result.status in (Outcome.REJECTED, Outcome.CONFLICT, Outcome.HELD_BACK):
                failed.add(group)
            results.append(result)
        batch.flush()
        check_links(connection, ops, results, device)  # issue 9: each workstation's audit chain, flagged not refused
        batch.write_changes()
    return results


def apply_batch(engine: Engine, ops: list[OpEnvelope], device: Any) -> list[OpResult]:
    """In order, in one transaction; once an op of a dossier fails, that dossier's later ops in the
    batch are held back (not recorded, so they come again once the cause is resolved). If another
    batch committed a colliding row first (the same op in parallel on PostgreSQL, a code or number
    taken meanwhile), this one rolls back whole and runs again, reading what is there now."""
    try:
        return _batch_once(engine, ops, device)
    except IntegrityError:
        return _batch_once(engine, ops, device)
