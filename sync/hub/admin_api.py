"""The hub's admin operations over HTTP, for a province's own tools; the same functions the hub
CLI calls. Every request needs an admin token (python -m sync.hub create-admin-token).

No `from __future__ import annotations`: FastAPI reads these annotations at run time.
"""

import re
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query
from fastapi import Path as PathParam
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from sqlalchemy import Engine

from app.core.errors import DeskError
from app.core.lifecycle import Action
from app.core.receipts import SeriesSpec
from app.core.text import nfc
from sync.hub.admin import HubError, allot, check_admin, create_enroll_code, list_devices, revoke
from sync.hub.audit_chain import list_breaks, list_gaps
from sync.hub.export import dvcqg_export
from sync.hub.publish import publish_day, publish_procedure
from sync.hub.upstream import record_upstream_event

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # left after nfc() has folded white space
AGENCY_PATTERN = r"^\d{3}\.\d{2}\.\d{2}\.[A-Za-z]\d{2}$"  # app/core/codes.py, checked there again
DEVICE_PATTERN = r"^[0-9a-f-]{36}$"
MAX_NUMBER = 99_999_999  # receipt numbers (app/core/receipts.py checks the range itself)


def check_text(value: str, field: str, most: int) -> str:
    """Text as stored: NFC, one space between words, no control characters (PostgreSQL refuses NUL)."""
    value = nfc(value)
    if CONTROL.search(value) or len(value) > most:
        raise DeskError(f"Trường {field} phải là văn bản không quá {most} ký tự, không có ký tự điều khiển.",
                        field=field, code="bad_text")
    return value


def text(most: int) -> Any:
    """A body field of at most `most` characters, checked and normalised by check_text."""
    return Annotated[str, Field(max_length=most * 4), AfterValidator(lambda value: _pydantic_text(value, most))]


def _pydantic_text(value: str, most: int) -> str:
    try:
        return check_text(value, "", most)
    except DeskError:
        raise ValueError(f"văn bản không quá {most} ký tự, không có ký tự điều khiển") from None


AgencyId = Annotated[str, Field(pattern=AGENCY_PATTERN)]
Workstation = Annotated[int, Field(ge=1, le=9)]
ReceiptNumber = Annotated[int, Field(ge=1, le=MAX_NUMBER)]


class CodeRequest(BaseModel):
    agency_id: AgencyId
    commune: text(200)
    workstation_no: Workstation


class AllotRequest(BaseModel):
    agency_id: AgencyId
    commune: text(200) = ""
    workstation_no: Workstation
    kind: Literal["paper", "electronic"]
    template_symbol: text(20)
    series_symbol: text(20)
    first_number: ReceiptNumber
    last_number: ReceiptNumber


class DayRequest(BaseModel):
    day: date
    kind: Literal["off", "work", "clear"]
    name: text(200) = ""
    agency_id: AgencyId | None = None


class UpstreamRequest(BaseModel):
    code: text(40)
    kind: Literal["forwarded", "supplement_requested", "finished", "stopped"]
    actor: text(120)
    note: text(2000) = ""


class VersionRequest(BaseModel):
    """A procedure version: the fields the hub checks; the rest goes to the desks as published."""

    model_config = ConfigDict(extra="allow")
    effective_from: date
    fee: dict[str, Any]


class ProcedureRequest(BaseModel):
    """As in resources/catalogue/procedures.json."""

    model_config = ConfigDict(extra="allow")
    code: text(40) = Field(min_length=1)
    versions: list[VersionRequest] = Field(min_length=1, max_length=50)


class PasswordReset(BaseModel):
    """A forgotten password (issue 9): leave `password` empty and the hub makes a temporary one."""

    agency_id: AgencyId
    username: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{1,39}$")]
    password: Annotated[str, Field(max_length=200)] = ""


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

    @router.get("/audit/breaks")
    def audit_breaks(agency_id: Annotated[str | None, Query(pattern=AGENCY_PATTERN)] = None) -> list[dict[str, Any]]:
        """Breaks found in workstations' audit chains (issue 9), newest first: which device, which op, why."""
        return [{**b, "found_at": b["found_at"].isoformat()} for b in list_breaks(engine, agency_id)]

    @router.get("/audit/gaps")
    def audit_gaps(agency_id: Annotated[str | None, Query(pattern=AGENCY_PATTERN)] = None) -> list[dict[str, Any]]:
        """Ops whose predecessor in their workstation's chain never arrived (issue 9)."""
        return list_gaps(engine, agency_id)

    @router.post("/devices/{device_id}/revoke")
    def revoke_device(device_id: Annotated[str, PathParam(pattern=DEVICE_PATTERN)]) -> dict[str, str]:
        revoke(engine, device_id)
        return {"status": "revoked"}

    @router.post("/allotments")
    def new_allotment(body: AllotRequest) -> dict[str, int]:
        spec = SeriesSpec(body.kind, body.template_symbol, body.series_symbol, body.first_number, body.last_number)
        return {"allotment_id": allot(engine, body.agency_id, body.workstation_no, spec, body.commune)}

    @router.post("/procedures")
    def new_procedure(body: ProcedureRequest,
                      agency_id: Annotated[str | None, Query(pattern=AGENCY_PATTERN)] = None) -> dict[str, int]:
        procedure = body.model_dump(mode="json")
        try:
            return {"communes": publish_procedure(engine, procedure, agency_id)}
        except (KeyError, TypeError, ValueError, AttributeError):
            # A fee rule of the wrong shape (a tier without "from", an amount that is not a number).
            raise HubError(400, "bad_procedure", "Biểu phí của thủ tục không đúng cấu trúc của danh mục.") from None

    @router.post("/days")
    def new_day(body: DayRequest) -> dict[str, int]:
        return {"communes": publish_day(engine, body.day, body.kind, body.name, body.agency_id)}

    @router.post("/upstream-events")
    def upstream(body: UpstreamRequest) -> dict[str, Any]:
        details = {"note": body.note, "reason": body.note} if body.note else {}
        return record_upstream_event(engine, body.code, Action(body.kind), actor=body.actor, details=details)

    @router.get("/officers")
    def officers(agency_id: Annotated[str, Query(pattern=AGENCY_PATTERN)]) -> list[dict[str, Any]]:
        from sync.hub.officers import list_officers

        return list_officers(engine, agency_id)

    @router.post("/officers/reset-password")
    def reset_officer_password(body: PasswordReset, who: Annotated[str, Depends(admin)]) -> dict[str, str]:
        """The new password is in the answer once (to tell the officer), never stored or logged."""
        from sync.hub.officers import reset_password

        return {"password": reset_password(engine, body.agency_id, body.username, f"quản trị cấp trên ({who})",
                                           body.password or None)}

    @router.get("/export")
    def export(agency_id: Annotated[str, Query(pattern=AGENCY_PATTERN)], first: date, last: date) -> dict[str, Any]:
        if last < first:
            raise HubError(400, "bad_period", "Ngày cuối phải không sớm hơn ngày đầu.")
        return dvcqg_export(engine, agency_id, first, last)

    return router
