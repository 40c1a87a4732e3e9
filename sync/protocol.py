"""The wire types shared by the desk and the hub (shared/design.md §5).

Every request carries `schema`; a hub answers an incompatible one with 426 and a Vietnamese
"update the app" message. An op's `payload_sha256` is the SHA-256 of `canonical_json(payload)`,
so both sides must serialise with this one function.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from sync.canonical import canonical_json, payload_hash  # noqa: F401 (one hashing for hub and desk)

SCHEMA = 1
MAX_OPS = 200
MAX_BYTES = 1024 * 1024
PULL_LIMIT = 500
UPDATE_APP = "Phần mềm trên máy này đã cũ so với hệ thống cấp trên. Hãy cập nhật phần mềm rồi đồng bộ lại."


class Versioned(BaseModel):
    schema_version: int = Field(default=SCHEMA, alias="schema")
    model_config = {"populate_by_name": True}


class Op(BaseModel):
    op_id: str
    entity: Literal["dossier", "receipt"]
    entity_id: str
    kind: str
    payload: dict[str, Any]
    payload_sha256: str
    actor: str
    device_time: str
    device_seq: int


class PushRequest(Versioned):
    ops: list[Op]


Outcome = Literal["applied", "duplicate", "rejected", "conflict"]


class OpResult(BaseModel):
    op_id: str
    status: Outcome
    code: str = ""
    message: str = ""  # Vietnamese, for the official
    current: dict[str, Any] | None = None  # the hub's state, with a conflict


class PushResponse(Versioned):
    server_time: str
    results: list[OpResult]


class Change(BaseModel):
    seq: int
    entity: str
    entity_id: str
    kind: str
    payload: dict[str, Any]
    origin_device: str


class PullResponse(Versioned):
    server_time: str
    changes: list[Change]
    next_cursor: int
    more: bool


class Allotment(BaseModel):
    kind: Literal["paper", "electronic"]
    template_symbol: str
    series_symbol: str
    first_number: int
    last_number: int


class EnrollRequest(Versioned):
    code: str
    device_name: str
    app_version: str


class EnrollResponse(Versioned):
    server_time: str
    device_id: str
    token: str
    agency_id: str
    commune_name: str
    workstation_no: int
    series: list[Allotment] = []


class Problem(BaseModel):
    """The body of every refusal: a stable code for programs, a Vietnamese message for people."""

    code: str
    message: str
