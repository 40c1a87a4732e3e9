"""The payload of every op kind, typed and versioned: the one contract between desk and hub.

The desk builds each op's payload through these models (so it never queues what the hub would
refuse), the desk parses pulled changes with them, and the hub validates every pushed op with
them before anything is written. Unknown kinds and unknown fields are refused with a code.

Why pydantic: it is already on both sides (the hub's FastAPI and the wire types in
sync/protocol.py), it validates JSON into typed objects with the field that failed, and the hub's
OpenAPI is generated from it. msgspec would be faster still, but the push benchmark holds its
target with pydantic and one library is easier to keep than two.

Each payload carries `v`, its version. A payload written before `v` existed parses as version 1.
Lengths follow the columns they land in (the hub's and the desk's), so a valid op always fits.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter
from pydantic import ValidationError as PydanticError

from app.core.lifecycle import Action
from app.core.vocabulary import CHANNELS, DOCUMENT_FORMS, HAND_OVER_METHODS, OWNER_KINDS, RATINGS, RETURN_METHODS, SEXES

PAYLOAD_VERSION = 1


def _printable_nfc(text: str) -> str:
    if not unicodedata.is_normalized("NFC", text):
        raise ValueError("not NFC")
    # isprintable() is False for every Cc, Cs, Co and Cn character (and for some allowed ones, such as
    # a no-break space): when it says True the per-character look-up, most of a first sync's parsing, is skipped.
    if not text.isprintable() and any(unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") for ch in text):
        raise ValueError("control or unassigned character")
    return text


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("an instant needs its time zone")
    return instant


def _one_of(allowed: Any) -> Any:
    def check(value: Any) -> Any:
        if value not in allowed:
            raise ValueError("not one of the allowed values")
        return value
    return AfterValidator(check)


def Text(max_length: int, min_length: int = 0) -> Any:
    return Annotated[str, StringConstraints(min_length=min_length, max_length=max_length),
                     AfterValidator(_printable_nfc)]


Uuid = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Instant = Annotated[datetime, AfterValidator(_aware)]
StatusCode = Annotated[int, Field(ge=1, le=10, strict=True)]
Money = Annotated[int, Field(ge=0, le=10**12, strict=True)]
DossierCodeText = Annotated[str, StringConstraints(pattern=r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}-\d{6}-\d{4}$")]


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    v: Literal[1] = PAYLOAD_VERSION

    def wire(self) -> dict[str, Any]:
        """The JSON form that is queued, hashed and sent."""
        return self.model_dump(mode="json")


# -- dossier events --------------------------------------------------------------------------


class Event(Payload):
    """What every step of a dossier carries. `status_after` is the sender's claim: the receiver
    computes the status from the step table and refuses a claim that differs."""

    event_id: Uuid
    dossier_id: Uuid
    kind: str
    status_after: StatusCode
    actor: Text(120, 1)
    device_time: Instant
    due_at: Instant | None = None


class Document(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
    name: Text(400, 1)
    form: Annotated[str, _one_of(DOCUMENT_FORMS)]
    quantity: Annotated[int, Field(ge=1, le=100, strict=True)]


class Received(Event):
    kind: Literal["received"]
    code: DossierCodeText
    procedure_code: Text(40, 1)
    national_code: Text(40) | None = None
    procedure_version: date
    procedure_name: Text(300, 1)
    procedure_field: Text(120)
    owner_name: Text(200, 1)
    owner_kind: Annotated[int, Field(strict=True), _one_of(OWNER_KINDS)]
    owner_id_number: Text(20)
    owner_birth_date: date | None = None
    owner_sex: Annotated[str, _one_of(SEXES)]
    owner_address: Text(400)
    owner_phone: Text(20)
    owner_email: Text(120)
    channel: Annotated[int, Field(strict=True), _one_of(CHANNELS)]
    return_method: Annotated[str, _one_of(RETURN_METHODS)]
    sets_count: Annotated[int, Field(ge=1, le=50, strict=True)]
    pages: Annotated[int, Field(ge=1, le=10_000, strict=True)]
    copies: Annotated[int, Field(ge=1, le=1_000, strict=True)]
    documents: Annotated[list[Document], Field(max_length=100)]
    summary: Text(2000)
    received_at: Instant
    due_at: Instant
    fee_amount: Money
    fee_detail: Text(300)
    fee_exemption: Text(300) = ""
    workstation_no: Annotated[int, Field(ge=1, le=9, strict=True)]
    # What the reports need (issue 13); defaults keep older ops valid. DuocThanhToanTrucTuyen 0/1/2,
    # HoSoCoThanhPhanSoHoa, DuocLayTuKhoDMQG.
    online_payment: Annotated[int, Field(ge=0, le=2, strict=True)] = 0
    docs_digitised: bool = False
    docs_reused: bool = False


class Forwarded(Event):
    kind: Literal["forwarded"]
    to_unit: Text(200, 1)
    note: Text(1000) = ""


class SupplementRequested(Event):
    kind: Literal["supplement_requested"]
    reason: Text(1000, 1)
    missing_documents: Annotated[list[Text(400, 1)], Field(min_length=1, max_length=100)]
    resume_status: StatusCode | None = None  # shown in the history; the step table keeps its own


class SupplementReceived(Event):
    kind: Literal["supplement_received"]
    due_at: Instant
    note: Text(1000) = ""
    due_before: Instant | None = None
    paused_minutes: Annotated[int, Field(ge=0, strict=True)] = 0


class Refused(Event):
    kind: Literal["refused"]
    reason: Text(1000, 1)


class Rescheduled(Event):
    kind: Literal["rescheduled"]
    due_at: Instant
    reason: Text(1000, 1)
    due_before: Instant | None = None


class Stopped(Event):
    kind: Literal["stopped"]
    reason: Text(1000, 1)


class Finished(Event):
    kind: Literal["finished"]
    note: Text(1000) = ""
    result_digitised: bool = False  # the result is an electronic file (QĐ 766 4.1, 4.2)
    result_code: Text(60) = ""  # MaKetQua


class HandedOver(Event):
    kind: Literal["handed_over"]
    receiver: Text(200, 1)
    method: Annotated[str, _one_of(HAND_OVER_METHODS)]
    note: Text(1000) = ""


class Withdrawn(Event):
    kind: Literal["withdrawn"]
    reason: Text(1000, 1)


class PaymentRequested(Event):
    kind: Literal["payment_requested"]
    note: Text(1000) = ""


class PaymentReceived(Event):
    kind: Literal["payment_received"]
    note: Text(1000) = ""


class Rated(Event):
    kind: Literal["rated"]
    level: Annotated[str, _one_of(RATINGS)]
    label: Text(40) = ""
    comment: Text(1000) = ""


class Printed(Event):
    kind: Literal["printed"]
    paper: Text(40, 1)
    reprint: bool
    target: Text(40) = ""


class Attached(Event):
    kind: Literal["attached"]
    sha256: Sha256
    name: Text(255, 1)
    size: Annotated[int, Field(ge=1, le=50 * 1024 * 1024, strict=True)]


EVENTS: dict[Action, type[Event]] = {
    Action.RECEIVE: Received, Action.FORWARD: Forwarded, Action.REQUEST_SUPPLEMENT: SupplementRequested,
    Action.RECEIVE_SUPPLEMENT: SupplementReceived, Action.REFUSE: Refused, Action.RESCHEDULE: Rescheduled,
    Action.STOP: Stopped, Action.FINISH: Finished, Action.HAND_OVER: HandedOver, Action.WITHDRAW: Withdrawn,
    Action.REQUEST_PAYMENT: PaymentRequested, Action.RECEIVE_PAYMENT: PaymentReceived, Action.RATE: Rated,
    Action.PRINT: Printed, Action.ATTACH: Attached,
}

# -- receipts ------------------------------------------------------------------------------


class ReceiptIssued(Payload):
    receipt_id: Uuid
    template_symbol: Text(20, 1)
    series_symbol: Text(20, 1)
    number: Annotated[int, Field(ge=1, le=99_999_999, strict=True)]
    dossier_id: Uuid | None = None
    payer_name: Text(200, 1)
    payer_address: Text(400) = ""
    fee_name: Text(300, 1)
    amount: Annotated[int, Field(ge=1, le=10**12, strict=True)]
    amount_words: Text(400, 1)
    issued_at: Instant
    replaces: Uuid | None = None


class ReceiptVoided(Payload):
    receipt_id: Uuid
    number: Annotated[int, Field(ge=1, le=99_999_999, strict=True)]
    reason: Text(400, 1)
    voided_at: Instant


# -- electronic receipts (issue 10) ---------------------------------------------------------
# An e-receipt is a receipt (`receipt.issued` carries its number, amount and payer, and every rule
# of receipts applies) plus its signed document: `receipt.signed` follows in the same transaction.
# A wrong e-receipt is never deleted: `receipt.noticed` carries the signed Mẫu 04/SS-CTĐT notice.
# Signed XML travels as base64 so that the bytes the signature covers arrive untouched.
LookupCode = Annotated[str, StringConstraints(pattern=r"^[2-9A-HJ-NP-Z]{12}$")]
SignedXml = Annotated[str, StringConstraints(min_length=1, max_length=256 * 1024, pattern=r"^[A-Za-z0-9+/=]+$")]


class ReceiptSigned(Payload):
    receipt_id: Uuid
    template_symbol: Text(20, 1)
    series_symbol: Text(20, 1)
    number: Annotated[int, Field(ge=1, le=99_999_999, strict=True)]
    lookup_code: LookupCode
    signed_at: Instant
    xml_b64: SignedXml
    xml_sha256: Sha256  # of the decoded bytes


class ReceiptNoticed(Payload):
    receipt_id: Uuid  # the wrong receipt
    notice_id: Uuid
    # Mẫu 04/SS-CTĐT's action: 1 hủy, 2 điều chỉnh, 3 thay thế, 4 giải trình
    action: Annotated[int, Field(ge=1, le=4, strict=True)]
    reason: Text(400, 1)
    noticed_at: Instant
    xml_b64: SignedXml
    xml_sha256: Sha256


# -- officer accounts (issue 9) --------------------------------------------------------------
# The whole account as saved, hash included, never a password. Every save counts one `version` up
# from the one it changed, and the highest (version, saved_at) wins on every side, so a desk or hub
# whose clock is off cannot undo a later change. Failed attempts and lock-outs stay on the
# workstation where they happened.
Username = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]{1,39}$")]
PasswordHash = Annotated[str, StringConstraints(
    max_length=200, pattern=r"^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$")]
RoleCode = Literal["tiep_nhan", "truong_bo_phan", "quan_tri"]


class OfficerSaved(Payload):
    officer_id: Uuid
    username: Username
    full_name: Text(120, 1)
    title: Text(120) = ""
    roles: Annotated[list[RoleCode], Field(min_length=1, max_length=3)]
    active: bool
    password_hash: PasswordHash
    must_change: bool = False
    saved_at: Instant
    version: Annotated[int, Field(ge=1, le=2**31 - 1, strict=True)] = 1


# -- the workstation's own audit record (issue 9) ---------------------------------------------


class DeskRecord(Payload):
    """A record about the workstation itself; `ref` names it (the op's entity_id). The hub checks
    its audit-chain link like any op's and hands it to no other desk."""

    ref: Uuid
    actor: Text(120, 1)
    at: Instant


class DeskRestored(DeskRecord):
    """This desk's file was restored from a backup whose chain ended at `backup_head`: the hub
    accepts that this link forks from there (what came after lives on in the hub's copy)."""

    backup_head: Sha256
    backup_taken_at: Instant


# op kind -> (entity, payload model): the whole list of what a device may send.
OP_KINDS: dict[str, tuple[str, type[Payload]]] = {
    **{f"dossier.{action.value}": ("dossier", model) for action, model in EVENTS.items()},
    "receipt.issued": ("receipt", ReceiptIssued),
    "receipt.voided": ("receipt", ReceiptVoided),
    "receipt.signed": ("receipt", ReceiptSigned),
    "receipt.noticed": ("receipt", ReceiptNoticed),
    "officer.saved": ("officer", OfficerSaved),
    "desk.restored": ("desk", DeskRestored),
}


# -- what only the hub writes (never accepted from a device) ---------------------------------

TRANSMISSION_STATES = ("at_hub", "sent", "accepted", "rejected")


class ReceiptTransmission(Payload):
    """Where the hub's delivery of a signed document to the tax authority's provider stands."""

    receipt_id: Uuid
    document: Literal["receipt", "notice"]
    notice_id: Uuid | None = None
    state: Annotated[str, _one_of(TRANSMISSION_STATES)]
    reason: Text(1000) = ""  # the provider's reason, for a rejection
    message_id: Text(64) = ""  # MTDiep of the message that carried it
    at: Instant


HUB_CHANGES: dict[str, tuple[str, type[Payload]]] = {
    "receipt.transmission": ("receipt", ReceiptTransmission),
}


class OpInvalid(Exception):
    """An op the contract refuses: a stable code and a Vietnamese message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.code, self.message = code, message


def _first_problem(error: PydanticError) -> str:
    first = error.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "nội dung"
    if first["type"] == "extra_forbidden":
        return f"Trường «{where}» không có trong quy ước đồng bộ."
    if first["type"] == "missing":
        return f"Thiếu trường «{where}»."
    return f"Trường «{where}» không hợp lệ."


def parse_payload(kind: str, entity: str, entity_id: str, payload: Any) -> Payload:
    """The typed payload of an op, or OpInvalid: the kind must be known, match its entity, and
    name the same entity as the op itself."""
    known = OP_KINDS.get(kind)
    if known is None:
        raise OpInvalid("unknown_kind", "Loại thao tác không được hỗ trợ.")
    expected_entity, model = known
    if entity != expected_entity:
        raise OpInvalid("kind_mismatch", "Loại thao tác không khớp với đối tượng của nó.")
    if not isinstance(payload, dict):
        raise OpInvalid("invalid_payload", "Nội dung thao tác phải là một đối tượng.")
    try:
        typed = model.model_validate(payload)
    except PydanticError as error:
        raise OpInvalid("invalid_payload", _first_problem(error)) from None
    named = (typed.dossier_id if isinstance(typed, Event)
             else typed.officer_id if isinstance(typed, OfficerSaved)
             else typed.ref if isinstance(typed, DeskRecord) else typed.receipt_id)  # type: ignore[attr-defined]
    if named != entity_id:
        raise OpInvalid("entity_mismatch", "Thao tác nói về một đối tượng khác với đối tượng nó được gửi cho.")
    if isinstance(typed, Event) and f"dossier.{typed.kind}" != kind:
        raise OpInvalid("kind_mismatch", "Loại thao tác không khớp với nội dung của nó.")
    return typed


# Parses an instant the way the contract does (the hub reads its stored text back with it).
INSTANT = TypeAdapter(Instant)
