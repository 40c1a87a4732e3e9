"""The desk's side of sync, in the store: which ops go next, what the hub answered, and applying
what others did (pulled pages) together with the cursor in one transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from app.core.lifecycle import Action
from app.services.calendar_data import materialize_year
from app.services.catalogue import seed_catalogue, version_in_force
from app.services.desk import Desk
from app.services.outbox import pending_count
from app.services.reception import search_text
from app.services.settings import save_settings
from app.store.models import Dossier, DossierDocument, Event, Holiday, Outbox, ReceiptSeries

OB, D, E, DD = Outbox.__table__, Dossier.__table__, Event.__table__, DossierDocument.__table__
H = Holiday.__table__
HELD_BACK = "held_back"  # the hub's answer for an op whose earlier op of the same dossier failed


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

    @property
    def group(self) -> str:
        """Ops of one dossier (its events and receipts) go in order and are held back together."""
        return self.payload.get("dossier_id") or self.entity_id if self.entity == "receipt" else self.entity_id


PAGE = 500


def _pending(row: Any) -> PendingOp:
    return PendingOp(row.seq, row.op_id, row.entity, row.entity_id, row.kind, json.loads(row.payload),
                     row.payload_sha256, row.actor, row.device_time, len(row.payload))


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


def record_results(desk: Desk, results: list[dict[str, Any]]) -> None:
    """applied/duplicate: sent. rejected/conflict: kept, with the reason, holding its dossier back.
    held back: still pending, tried again once the op before it is resolved."""
    rows = []
    for result in results:
        if result["status"] in ("applied", "duplicate"):
            rows.append({"oid": result["op_id"], "st": "sent", "err": ""})
        elif result.get("code") == HELD_BACK:
            rows.append({"oid": result["op_id"], "st": "pending", "err": ""})
        else:
            rows.append({"oid": result["op_id"], "st": "rejected", "err": result.get("message") or result["code"]})
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


# -- pulled changes --------------------------------------------------------------------------
# Constant statements: a first sync applies tens of thousands of changes.
DOSSIER_ID = select(D.c.id).where(D.c.uid == bindparam("u"))
EVENT_ID = select(E.c.id).where(E.c.uid == bindparam("e"))
HAS_PENDING = select(OB.c.seq).where(OB.c.entity_id == bindparam("u"), OB.c.state != "sent").limit(1)
INSERT_DOSSIER, INSERT_DOCUMENT, INSERT_EVENT = insert(D), insert(DD), insert(E)
UPDATE_STATE = update(D).where(D.c.id == bindparam("did")).values(
    status=bindparam("st"), updated_at=bindparam("at"), due_at=func.coalesce(bindparam("due"), D.c.due_at),
    finished_at=func.coalesce(bindparam("fin"), D.c.finished_at),
    returned_at=func.coalesce(bindparam("ret"), D.c.returned_at))
FINISHING = {Action.FINISH.value, Action.REFUSE.value, Action.STOP.value, Action.WITHDRAW.value}
def _when(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC) if text else None


def _dossier_row(p: dict[str, Any], version_id: int) -> dict[str, Any]:
    received, due = _when(p["received_at"]), _when(p["due_at"])
    birth = date.fromisoformat(p["owner_birth_date"]) if p.get("owner_birth_date") else None
    return {
        "uid": p["dossier_id"], "code": p["code"], "procedure_version_id": version_id, "owner_name": p["owner_name"],
        "owner_kind": p["owner_kind"], "owner_id_number": p["owner_id_number"], "owner_birth_date": birth,
        "owner_sex": p["owner_sex"], "owner_address": p["owner_address"], "owner_phone": p["owner_phone"],
        "owner_email": p["owner_email"], "channel": p["channel"], "return_method": p["return_method"],
        "sets_count": p["sets_count"], "summary": p.get("summary", ""), "received_at": received, "due_at": due,
        "original_due_at": due, "status": p["status_after"], "fee_amount": p["fee_amount"],
        "fee_detail": p["fee_detail"], "fee_exemption": "", "pages": p["pages"], "copies": p["copies"],
        "workstation_no": p["workstation_no"], "received_by": p["actor"], "reschedule_count": 0, "rating": "",
        "updated_at": received, "paused_since": None, "finished_at": None, "returned_at": None,
        "search_text": search_text(p["code"], p["owner_name"], p["owner_id_number"], p["owner_phone"]),
    }


def _apply_received(connection: Connection, p: dict[str, Any], versions: dict[tuple[str, str], int]) -> None:
    if connection.execute(DOSSIER_ID, {"u": p["dossier_id"]}).first():
        return
    key = (p["procedure_code"], p["procedure_version"])
    if key not in versions:
        versions[key] = version_in_force(connection, key[0], date.fromisoformat(key[1])).version_id
    dossier_id = connection.execute(INSERT_DOSSIER, _dossier_row(p, versions[key])).inserted_primary_key[0]
    if p["documents"]:
        connection.execute(INSERT_DOCUMENT, [{"dossier_id": dossier_id, "position": i, **d}
                                             for i, d in enumerate(p["documents"], start=1)])
    _insert_event(connection, dossier_id, p)


CORE = {"event_id", "dossier_id", "kind", "status_after", "actor", "device_time"}


def _insert_event(connection: Connection, dossier_id: int, p: dict[str, Any]) -> None:
    if connection.execute(EVENT_ID, {"e": p["event_id"]}).first():
        return
    connection.execute(INSERT_EVENT, {"uid": p["event_id"], "dossier_id": dossier_id, "kind": p["kind"],
                                      "status_after": p["status_after"], "actor": p["actor"],
                                      "device_time": _when(p["device_time"]),
                                      "payload": {k: v for k, v in p.items() if k not in CORE}})


def _apply_event(connection: Connection, p: dict[str, Any]) -> None:
    row = connection.execute(DOSSIER_ID, {"u": p["dossier_id"]}).first()
    if row is None:
        return  # its reception is on a page not yet pulled or not ours to keep
    _insert_event(connection, row.id, p)
    if connection.execute(HAS_PENDING, {"u": p["dossier_id"]}).first() is not None:
        return  # local changes not yet accepted upstream are never overwritten
    at = _when(p["device_time"])
    connection.execute(UPDATE_STATE, {
        "did": row.id, "st": p["status_after"], "at": at, "due": _when(p.get("due_at")),
        "fin": at if p["kind"] in FINISHING else None, "ret": at if p["kind"] == Action.HAND_OVER.value else None})


def _apply_allotment(connection: Connection, desk: Desk, range_: dict[str, Any]) -> int:
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


def _apply_day(connection: Connection, desk: Desk, entry: dict[str, Any]) -> None:
    """A day off or make-up day announced by the province: it overrides the built table."""
    day = date.fromisoformat(entry["day"])
    materialize_year(connection, day.year, culture_day_off=desk.settings().culture_day_off)
    connection.execute(delete(H).where(H.c.day == day))
    if entry["kind"] in ("off", "work"):
        connection.execute(insert(H).values(day=day, kind=entry["kind"], name=entry["name"], source="hub"))


def accept_allotments(desk: Desk, ranges: list[dict[str, Any]]) -> None:
    with desk.write() as connection:
        for range_ in ranges:
            _apply_allotment(connection, desk, range_)


def apply_pulled(desk: Desk, changes: list[dict[str, Any]], next_cursor: int) -> int:
    """One page of others' changes and the new cursor, in one transaction: the cursor is never
    ahead of what was applied. Returns how many changes were applied."""
    applied = 0
    versions: dict[tuple[str, str], int] = {}
    with desk.write() as connection:
        for change in changes:
            if change["entity"] == "allotment":
                applied += _apply_allotment(connection, desk, change["payload"])
                continue
            if change["entity"] == "catalogue":
                applied += seed_catalogue(connection, {"procedures": [change["payload"]]}, source="hub")
                continue
            if change["entity"] == "holiday":
                _apply_day(connection, desk, change["payload"])
                applied += 1
                continue
            if change["entity"] != "dossier":
                continue  # another workstation's receipts stay on that workstation and upstream
            payload = change["payload"]
            if change["kind"] == "dossier.received":
                _apply_received(connection, payload, versions)
            else:
                _apply_event(connection, payload)
            applied += 1
        save_settings(connection, sync_cursor=next_cursor)
    desk.forget_cached()
    return applied


def save_sync_state(desk: Desk, **values: Any) -> None:
    with desk.write() as connection:
        save_settings(connection, **values)
    desk.forget_cached()
