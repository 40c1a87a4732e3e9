"""Events and outbox rows, always written inside the caller's transaction."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select

from app.store.models import Event as EventRow
from app.store.models import Outbox
from sync.canonical import canonical_json
from sync.ops import Event

EVENTS, OUTBOX = EventRow.__table__, Outbox.__table__
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
    connection.execute(INSERT_EVENT, event_row(dossier_id, event, wire))
    enqueue(connection, entity="dossier", entity_id=event.dossier_id, kind=f"dossier.{event.kind}", payload=wire,
            actor=event.actor, device_time=event.device_time)
    return event.event_id


def pending_count(connection: Connection) -> dict[str, int]:
    rows = connection.execute(select(OUTBOX.c.state, func.count()).group_by(OUTBOX.c.state)).all()
    counts = {"pending": 0, "sent": 0, "rejected": 0}
    counts.update({state: n for state, n in rows})
    return counts
