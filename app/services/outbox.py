"""Events and outbox rows, always written inside the caller's transaction.

Every op is a link of the workstation's audit chain (sync/chain.py): `chain_prev` is the link of
the op queued just before it, read in the same BEGIN IMMEDIATE transaction, so two writers can
never both extend the same link. app/services/audit.py verifies the chain and the stored rows.

The previous link is read again for every op, never kept in memory: another writer on the file
(a second connection or process, as tests/test_durability.py runs) may have queued ops since, and
the read is a look-up of the last rowid (a few µs through app/store/prepared.py), so a cache
would save nothing worth its invalidation. Rows are written through app/store/prepared.py too:
the same rows, without SQLAlchemy's per-statement work, in the caller's transaction.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from app.store.models import AuditRecord, Outbox
from app.store.models import Event as EventRow
from app.store.prepared import Insert, first
from sync.canonical import canonical_json
from sync.chain import GENESIS, link_hash
from sync.ops import Event

EVENTS, OUTBOX, RECORDS = EventRow.__table__, Outbox.__table__, AuditRecord.__table__
INSERT_EVENT, INSERT_OP, INSERT_RECORD = Insert(EVENTS), Insert(OUTBOX), Insert(RECORDS)
LAST_LINK = "SELECT chain_hash FROM outbox ORDER BY seq DESC LIMIT 1"
LAST_RECORD = "SELECT chain_hash FROM audit_record ORDER BY id DESC LIMIT 1"
LOCAL = "local"  # the entity named in a local record's link


def last_link(connection: Connection) -> str:
    row = first(connection, LAST_LINK)
    return row[0] if row is not None and row[0] else GENESIS


def enqueue(
    connection: Connection, *, entity: str, entity_id: str, kind: str, payload: dict[str, Any], actor: str,
    device_time: datetime,
) -> str:
    op_id = str(uuid.uuid4())
    body = canonical_json(payload)
    sha = hashlib.sha256(body.encode()).hexdigest()
    prev = last_link(connection)
    INSERT_OP.one(connection, {
        "op_id": op_id, "entity": entity, "entity_id": entity_id, "kind": kind, "payload": body,
        "payload_sha256": sha, "actor": actor, "device_time": device_time,
        "state": "pending", "attempts": 0, "last_error": "", "chain_prev": prev,
        "chain_hash": link_hash(prev, op_id=op_id, entity=entity, entity_id=entity_id, kind=kind, payload_sha256=sha,
                                actor=actor, device_time=device_time),
    })
    return op_id


def record_local(connection: Connection, *, kind: str, content: dict[str, Any], actor: str, at: datetime) -> str:
    """A chained record that stays on this desk (a setting change, personal data purged), in the
    caller's transaction. Its chain is the desk's own: the hub never sees these."""
    uid = str(uuid.uuid4())
    body = canonical_json(content)
    row = first(connection, LAST_RECORD)
    prev = row[0] if row is not None and row[0] else GENESIS
    INSERT_RECORD.one(connection, {
        "uid": uid, "kind": kind, "content": body, "actor": actor, "at": at, "chain_prev": prev,
        "chain_hash": link_hash(prev, op_id=uid, entity=LOCAL, entity_id=uid, kind=kind,
                                payload_sha256=hashlib.sha256(body.encode()).hexdigest(), actor=actor, device_time=at),
    })
    return uid


# The fields every event carries on the wire; the history row keeps them as columns instead.
CORE = frozenset({"event_id", "dossier_id", "kind", "status_after", "actor", "device_time"})


def event_row(dossier_id: int, event: Event, wire: dict[str, Any]) -> dict[str, Any]:
    """The history row of a typed event: its core fields as columns, the rest as its payload.
    One form for the desk's own steps and for steps pulled from other workstations."""
    return {"uid": event.event_id, "dossier_id": dossier_id, "kind": event.kind, "status_after": event.status_after,
            "actor": event.actor, "device_time": event.device_time,
            "payload": {k: v for k, v in wire.items() if k not in CORE}}


def record_event(connection: Connection, *, dossier_id: int, event: Event) -> str:
    """The dossier's history row and its outbox op, in one go, from one typed event."""
    wire = event.wire()
    INSERT_EVENT.one(connection, event_row(dossier_id, event, wire))
    enqueue(connection, entity="dossier", entity_id=event.dossier_id, kind=f"dossier.{event.kind}", payload=wire,
            actor=event.actor, device_time=event.device_time)
    return event.event_id


def pending_count(connection: Connection) -> dict[str, int]:
    rows = connection.execute(select(OUTBOX.c.state, func.count()).group_by(OUTBOX.c.state)).all()
    counts = {"pending": 0, "sent": 0, "rejected": 0}
    counts.update({state: n for state, n in rows})
    return counts
