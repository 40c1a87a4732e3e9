"""The lifecycle actions on a received dossier: one public function per user action.

Each one checks the transition against app.core.lifecycle, then writes the dossier's new state,
its event and the outbox op in ONE transaction; a refusal writes nothing.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, select, update

from app.core.calendar import WorkingCalendar
from app.core.errors import NotFoundError, ValidationError
from app.core.lifecycle import Action, Status, check_transition
from app.core.permissions import action_perm
from app.core.vocabulary import HAND_OVER_METHODS, RATINGS
from app.services.clock import from_local, to_local
from app.services.desk import Desk
from app.services.dossier_state import columns_of, state_of
from app.services.outbox import record_event
from app.services.text_input import clean_text
from app.store.models import Dossier
from sync.ops import EVENTS
from sync.steps import advance

D = Dossier.__table__
MIN_REASON = 5


@dataclass(frozen=True)
class Step:
    """What a step changed: the new status and due time, for the caller to show."""

    event_uid: str
    status: Status
    due_at: datetime


# A step's details: the event's own fields (and its new due time, for the steps that move it), from
# the row as it is now. What the step does to the row is the step table's (sync/steps.py).
Details = Callable[[Row[Any], datetime, WorkingCalendar], dict[str, Any]]


def _reason(text: str, what: str = "lý do") -> str:
    cleaned = clean_text(text, "reason")
    if len(cleaned) < MIN_REASON:
        raise ValidationError(f"Hãy ghi rõ {what} (ít nhất {MIN_REASON} ký tự).", field="reason")
    return cleaned


def _note(text: str) -> str:
    return clean_text(text, "note")


def _load(connection: Connection, uid: str) -> Row[Any]:
    row = connection.execute(select(D).where(D.c.uid == uid)).first()
    if row is None:
        raise NotFoundError("Không tìm thấy hồ sơ.", field="dossier")
    return row


def _apply(desk: Desk, uid: str, action: Action, details: Details, extra: dict[str, Any] | None = None) -> Step:
    desk.require(action_perm(action))
    calendar = desk.calendar()
    now = desk.now()
    with desk.write() as connection:
        row = _load(connection, uid)
        check_transition(action, Status(row.status))  # the plain message before any detail is asked
        state = state_of(row)
        fields = details(row, now, calendar)
        event = EVENTS[action](event_id=str(uuid.uuid4()), dossier_id=uid, kind=action.value,
                               status_after=int(state.status), actor=desk.actor, device_time=now,
                               due_at=fields.pop("due_at", state.due_at), **fields)
        after = advance(state, event)
        event = event.model_copy(update={"status_after": int(after.status)})
        connection.execute(update(D).where(D.c.id == row.id).values(**columns_of(after), **(extra or {}),
                                                                      updated_at=now))
        record_event(connection, dossier_id=row.id, event=event)
    return Step(event.event_id, after.status, after.due_at)


def forward(desk: Desk, uid: str, *, to_unit: str, note: str = "") -> Step:
    unit = clean_text(to_unit, "unit")
    if not unit:
        raise ValidationError("Hãy chọn nơi chuyển hồ sơ đến.", field="to_unit")
    return _apply(desk, uid, Action.FORWARD, lambda row, now, cal: {"to_unit": unit, "note": _note(note)})


def request_supplement(desk: Desk, uid: str, *, reason: str, missing_documents: list[str]) -> Step:
    """Mẫu 02: the clock stops until the supplement arrives."""
    why = _reason(reason)
    missing = [m for m in (clean_text(m, "document_name") for m in missing_documents) if m]
    if not missing:
        raise ValidationError("Hãy ghi ít nhất một giấy tờ cần bổ sung.", field="missing_documents")

    def change(row: Row[Any], now: datetime, cal: WorkingCalendar) -> Any:
        return {"reason": why, "missing_documents": missing, "resume_status": row.status}

    return _apply(desk, uid, Action.REQUEST_SUPPLEMENT, change)


def receive_supplement(desk: Desk, uid: str, *, note: str = "") -> Step:
    """The due time moves by the working time spent waiting; the dossier resumes where it was."""

    def change(row: Row[Any], now: datetime, cal: WorkingCalendar) -> Any:
        paused = row.paused_since or now
        new_due = from_local(cal.extend_for_pause(to_local(row.due_at), to_local(paused), to_local(now)))
        waited = cal.working_time_between(to_local(paused), to_local(now))
        minutes = int(waited.total_seconds() // 60)
        return {"note": _note(note), "due_before": row.due_at, "paused_minutes": minutes, "due_at": new_due}

    return _apply(desk, uid, Action.RECEIVE_SUPPLEMENT, change)


def refuse(desk: Desk, uid: str, *, reason: str) -> Step:
    """Mẫu 03: not accepted for processing."""
    why = _reason(reason)
    return _apply(desk, uid, Action.REFUSE, lambda row, now, cal: {"reason": why})


def reschedule(desk: Desk, uid: str, *, new_due: datetime, reason: str) -> Step:
    """Apology with a new return date (Mẫu 04); allowed only once per dossier."""
    why = _reason(reason)

    def change(row: Row[Any], now: datetime, cal: WorkingCalendar) -> Any:
        wall = to_local(new_due)
        if not cal.is_working_time(wall):
            raise ValidationError("Ngày giờ hẹn mới phải rơi vào giờ làm việc của một ngày làm việc.", field="new_due")
        if new_due <= row.due_at:  # said at the field; the step table refuses it again for pulled and pushed steps
            raise ValidationError("Ngày hẹn mới phải sau ngày hẹn trả hiện tại.", field="new_due")
        return {"reason": why, "due_before": row.due_at, "due_at": new_due}

    return _apply(desk, uid, Action.RESCHEDULE, change)


def stop(desk: Desk, uid: str, *, reason: str) -> Step:
    why = _reason(reason)
    return _apply(desk, uid, Action.STOP, lambda row, now, cal: {"reason": why})


def finish(desk: Desk, uid: str, *, note: str = "", result_digitised: bool = False, result_code: str = "") -> Step:
    """The result is ready at the desk; whether it is an electronic file, and its code (MaKetQua), are
    what QĐ 766 4.1/4.2 and the national portal's export read."""
    code = clean_text(result_code, "note", label="Mã kết quả")
    if len(code) > 60:
        raise ValidationError("Mã kết quả dài quá 60 ký tự.", field="result_code")
    result = {"result_digitised": bool(result_digitised), "result_code": code}
    return _apply(desk, uid, Action.FINISH, lambda row, now, cal: {"note": _note(note), **result}, extra=result)


def hand_over(desk: Desk, uid: str, *, receiver: str, method: str = "desk", note: str = "") -> Step:
    name = clean_text(receiver, "receiver")
    if len(name) < 2:
        raise ValidationError("Hãy ghi họ tên người nhận kết quả.", field="receiver")
    if method not in HAND_OVER_METHODS:
        raise ValidationError("Hình thức trả kết quả không hợp lệ.", field="method")
    payload = {"receiver": name, "method": method, "note": _note(note)}
    return _apply(desk, uid, Action.HAND_OVER, lambda row, now, cal: payload)


def withdraw(desk: Desk, uid: str, *, reason: str) -> Step:
    why = _reason(reason)
    return _apply(desk, uid, Action.WITHDRAW, lambda row, now, cal: {"reason": why})


def record_print(desk: Desk, uid: str, *, paper: str, reprint: bool, target: str = "") -> Step:
    """A paper was accepted by the printer; a reprint is recorded as such (who, when, what).
    `target` names what was printed when it is not the dossier itself (a receipt's id)."""
    payload = {"paper": paper, "reprint": reprint, "target": target or uid}
    return _apply(desk, uid, Action.PRINT, lambda row, now, cal: payload)


def rate(desk: Desk, uid: str, *, level: str, comment: str = "") -> Step:
    if level not in RATINGS:
        raise ValidationError("Mức đánh giá phải là Rất hài lòng, Hài lòng hoặc Không hài lòng.", field="level")

    def change(row: Row[Any], now: datetime, cal: WorkingCalendar) -> Any:
        return {"level": level, "label": RATINGS[level], "comment": _note(comment)}

    return _apply(desk, uid, Action.RATE, change)
