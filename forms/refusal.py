"""Mẫu 03 — Phiếu từ chối tiếp nhận giải quyết hồ sơ (shared/domain.md §1.5)."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.platypus import Paragraph

from forms.page import Letterhead, Page, Party, Styles, dossier_opening, esc, render, signatures
from forms.qr import PaperQr


@dataclass(frozen=True)
class RefusalData:
    head: Letterhead
    qr: PaperQr
    title: str
    code: str
    agency: str
    applicant: Party
    procedure_name: str
    reason: str
    receiver_name: str


def render_refusal(data: RefusalData, page: Page | None = None, *, stamp: str = "") -> bytes:
    page = page or Page("A5")
    styles = Styles.of(page)
    payload = data.qr.payload()
    story = dossier_opening(data.head, data.title, data.code, data.applicant, data.procedure_name, styles, page,
                            qr=payload)
    story.append(Paragraph(f"Qua xem xét, {esc(data.agency)} thông báo không tiếp nhận, giải quyết hồ sơ này "
                           f"với lý do cụ thể như sau: <b>{esc(data.reason)}</b>", styles.body))
    closing = Paragraph("Xin thông báo cho Ông/Bà được biết và thực hiện./.", styles.body)
    story.append(signatures([("NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", ""),
                             ("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", data.receiver_name)], styles, page,
                            keep_with=[closing]))
    return render(story, page, qr_payload=payload, title_meta=f"{data.title} {data.code}", stamp=stamp)
