"""The desk's one-step flow: receive a dossier, take its fee, and for a paper made on the spot
hand it over at once. Each step is its own transaction: a receipt problem never loses the dossier."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.errors import DeskError
from app.services import processing
from app.services.desk import Desk
from app.services.receipts import issue_receipt
from app.services.reception import Received, ReceptionInput, receive_dossier


@dataclass(frozen=True)
class Counter:
    received: Received
    receipt_uid: str | None
    receipt_problem: str  # why no receipt was issued, for the official to see
    handed_over: bool


def receive_at_counter(desk: Desk, form: ReceptionInput, *, hand_over_now: bool = False) -> Counter:
    received = receive_dossier(desk, form)
    receipt_uid, problem = None, ""
    if received.fee_amount > 0:
        try:
            receipt_uid = issue_receipt(desk, dossier_uid=received.uid).uid
        except DeskError as error:
            problem = f"Hồ sơ đã được tiếp nhận nhưng chưa lập được biên lai: {error.message}"
    if hand_over_now:
        processing.finish(desk, received.uid, note="Giải quyết ngay tại Bộ phận một cửa")
        processing.hand_over(desk, received.uid, receiver=form.owner_name)
    return Counter(received, receipt_uid, problem, hand_over_now)
