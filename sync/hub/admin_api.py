"""The hub's admin operations over HTTP, for a province's own tools; the same functions the hub
CLI calls. Every request needs an admin token (python -m sync.hub create-admin-token).

No `from __future__ import annotations`: FastAPI reads these annotations at run time.
"""

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header
from pydantic import BaseModel
from sqlalchemy import Engine

from app.core.lifecycle import Action
from app.core.receipts import SeriesSpec
from sync.hub.admin import HubError, allot, check_admin, create_enroll_code, list_devices, revoke
from sync.hub.export import dvcqg_export
from sync.hub.publish import publish_day, publish_procedure
from sync.hub.upstream import record_upstream_event


class CodeRequest(BaseModel):
    agency_id: str
    commune: str
    workstation_no: int


class AllotRequest(BaseModel):
    agency_id: str
    commune: str = ""
    workstation_no: int
    kind: Literal["paper", "electronic"]
    template_symbol: str
    series_symbol: str
    first_number: int
    last_number: int


class DayRequest(BaseModel):
    day: date
    kind: Literal["off", "work", "clear"]
    name: str = ""
    agency_id: str | None = None


class UpstreamRequest(BaseModel):
    code: str
    kind: Literal["forwarded", "supplement_requested", "finished", "stopped"]
    actor: str
    note: str = ""


def admin_router(engine: Engine) -> APIRouter:
    def admin(authorization: Annotated[str, Header()] = "") -> str:
        return check_admin(engine, authorization.removeprefix("Bearer ").strip())

    router = APIRouter(prefix="/api/v1/admin", dependencies=[Depends(admin)])

    @router.post("/enroll-codes")
    def new_code(body: CodeRequest) -> dict[str, str]:
        return {"code": create_enroll_code(engine, body.agency_id, body.commune, body.workstation_no)}

    @router.get("/devices")
    def devices() -> list[dict[str, Any]]:
        return [{"device_id": d.id, "agency_id": d.agency_id, "workstation_no": d.workstation_no, "name": d.name,
                 "revoked": d.revoked_at is not None} for d in list_devices(engine)]

    @router.post("/devices/{device_id}/revoke")
    def revoke_device(device_id: str) -> dict[str, str]:
        revoke(engine, device_id)
        return {"status": "revoked"}

    @router.post("/allotments")
    def new_allotment(body: AllotRequest) -> dict[str, int]:
        spec = SeriesSpec(body.kind, body.template_symbol, body.series_symbol, body.first_number, body.last_number)
        return {"allotment_id": allot(engine, body.agency_id, body.workstation_no, spec, body.commune)}

    @router.post("/procedures")
    def new_procedure(body: dict[str, Any], agency_id: str | None = None) -> dict[str, int]:
        return {"communes": publish_procedure(engine, body, agency_id)}

    @router.post("/days")
    def new_day(body: DayRequest) -> dict[str, int]:
        return {"communes": publish_day(engine, body.day, body.kind, body.name, body.agency_id)}

    @router.post("/upstream-events")
    def upstream(body: UpstreamRequest) -> dict[str, Any]:
        details = {"note": body.note, "reason": body.note} if body.note else {}
        return record_upstream_event(engine, body.code, Action(body.kind), actor=body.actor, details=details)

    @router.get("/export")
    def export(agency_id: str, first: date, last: date) -> dict[str, Any]:
        if last < first:
            raise HubError(400, "bad_period", "Ngày cuối phải không sớm hơn ngày đầu.")
        return dvcqg_export(engine, agency_id, first, last)

    return router
