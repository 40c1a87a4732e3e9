"""What can be printed for a dossier, whether a print is a reprint, and recording that it printed.

A paper counts as printed only when the printer accepted the job: the UI calls `record_printed`
after that, never before (anchors.md: MADO #21, Odoo #60939 — ghost numbers from failed prints).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from app.core.errors import NotFoundError
from app.core.lifecycle import Action
from app.services import papers
from app.services.desk import Desk
from app.services.processing import record_print
from app.store.models import Dossier, Event, Receipt

Builder = Callable[[Desk, str, str | None, bool], bytes]


@dataclass(frozen=True)
class Paper:
    kind: str
    label: str
    build: Builder  # (desk, uid, size, reprint) -> PDF


def _slip(desk: Desk, uid: str, size: str | None, reprint: bool) -> bytes:
    return papers.slip_pdf(desk, uid, size=size)


def _receipt(desk: Desk, uid: str, size: str | None, reprint: bool) -> bytes:
    return papers.receipt_pdf(desk, uid, reprint=reprint, size=size)


PAPERS: dict[str, Paper] = {p.kind: p for p in (
    Paper("slip", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", _slip),
    Paper("receipt", "Biên lai thu phí, lệ phí", _receipt),
    Paper("supplement", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
          lambda d, u, s, r: papers.supplement_pdf(d, u, size=s)),
    Paper("refusal", "Phiếu từ chối tiếp nhận giải quyết hồ sơ", lambda d, u, s, r: papers.refusal_pdf(d, u, size=s)),
    Paper("apology", "Văn bản xin lỗi và hẹn lại ngày trả kết quả",
          lambda d, u, s, r: papers.apology_pdf(d, u, size=s)),
    Paper("stop", "Thông báo dừng giải quyết hồ sơ", lambda d, u, s, r: papers.stop_notice_pdf(d, u, size=s)),
    Paper("control", "Phiếu kiểm soát quá trình giải quyết hồ sơ",
          lambda d, u, s, r: papers.control_sheet_pdf(d, u, size=s)),
)}


def was_printed(desk: Desk, dossier_uid: str, kind: str, target: str) -> bool:
    with desk.read() as connection:
        dossier_id = connection.execute(select(Dossier.id).where(Dossier.uid == dossier_uid)).scalar()
        if dossier_id is None:
            raise NotFoundError("Không tìm thấy hồ sơ.", field="dossier")
        payloads = connection.execute(select(Event.payload).where(
            Event.dossier_id == dossier_id, Event.kind == Action.PRINT.value)).scalars().all()
    return any(p.get("paper") == kind and p.get("target", dossier_uid) == target for p in payloads)


def record_printed(desk: Desk, dossier_uid: str, kind: str, target: str, *, reprint: bool) -> None:
    """Called once the printer accepted the job; a reprint is recorded as one."""
    record_print(desk, dossier_uid, paper=kind, reprint=reprint, target=target)


def latest_receipt(desk: Desk, dossier_uid: str) -> str:
    with desk.read() as connection:
        uid = connection.execute(select(Receipt.uid).join(Dossier, Dossier.id == Receipt.dossier_id)
                                 .where(Dossier.uid == dossier_uid).order_by(Receipt.id.desc()).limit(1)).scalar()
    if uid is None:
        raise NotFoundError("Hồ sơ này chưa có biên lai.", field="receipt")
    return uid


def target_of(desk: Desk, kind: str, dossier_uid: str) -> str:
    """What a paper of `kind` is printed from: the dossier, or its latest receipt."""
    return latest_receipt(desk, dossier_uid) if kind == "receipt" else dossier_uid
