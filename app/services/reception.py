"""receive_dossier: a citizen's dossier accepted at the desk, with its code and due time."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection

from app.core.codes import dossier_code
from app.core.errors import ValidationError
from app.core.fees import compute_fee
from app.core.identity import validate_cccd
from app.core.lifecycle import Action, Status
from app.core.permissions import Perm
from app.core.text import fold
from app.core.vocabulary import CHANNELS, DOCUMENT_FORMS, ONLINE_PAYMENTS, OWNER_KINDS, RETURN_METHODS
from app.services.catalogue import ProcedureInForce, version_in_force
from app.services.clock import from_local, to_local
from app.services.desk import Desk
from app.services.outbox import record_event
from app.services.text_input import check_counts, check_identity, clean_text
from app.store.models import Dossier, DossierDocument
from app.store.prepared import Insert, first
from sync.ops import Received as ReceivedEvent

D, DD = Dossier.__table__, DossierDocument.__table__
INSERT_DOSSIER, INSERT_DOCUMENT = Insert(D), Insert(DD)  # app/store/prepared.py: the hot path's statements
PHONE = re.compile(r"^(0\d{9,10}|\+84\d{9,10})$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NEXT_NUMBER = (
    "INSERT INTO daily_counter (day, workstation, last) VALUES (:day, :ws, 1) "
    "ON CONFLICT (day, workstation) DO UPDATE SET last = last + 1 RETURNING last"
)


@dataclass(frozen=True)
class DocumentInput:
    name: str
    form: str = "original"
    quantity: int = 1


@dataclass(frozen=True)
class ReceptionInput:
    procedure: str
    owner_name: str
    owner_id_number: str = ""
    owner_birth_date: date | None = None
    owner_sex: str = ""
    owner_address: str = ""
    owner_phone: str = ""
    owner_email: str = ""
    owner_kind: int = 1
    documents: tuple[DocumentInput, ...] | None = None  # None: the procedure's required documents
    sets_count: int = 1
    channel: int = 1
    return_method: str = "desk"
    pages: int = 1
    copies: int = 1
    exemption: str | None = None
    manual_fee: int | None = None
    summary: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    confirmed: frozenset[str] = frozenset()  # warnings the official confirmed (app.core.limits.NeedsConfirmation)
    scanned: bool = False  # identity read from the chip card: a mismatch is an error, not a question
    online_payment: int = 0  # DuocThanhToanTrucTuyen: 1 national portal, 2 provincial gateway (QĐ 766 3.6)
    docs_digitised: bool = False  # components scanned or received as files (QĐ 766 4.3)
    docs_reused: bool = False  # components taken from the national data store (QĐ 766 4.4)


@dataclass(frozen=True)
class Received:
    uid: str
    code: str
    received_at: datetime
    due_at: datetime
    fee_amount: int
    fee_detail: str


def _clean_owner(form: ReceptionInput) -> ReceptionInput:
    name = clean_text(form.owner_name, "owner_name")
    if len(name) < 2:
        raise ValidationError("Hãy nhập họ và tên người nộp hồ sơ.", field="owner_name")
    number = form.owner_id_number.strip().replace(" ", "")
    if number and form.owner_kind == 1:
        validate_cccd(number)
    phone = re.sub(r"[\s.\-]", "", form.owner_phone)
    if phone and not PHONE.match(phone):
        raise ValidationError("Số điện thoại phải có 10–11 chữ số, bắt đầu bằng 0 hoặc +84.", field="owner_phone")
    email = clean_text(form.owner_email, "owner_email")
    if email and not EMAIL.match(email):
        raise ValidationError("Địa chỉ email không hợp lệ.", field="owner_email")
    if form.owner_sex not in ("", "Nam", "Nữ"):
        raise ValidationError("Giới tính phải là Nam hoặc Nữ.", field="owner_sex")
    if form.owner_kind not in OWNER_KINDS:
        raise ValidationError("Loại đối tượng không hợp lệ.", field="owner_kind")
    return replace(form, owner_name=name, owner_id_number=number, owner_phone=phone, owner_email=email,
                   owner_address=clean_text(form.owner_address, "owner_address"),
                   summary=clean_text(form.summary, "summary"))


def _clean_documents(form: ReceptionInput, procedure: ProcedureInForce) -> list[DocumentInput]:
    if form.documents is None:
        chosen = [DocumentInput(d["name"], d.get("form", "original"), int(d.get("quantity", 1)))
                  for d in procedure.documents if d.get("required", True)]
    else:
        chosen = [DocumentInput(clean_text(d.name, "document_name", label=f"Tên giấy tờ thứ {i}"), d.form, d.quantity)
                  for i, d in enumerate(form.documents, start=1)]
    for document in chosen:
        if not document.name:
            raise ValidationError("Tên giấy tờ không được để trống.", field="documents")
        if document.form not in DOCUMENT_FORMS:
            raise ValidationError("Hình thức giấy tờ không hợp lệ.", field="documents")
        if not 1 <= document.quantity <= 100:
            raise ValidationError("Số lượng mỗi giấy tờ phải từ 1 đến 100.", field="documents")
    return chosen


def _check_choices(form: ReceptionInput) -> None:
    if form.channel not in CHANNELS:
        raise ValidationError("Kênh nộp hồ sơ không hợp lệ.", field="channel")
    if form.return_method not in RETURN_METHODS:
        raise ValidationError("Nơi nhận kết quả không hợp lệ.", field="return_method")
    if not 1 <= form.sets_count <= 50:
        raise ValidationError("Số bộ hồ sơ phải từ 1 đến 50.", field="sets_count")
    if form.online_payment not in ONLINE_PAYMENTS:
        raise ValidationError("Hình thức thanh toán trực tuyến không hợp lệ.", field="online_payment")


def search_text(code: str, owner_name: str, id_number: str, phone: str) -> str:
    return " ".join(part for part in (fold(owner_name), id_number, phone, code.lower().replace("-", " ")) if part)


def _in_force(desk: Desk, connection: Connection, code: str, day: date) -> ProcedureInForce:
    """The version in force on `day`, remembered by the desk (dropped when the catalogue changes)."""
    key, memo = (code, day), desk.in_force  # one snapshot's memo: a concurrent forget_cached swaps, never empties it
    if key not in memo:
        memo[key] = version_in_force(connection, code, day)
    return memo[key]


def _owner_columns(form: ReceptionInput) -> dict[str, Any]:
    return {"owner_name": form.owner_name, "owner_kind": form.owner_kind, "owner_id_number": form.owner_id_number,
            "owner_birth_date": form.owner_birth_date, "owner_sex": form.owner_sex,
            "owner_address": form.owner_address, "owner_phone": form.owner_phone, "owner_email": form.owner_email}


def _report_columns(form: ReceptionInput) -> dict[str, Any]:
    """What the periodic reports read of the reception (columns and payload fields of the same names)."""
    return {"online_payment": form.online_payment, "docs_digitised": bool(form.docs_digitised),
            "docs_reused": bool(form.docs_reused)}


def _allocate_code(connection: Connection, desk: Desk, day: date) -> str:
    settings = desk.settings()
    nth = first(connection, _NEXT_NUMBER, {"day": day.isoformat(), "ws": settings.workstation_no})[0]
    return str(dossier_code(settings.agency_id, day, settings.workstation_no, nth))


def _snapshot(form: ReceptionInput, procedure: ProcedureInForce, docs: list[DocumentInput], **extra: Any) -> dict:
    return {
        "procedure_code": procedure.code, "national_code": procedure.national_code,
        "procedure_version": procedure.effective_from, "owner_name": form.owner_name,
        "owner_kind": form.owner_kind, "owner_id_number": form.owner_id_number,
        "owner_birth_date": form.owner_birth_date,
        "owner_sex": form.owner_sex, "owner_address": form.owner_address, "owner_phone": form.owner_phone,
        "owner_email": form.owner_email, "channel": form.channel, "return_method": form.return_method,
        "sets_count": form.sets_count, "pages": form.pages, "copies": form.copies,
        "documents": [{"name": d.name, "form": d.form, "quantity": d.quantity} for d in docs], **extra,
    }


def receive_dossier(desk: Desk, form: ReceptionInput) -> Received:
    """Accept a dossier: code, due time, fee, documents, event and outbox row in one transaction."""
    desk.require(Perm.RECEIVE)
    form = _clean_owner(form)
    _check_choices(form)
    calendar = desk.calendar()
    now = desk.now()
    local_now = to_local(now)
    check_identity(form.owner_id_number if form.owner_kind == 1 else "", form.owner_birth_date, form.owner_sex,
                   today=local_now.date(), confirmed=form.confirmed, scanned=form.scanned)
    with desk.write() as connection:
        procedure = _in_force(desk, connection, form.procedure, local_now.date())
        docs = _clean_documents(form, procedure)
        fee = compute_fee(procedure.fee_rule, pages=form.pages, copies=form.copies, exemption=form.exemption,
                          manual_amount=form.manual_fee)
        check_counts(form.pages, form.copies, confirmed=form.confirmed)  # after the fee rule's own bounds
        due = from_local(calendar.due_for(local_now, procedure.legal_time))
        code = _allocate_code(connection, desk, local_now.date())
        uid = str(uuid.uuid4())
        summary = form.summary or f"{procedure.name} – {form.owner_name}"
        dossier_id = INSERT_DOSSIER.one(connection, {
            "uid": uid, "code": code, "procedure_version_id": procedure.version_id, "summary": summary,
            **_owner_columns(form), "channel": form.channel, "return_method": form.return_method,
            "sets_count": form.sets_count, "received_at": now, "due_at": due, "original_due_at": due,
            "status": int(Status.RECEIVED), "fee_amount": fee.amount, "fee_detail": fee.detail,
            "fee_exemption": fee.exemption.reason if fee.exemption else "", "pages": form.pages,
            "copies": form.copies, "workstation_no": desk.settings().workstation_no, "received_by": desk.actor,
            "reschedule_count": 0, "rating": "", "updated_at": now, **_report_columns(form),
            "search_text": search_text(code, form.owner_name, form.owner_id_number, form.owner_phone),
        })
        INSERT_DOCUMENT.many(connection, [
            {"dossier_id": dossier_id, "position": i, "name": d.name, "form": d.form, "quantity": d.quantity}
            for i, d in enumerate(docs, start=1)
        ])
        snapshot = _snapshot(form, procedure, docs, code=code, summary=summary, received_at=now,
                             procedure_name=procedure.name, procedure_field=procedure.field,
                             due_at=due, fee_amount=fee.amount, fee_detail=fee.detail,
                             fee_exemption=fee.exemption.reason if fee.exemption else "",
                             workstation_no=desk.settings().workstation_no, **_report_columns(form))
        event = ReceivedEvent(event_id=str(uuid.uuid4()), dossier_id=uid, kind=Action.RECEIVE.value,
                              status_after=int(Status.RECEIVED), actor=desk.actor, device_time=now, **snapshot)
        record_event(connection, dossier_id=dossier_id, event=event)
    return Received(uid, code, now, due, fee.amount, fee.detail)
