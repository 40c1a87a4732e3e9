"""What each step of a dossier changes: one table, used by the desk's services when an official
acts, by the desk when it applies a step pulled from another workstation, and by the hub when it
checks and applies a pushed step. Same code, same result, on every copy of the dossier.

The allowed statuses and the status a step leads to come from app.core.lifecycle; this table adds
the other columns a step moves. The status after a step is always computed here, never taken
from what a device claims.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Literal

from app.core.errors import TransitionError
from app.core.lifecycle import Action, Status, check_transition
from sync.ops import Event, Rated, Received


@dataclass(frozen=True)
class DossierState:
    """The columns of a dossier that every copy (each desk, the hub) keeps equal."""

    status: Status
    due_at: datetime
    paused_since: datetime | None = None
    resume_status: Status | None = None  # where a paused dossier goes back to
    reschedule_count: int = 0
    supplement_count: int = 0  # QĐ 766: more than one request makes a dossier late
    finished_at: datetime | None = None
    returned_at: datetime | None = None
    rating: str = ""


STATE_COLUMNS = tuple(f.name for f in fields(DossierState))
# Columns of the desk's dossier row that are NOT kept equal by this table, and why.
LOCAL_COLUMNS = {
    "id": "the row's key in this desk's file",
    "procedure_version_id": "points at this desk's own row of the catalogue (the version is synced by date)",
    "search_text": "this desk's folded search index, derived from synced columns",
}


@dataclass(frozen=True)
class Effect:
    """Besides the status: which columns a step moves."""

    due: Literal["keep", "later", "not_earlier"] = "keep"  # the step's payload sets the due time
    pause: Literal["none", "start", "end"] = "none"
    ends: Literal["", "finished_at", "returned_at"] = ""
    reschedules: bool = False  # allowed once per dossier
    rates: bool = False  # allowed once per dossier


EFFECTS: dict[Action, Effect] = {
    Action.RECEIVE: Effect(),
    Action.FORWARD: Effect(),
    Action.REQUEST_SUPPLEMENT: Effect(pause="start"),
    Action.RECEIVE_SUPPLEMENT: Effect(pause="end", due="not_earlier"),  # the due moves by the time waited
    Action.REQUEST_PAYMENT: Effect(),
    Action.RECEIVE_PAYMENT: Effect(),
    Action.RESCHEDULE: Effect(due="later", reschedules=True),
    Action.REFUSE: Effect(ends="finished_at"),
    Action.STOP: Effect(ends="finished_at"),
    Action.FINISH: Effect(ends="finished_at"),
    Action.WITHDRAW: Effect(ends="finished_at"),
    Action.HAND_OVER: Effect(ends="returned_at"),
    Action.RATE: Effect(rates=True),
    Action.PRINT: Effect(),
    Action.ATTACH: Effect(),
}


class StepRefused(TransitionError):
    """A step the rules do not allow on this dossier now; `code` says which rule."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code)


def received_state(event: Received) -> DossierState:
    return DossierState(status=Status.RECEIVED, due_at=event.due_at)


def _due(effect: Effect, state: DossierState, event: Event) -> datetime:
    if effect.due == "keep":
        return state.due_at
    new = event.due_at
    if new is None:
        raise StepRefused("missing_due", "Bước này phải có ngày hẹn trả mới.")
    if effect.due == "later" and new <= state.due_at:
        raise StepRefused("due_not_later", "Ngày hẹn mới phải sau ngày hẹn trả hiện tại.")
    if effect.due == "not_earlier" and new < state.due_at:
        raise StepRefused("due_earlier", "Thời gian chờ bổ sung không thể làm ngày hẹn trả sớm hơn.")
    return new


def advance(state: DossierState, event: Event) -> DossierState:
    """The dossier after `event`, or StepRefused. `event.device_time` is when the step happened."""
    action = Action(event.kind)
    if action == Action.RECEIVE:
        raise StepRefused("exists", "Hồ sơ này đã được tiếp nhận.")
    target = check_transition(action, state.status)
    effect = EFFECTS[action]
    at = event.device_time
    changes: dict[str, object] = {"due_at": _due(effect, state, event)}
    if effect.pause == "start":
        changes.update(paused_since=at, resume_status=state.status, supplement_count=state.supplement_count + 1)
    elif effect.pause == "end":
        target = state.resume_status or Status.PROCESSING
        changes.update(paused_since=None, resume_status=None)
    if effect.reschedules:
        if state.reschedule_count >= 1:
            raise StepRefused("reschedule_once",
                              "Việc hẹn lại ngày trả kết quả chỉ được thực hiện một lần cho mỗi hồ sơ.")
        changes["reschedule_count"] = state.reschedule_count + 1
    if effect.rates:
        if state.rating:
            raise StepRefused("rated_once", "Hồ sơ này đã được đánh giá.")
        assert isinstance(event, Rated)
        changes["rating"] = event.level
    if effect.ends:
        changes[effect.ends] = at
    return replace(state, status=target or state.status, **changes)  # type: ignore[arg-type]


def check_claim(event: Event, after: DossierState) -> None:
    """A device's `status_after` must be what the rules give; anything else is refused."""
    if event.status_after != int(after.status):
        raise StepRefused("wrong_status", f"Trạng thái sau bước này phải là «{after.status.label}», "
                                          f"không phải mã {event.status_after}.")
