"""The one way the hub writes change rows (what the desks pull), and why their order is safe.

A desk pulls its commune's changes with `seq > cursor`. On PostgreSQL concurrent transactions
commit out of `seq` order, so a pull could move its cursor past a row that commits later and skip
it for good (shared/env.md). The hub prevents that per commune: a transaction takes its commune's
advisory lock just before it numbers its change rows and keeps it until it commits, so within one
commune the rows are numbered in commit order. A pull only ever reads one commune, so communes need
not wait for each other: a province's 07:30 reconnection is not serialised behind one global lock.

Keep the locked part short: write everything that can collide with another transaction (unique
keys) BEFORE calling this, so that a transaction holding the lock never waits for another one.
SQLite has one writer at a time (BEGIN IMMEDIATE, sync/hub/store.py): nothing to lock there.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, text

from sync.hub.models import Change
from sync.hub.store import insert_rows

LOCK_CLASS = 7402  # the advisory lock's first key: the hub's change log (the second: the commune)
LOCK = text("SELECT pg_advisory_xact_lock(:c, :k)")


def commune_key(agency_id: str) -> int:
    """A stable signed 32-bit key for a commune (two communes sharing one only wait for each other)."""
    value = zlib.crc32(agency_id.encode())
    return value - 2**32 if value >= 2**31 else value


def lock_communes(connection: Connection, agency_ids: Iterable[str]) -> None:
    """Held to the end of the transaction; taken in one order everywhere, so two writers of several
    communes (a publication to all of them) never deadlock."""
    if connection.dialect.name != "postgresql":
        return
    for key in sorted({commune_key(agency) for agency in agency_ids}):
        connection.execute(LOCK, {"c": LOCK_CLASS, "k": key})


def write_changes(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Numbers and inserts change rows (each with its `agency_id`) in the caller's transaction."""
    if not rows:
        return
    lock_communes(connection, (row["agency_id"] for row in rows))
    insert_rows(connection, Change.__table__, rows)
