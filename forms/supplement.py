"""Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (shared/domain.md §1.4)."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.platypus import Paragraph

from forms.page import (
    Letterhead,
    Page,
    Party,
    Styles,
    dossier_opening,
    esc,
    field,
    numbered,
    render,
    signatures,
)
from forms.qr import PaperQr


@dataclass(frozen=True)
class SupplementData:
    head: Letterhead
    qr: PaperQr
    title: str
    code: str
    office: str
    applicant: Party
    procedure_name: str
    missing: tuple[str, ...]
    reason: str
    officer_name: str
    officer_phone: str


def render_supplement(data: SupplementData, page: Page | None = None) -> bytes:
    page = page or Page("A5")
    styles = Styles(page)
    story = dossier_opening(data.head, data.title, data.code, data.applicant, data.procedure_name, styles, page,
                            f"{data.office}: Tiếp nhận hồ sơ/yêu cầu của Ông/Bà")
    story.append(Paragraph("Yêu cầu Ông/Bà hoàn thiện hồ sơ gồm những nội dung như sau:", styles.left))
    story += numbered(data.missing, styles)
    story.append(field("Lý do", data.reason, styles.left))
    story.append(Paragraph(
        "Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà có thể liên hệ với công chức "
        f"<b>{esc(data.officer_name)}</b>, số điện thoại <b>{esc(data.officer_phone) or '…………'}</b> "
        "để được hướng dẫn./.", styles.body))
    story.append(signatures([("", "", ""), ("NGƯỜI HƯỚNG DẪN", "(Ký và ghi rõ họ tên)", data.officer_name)],
                            styles, page))
    return render(story, page, qr_payload=data.qr.payload(), title_meta=f"{data.title} {data.code}")
