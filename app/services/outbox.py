"""Events and outbox rows, always written inside the caller's transaction."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select

from app.services.clock import iso
from app.store.models import Event, Outbox
from sync.canonical import canonical_json

EVENTS, OUTBOX = Event.__table__, Outbox.__table__
# Constant statements, parameters passed apart: SQLAlchemy then reuses the compiled form.
INSERT_EVENT, INSERT_OP = insert(EVENTS), insert(OUTBOX)


def enqueue(
    connection: Connection, *, entity: str, entity_id: str, kind: str, payload: dict[str, Any], actor: str,
    device_time: datetime,
) -> str:
    op_id = str(uuid.uuid4())
    text = canonical_json(payload)
    connection.execute(INSERT_OP, {
        "op_id": op_id, "entity": entity, "entity_id": entity_id, "kind": kind, "payload": text,
        "payload_sha256": hashlib.sha256(text.encode()).hexdigest(), "actor": actor, "device_time": device_time,
        "state": "pending", "attempts": 0, "last_error": "",
    })
    return op_id


def record_event(
    connection: Connection, *, dossier_id: int, dossier_uid: str, kind: str, status_after: int, actor: str,
    device_time: datetime, payload: dict[str, Any],
) -> str:
    """The dossier's history row and its outbox op, in one go."""
    event_uid = str(uuid.uuid4())
    connection.execute(INSERT_EVENT, {
        "uid": event_uid, "dossier_id": dossier_id, "kind": kind, "status_after": status_after, "actor": actor,
        "device_time": device_time, "payload": payload,
    })
    wire = {"event_id": event_uid, "dossier_id": dossier_uid, "kind": kind, "status_after": status_after,
            "actor": actor, "device_time": iso(device_time), **payload}
    enqueue(connection, entity="dossier", entity_id=dossier_uid, kind=f"dossier.{kind}", payload=wire,
            actor=actor, device_time=device_time)
    return event_uid


def pending_count(connection: Connection) -> dict[str, int]:
    rows = connection.execute(select(OUTBOX.c.state, func.count()).group_by(OUTBOX.c.state)).all()
    counts = {"pending": 0, "sent": 0, "rejected": 0}
    counts.update({state: n for state, n in rows})
    return counts
