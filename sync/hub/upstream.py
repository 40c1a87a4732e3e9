"""Liên thông: a dossier transferred upstream is processed there; the upstream unit's steps are
recorded on the hub (checked against the lifecycle like any other) and reach the commune's desks
by their next pull, in the same shape as a desk's own events."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError as PydanticError
from sqlalchemy import Engine, insert, select, update

from app.core.errors import DeskError
from app.core.lifecycle import Action, check_transition
from sync.hub.admin import HubError, now
from sync.hub.apply import hub_state, state_columns
from sync.hub.change_log import write_changes
from sync.hub.models import Dossier, DossierEvent
from sync.ops import EVENTS
from sync.steps import advance

UPSTREAM = "upstream"


def record_upstream_event(engine: Engine, code: str, action: Action, *, actor: str,
                          details: dict[str, Any] | None = None) -> dict[str, Any]:
    """One step done upstream, through the same contract and step table as a desk's."""
    model = EVENTS.get(action)
    if model is None or action == Action.RECEIVE:
        raise HubError(400, "unknown_kind", "Loại bước không được hỗ trợ.")
    with engine.begin() as connection:
        dossier = connection.execute(select(Dossier).where(Dossier.code == code)).first()
        if dossier is None:
            raise HubError(404, "unknown_dossier", "Hệ thống cấp trên chưa có hồ sơ này.")
        before = hub_state(dossier)
        fields = {k: v for k, v in (details or {}).items() if k in model.model_fields}
        try:
            check_transition(action, before.status)  # the plain answer before the details are checked
            event = model(event_id=str(uuid.uuid4()), dossier_id=dossier.uid, kind=action.value,
                          status_after=int(before.status), actor=actor, device_time=datetime.now(UTC),
                          due_at=before.due_at, **fields)
            after = advance(before, event)
        except PydanticError:
            raise HubError(400, "invalid_payload", "Nội dung của bước không hợp lệ.") from None
        except DeskError as error:
            raise HubError(409, error.code, error.message) from None
        payload = event.model_copy(update={"status_after": int(after.status)}).wire()
        connection.execute(update(Dossier).where(Dossier.uid == dossier.uid).values(
            **state_columns(after), updated_at=now()))
        connection.execute(insert(DossierEvent).values(
            uid=payload["event_id"], dossier_uid=dossier.uid, kind=action.value, status_after=payload["status_after"],
            actor=actor, device_id=UPSTREAM, device_time=payload["device_time"], payload=payload))
        write_changes(connection, [{"agency_id": dossier.agency_id, "entity": "dossier", "entity_id": dossier.uid,
                                    "kind": f"dossier.{action.value}", "payload": payload,
                                    "origin_device": UPSTREAM, "actor": actor}])
    return payload
