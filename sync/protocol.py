"""The wire types shared by the desk and the hub (shared/design.md §5).

Every request carries `schema`; a hub answers an incompatible one with 426 and a Vietnamese
"update the app" message. An op's `payload_sha256` is the SHA-256 of `canonical_json(payload)`,
so both sides must serialise with this one function.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, Field, StringConstraints

from sync.canonical import canonical_json, payload_hash  # noqa: F401 (one hashing for hub and desk)

SCHEMA = 1
MAX_OPS = 200
MAX_BYTES = 1024 * 1024
PULL_LIMIT = 500
UPDATE_APP = "Phần mềm trên máy này đã cũ so với hệ thống cấp trên. Hãy cập nhật phần mềm rồi đồng bộ lại."


# What a desk says of itself on every pull, for the province's page: its clock (ISO 8601 with
# offset) and how many ops wait in its outbox or were refused. Optional; a bad value is ignored.
DEVICE_TIME_HEADER = "X-Motcua-Device-Time"
PENDING_HEADER = "X-Motcua-Pending"
REJECTED_HEADER = "X-Motcua-Rejected"


class Versioned(BaseModel):
    schema_version: int = Field(default=SCHEMA, alias="schema")
    model_config = {"populate_by_name": True}


OpId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]


class OpEnvelope(BaseModel):
    """What a push must carry for each op to get an answer of its own: its id. Everything else is
    checked op by op (Op, then sync/ops.py), and a bad op is refused alone, never the whole push."""

    model_config = {"extra": "allow"}
    op_id: OpId


class Op(BaseModel):
    model_config = {"extra": "forbid"}
    op_id: OpId
    entity: Literal["dossier", "receipt", "officer", "desk"]
    entity_id: Annotated[str, StringConstraints(min_length=1, max_length=36)]
    kind: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    payload: dict[str, Any]
    payload_sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    actor: Annotated[str, StringConstraints(min_length=1, max_length=120)]
    device_time: AwareDatetime
    device_seq: Annotated[int, Field(ge=0, le=2**62)]
    # The op's link in its workstation's audit chain (sync/chain.py); empty from a desk that predates it.
    chain_prev: Annotated[str, StringConstraints(pattern=r"^([0-9a-f]{64})?$")] = ""
    chain_hash: Annotated[str, StringConstraints(pattern=r"^([0-9a-f]{64})?$")] = ""


class PushRequest(Versioned):
    ops: list[OpEnvelope]  # more than MAX_OPS is answered 413 (the desk halves its batch)


class Outcome(StrEnum):
    """What the hub did with one op; the desk's outbox follows it (sent, kept pending, or rejected)."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"  # a replay of an op already applied: same answer, no second effect
    HELD_BACK = "held_back"  # an earlier op of the same dossier failed: sent again once that is resolved
    REJECTED = "rejected"  # the contract or the rules refuse it; the official sees why
    CONFLICT = "conflict"  # the hub's copy disagrees (taken number, existing dossier); `current` says how


DELIVERED = frozenset({Outcome.APPLIED, Outcome.DUPLICATE})


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
    actor: str = ""  # the officer who acted, as the origin device recorded them


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
