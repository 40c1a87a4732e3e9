"""Reference data the province publishes to its communes: a procedure version (a new fee or time
from an effective date) and changes to the table of days off. Each becomes one change per commune,
and the desks apply it on their next pull."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine, select

from app.core.fees import parse_fee_rule
from app.core.text import nfc
from sync.hub.admin import HubError
from sync.hub.change_log import write_changes
from sync.hub.models import Agency


def _to_all(engine: Engine, entity: str, entity_id: str, kind: str, payload: dict[str, Any],
            agency_id: str | None) -> int:
    with engine.begin() as connection:
        agencies = [agency_id] if agency_id else list(connection.execute(select(Agency.id)).scalars())
        write_changes(connection, [{"agency_id": agency, "entity": entity, "entity_id": entity_id, "kind": kind,
                                    "payload": payload, "origin_device": "hub"} for agency in agencies])
    return len(agencies)


def publish_procedure(engine: Engine, procedure: dict[str, Any], agency_id: str | None = None) -> int:
    """`procedure` as in resources/catalogue/procedures.json, with the new version(s)."""
    for version in procedure.get("versions", []):
        parse_fee_rule(version["fee"])  # a broken rule is refused here, not on every desk
        date.fromisoformat(version["effective_from"])
    if not procedure.get("code") or not procedure.get("versions"):
        raise HubError(400, "bad_procedure", "Thủ tục phải có mã và ít nhất một phiên bản.")
    return _to_all(engine, "catalogue", procedure["code"], "catalogue.procedure", procedure, agency_id)


def publish_day(engine: Engine, day: date, kind: str, name: str, agency_id: str | None = None) -> int:
    if kind not in ("off", "work", "clear"):
        raise HubError(400, "bad_day", "Loại ngày phải là off, work hoặc clear.")
    payload = {"day": day.isoformat(), "kind": kind, "name": nfc(name)}
    return _to_all(engine, "holiday", day.isoformat(), "holiday.set", payload, agency_id)
