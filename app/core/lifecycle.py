"""Dossier lifecycle on the national portal's status codes 1–10 (TrangThaiHoSo).

Late is not a status: it is derived from the due time (shared/domain.md §1.9).
"""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum, StrEnum

from app.core.errors import TransitionError


class Status(IntEnum):
    NEW = 1
    RECEIVED = 2
    REFUSED = 3
    PROCESSING = 4
    SUPPLEMENT = 5
    PAYMENT = 6
    WITHDRAWN = 7
    STOPPED = 8
    DONE = 9
    RETURNED = 10

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.NEW: "Mới đăng ký",
    Status.RECEIVED: "Được tiếp nhận",
    Status.REFUSED: "Không được tiếp nhận",
    Status.PROCESSING: "Đang xử lý",
    Status.SUPPLEMENT: "Yêu cầu bổ sung giấy tờ",
    Status.PAYMENT: "Yêu cầu thực hiện nghĩa vụ tài chính",
    Status.WITHDRAWN: "Công dân yêu cầu rút hồ sơ",
    Status.STOPPED: "Dừng xử lý",
    Status.DONE: "Đã xử lý xong",
    Status.RETURNED: "Đã trả kết quả",
}

OPEN = frozenset({Status.NEW, Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.PAYMENT})
IN_PROGRESS = frozenset({Status.RECEIVED, Status.PROCESSING, Status.SUPPLEMENT, Status.PAYMENT})
CLOSED = frozenset({Status.REFUSED, Status.WITHDRAWN, Status.STOPPED, Status.RETURNED})


class Action(StrEnum):
    RECEIVE = "received"
    REFUSE = "refused"
    FORWARD = "forwarded"
    REQUEST_SUPPLEMENT = "supplement_requested"
    RECEIVE_SUPPLEMENT = "supplement_received"
    REQUEST_PAYMENT = "payment_requested"
    RECEIVE_PAYMENT = "payment_received"
    RESCHEDULE = "rescheduled"
    STOP = "stopped"
    FINISH = "finished"
    HAND_OVER = "handed_over"
    WITHDRAW = "withdrawn"
    RATE = "rated"
    PRINT = "printed"
    ATTACH = "attached"


ACTION_LABELS = {
    Action.RECEIVE: "Tiếp nhận hồ sơ",
    Action.REFUSE: "Từ chối tiếp nhận",
    Action.FORWARD: "Chuyển xử lý",
    Action.REQUEST_SUPPLEMENT: "Yêu cầu bổ sung",
    Action.RECEIVE_SUPPLEMENT: "Nhận hồ sơ bổ sung",
    Action.REQUEST_PAYMENT: "Yêu cầu nộp phí, lệ phí, thuế",
    Action.RECEIVE_PAYMENT: "Đã thực hiện nghĩa vụ tài chính",
    Action.RESCHEDULE: "Xin lỗi và hẹn lại ngày trả",
    Action.STOP: "Dừng giải quyết",
    Action.FINISH: "Có kết quả",
    Action.HAND_OVER: "Trả kết quả",
    Action.WITHDRAW: "Rút hồ sơ",
    Action.RATE: "Đánh giá mức độ hài lòng",
    Action.PRINT: "In giấy tờ",
    Action.ATTACH: "Đính kèm bản quét",
}

# (allowed from, status after); None keeps the status. RECEIVE_SUPPLEMENT returns to the
# status held before the request, which the service reads from the request event.
TRANSITIONS: dict[Action, tuple[frozenset[Status], Status | None]] = {
    Action.RECEIVE: (frozenset({Status.NEW}), Status.RECEIVED),
    Action.REFUSE: (frozenset({Status.NEW, Status.RECEIVED}), Status.REFUSED),
    Action.FORWARD: (frozenset({Status.RECEIVED}), Status.PROCESSING),
    Action.REQUEST_SUPPLEMENT: (frozenset({Status.RECEIVED, Status.PROCESSING}), Status.SUPPLEMENT),
    Action.RECEIVE_SUPPLEMENT: (frozenset({Status.SUPPLEMENT}), None),
    Action.REQUEST_PAYMENT: (frozenset({Status.PROCESSING}), Status.PAYMENT),
    Action.RECEIVE_PAYMENT: (frozenset({Status.PAYMENT}), Status.PROCESSING),
    Action.RESCHEDULE: (IN_PROGRESS, None),
    Action.STOP: (IN_PROGRESS, Status.STOPPED),
    Action.FINISH: (frozenset({Status.RECEIVED, Status.PROCESSING}), Status.DONE),
    Action.HAND_OVER: (frozenset({Status.DONE}), Status.RETURNED),
    Action.WITHDRAW: (OPEN, Status.WITHDRAWN),
    Action.RATE: (frozenset({Status.RETURNED}), None),
    Action.PRINT: (frozenset(Status), None),  # printing never changes the status; it is recorded
    Action.ATTACH: (frozenset(Status), None),  # nor does adding a scan
}


def allowed_actions(status: Status) -> list[Action]:
    """The lifecycle steps to offer for a dossier in `status` (printing is not one of them)."""
    return [action for action, (sources, _) in TRANSITIONS.items()
            if status in sources and action not in (Action.PRINT, Action.ATTACH)]


def check_transition(action: Action, status: Status) -> Status | None:
    """The status after `action`, or a TransitionError saying why it is not allowed now."""
    sources, target = TRANSITIONS[action]
    if status not in sources:
        raise TransitionError(
            f"Không thể «{ACTION_LABELS[action].lower()}» khi hồ sơ đang ở trạng thái «{status.label}»."
        )
    return target


class DeadlineState(StrEnum):
    ON_TIME = "con_han"
    DUE_SOON = "sap_den_han"
    OVERDUE = "qua_han"
    PAUSED = "tam_dung"

    @property
    def label(self) -> str:
        return {
            "con_han": "Còn hạn", "sap_den_han": "Sắp đến hạn", "qua_han": "Quá hạn", "tam_dung": "Chờ bổ sung",
        }[self.value]


class Outcome(StrEnum):
    EARLY = "truoc_han"
    ON_TIME = "dung_han"
    LATE = "qua_han"

    @property
    def label(self) -> str:
        return {"truoc_han": "Trước hạn", "dung_han": "Đúng hạn", "qua_han": "Quá hạn"}[self.value]


def deadline_state(status: Status, due: datetime, now: datetime, warn_until: datetime) -> DeadlineState | None:
    """State of an open dossier; `warn_until` is the calendar's warning threshold for `now`.

    None for a closed or finished dossier: use `outcome` for those. While a supplement is
    awaited the clock is stopped, so such a dossier is shown as paused, never late.
    """
    if status not in IN_PROGRESS and status != Status.NEW:
        return None
    if status == Status.SUPPLEMENT:
        return DeadlineState.PAUSED
    if now > due:
        return DeadlineState.OVERDUE
    if due <= warn_until:
        return DeadlineState.DUE_SOON
    return DeadlineState.ON_TIME


def outcome(due: datetime, finished: datetime) -> Outcome:
    """Finished before the due day: early; on the due day by the due time: on time; after: late."""
    if finished > due:
        return Outcome.LATE
    if finished.date() < due.date():
        return Outcome.EARLY
    return Outcome.ON_TIME
