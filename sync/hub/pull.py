"""A pull page rendered by the database: each change row comes back as its JSON object, its payload
as stored, and the page is those objects joined. Parsing every payload into Python and
serialising it again (twice: the model, then FastAPI's response check) was most of a pull's CPU
(py-spy on a province's morning: ~45 µs a change); the wire format is the same `PullResponse`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Text, cast, func, literal, select

from sync.hub.models import Change

CT = Change.__table__
FIELDS = ("seq", "entity", "entity_id", "kind", "payload", "origin_device", "actor")  # sync.protocol.Change


def _row_json(dialect: str) -> Any:
    """One change as a JSON object (text), built by the database from its columns."""
    pairs: list[Any] = []
    for name in FIELDS:
        column = CT.c[name]
        if name == "payload" and dialect == "sqlite":
            column = func.json(column)  # stored as JSON text: embedded as JSON, not as a string
        pairs += [literal(name), column]
    if dialect == "postgresql":
        return cast(func.json_build_object(*pairs), Text)
    return func.json_object(*pairs)


@dataclass(frozen=True)
class Page:
    changes: list[str]  # each a JSON object
    next_cursor: int
    more: bool


def read_page(connection: Connection, agency_id: str, device_id: str, since: int, limit: int,
              include_own: bool) -> Page:
    """The commune's changes after `since`, oldest first; a device's own are skipped unless asked
    for, but the cursor passes them."""
    rows = connection.execute(select(CT.c.seq, CT.c.origin_device, _row_json(connection.dialect.name).label("body"))
                              .where(CT.c.agency_id == agency_id, CT.c.seq > since)
                              .order_by(CT.c.seq).limit(limit)).all()
    changes = [r.body for r in rows if include_own or r.origin_device != device_id]
    return Page(changes, rows[-1].seq if rows else since, len(rows) == limit)


def page_body(page: Page, schema: int, server_time: str) -> bytes:
    """The response's bytes: the fields of `PullResponse`, its changes inserted as they came."""
    head = json.dumps({"schema": schema, "server_time": server_time, "next_cursor": page.next_cursor,
                       "more": page.more})
    return (head[:-1] + ', "changes": [' + ",".join(page.changes) + "]}").encode()
