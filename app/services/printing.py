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
from app.services.desk import Desk
from app.services.processing import record_print
from app.store.models import Dossier, Event, Receipt

Builder = Callable[[Desk, str, str | None, bool], bytes]


@dataclass(frozen=True)
class Paper:
    kind: str
    label: str
    build: Builder  # (desk, uid, size, reprint) -> PDF


def reprint_number(desk: Desk, kind: str, target: str) -> int:
    """The number this reprint will carry ("In lại …, lần thứ n"): the reprints already recorded
    of this paper for this target, plus one."""
    with desk.read() as connection:
        dossier_id = connection.execute(select(Dossier.id).where(Dossier.uid == target)).scalar()
        if dossier_id is None:  # a receipt: its prints are recorded on its dossier
            dossier_id = connection.execute(select(Receipt.dossier_id).where(Receipt.uid == target)).scalar()
        payloads = connection.execute(select(Event.payload).where(
            Event.dossier_id == dossier_id, Event.kind == Action.PRINT.value)).scalars().all()
    return 1 + sum(1 for p in payloads if p.get("paper") == kind and p.get("target") == target and p.get("reprint"))


def _numbered(builder: str, kind: str) -> Builder:
    def run(desk: Desk, target: str, size: str | None, reprint: bool) -> bytes:
        from app.services import papers  # ReportLab and the forms load at the first print, not at start-up

        build: Callable[..., bytes] = getattr(papers, builder)
        return build(desk, target, size=size, reprint=reprint_number(desk, kind, target) if reprint else 0)
    return run


PAPERS: dict[str, Paper] = {p.kind: p for p in (
    Paper("slip", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", _numbered("slip_pdf", "slip")),
    Paper("receipt", "Biên lai thu phí, lệ phí", _numbered("receipt_pdf", "receipt")),
    Paper("supplement", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", _numbered("supplement_pdf", "supplement")),
    Paper("refusal", "Phiếu từ chối tiếp nhận giải quyết hồ sơ", _numbered("refusal_pdf", "refusal")),
    Paper("apology", "Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết",
          _numbered("apology_pdf", "apology")),
    Paper("stop", "Thông báo dừng giải quyết hồ sơ", _numbered("stop_notice_pdf", "stop")),
    Paper("control", "Phiếu kiểm soát quá trình giải quyết hồ sơ", _numbered("control_sheet_pdf", "control")),
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
