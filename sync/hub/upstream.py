"""Liên thông: a dossier transferred upstream is processed there; the upstream unit's steps are
recorded on the hub (checked against the lifecycle like any other) and reach the commune's desks
by their next pull, in the same shape as a desk's own events."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update

from app.core.errors import TransitionError
from app.core.lifecycle import Action, Status, check_transition
from sync.hub.admin import HubError, now
from sync.hub.apply import PG_CHANGE_LOCK
from sync.hub.models import Change, Dossier, DossierEvent

UPSTREAM = "upstream"


def record_upstream_event(engine: Engine, code: str, action: Action, *, actor: str,
                          details: dict[str, Any] | None = None) -> dict[str, Any]:
    with engine.begin() as connection:
        dossier = connection.execute(select(Dossier).where(Dossier.code == code)).first()
        if dossier is None:
            raise HubError(404, "unknown_dossier", "Hệ thống cấp trên chưa có hồ sơ này.")
        try:
            target = check_transition(action, Status(dossier.status))
        except TransitionError as error:
            raise HubError(409, "illegal_transition", error.message) from None
        status = int(target) if target is not None else dossier.status
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        payload = {"event_id": str(uuid.uuid4()), "dossier_id": dossier.uid, "kind": action.value,
                   "status_after": status, "actor": actor, "device_time": stamp, "due_at": dossier.due_at,
                   **(details or {})}
        connection.execute(update(Dossier).where(Dossier.uid == dossier.uid).values(status=status, updated_at=now()))
        connection.execute(insert(DossierEvent).values(
            uid=payload["event_id"], dossier_uid=dossier.uid, kind=action.value, status_after=status, actor=actor,
            device_id=UPSTREAM, device_time=stamp, payload=payload))
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_CHANGE_LOCK})")
        connection.execute(insert(Change).values(agency_id=dossier.agency_id, entity="dossier",
                                                 entity_id=dossier.uid, kind=f"dossier.{action.value}",
                                                 payload=payload, origin_device=UPSTREAM))
    return payload
