"""TT 03/2025 Mẫu 05 — Thông báo dừng giải quyết hồ sơ. Its official wording is not published in
what we could read (shared/domain.md §12.2), so this carries the fields every such notice needs."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.platypus import Flowable, Paragraph

from forms.page import Letterhead, Page, Styles, esc, letterhead, render, signatures, title
from forms.qr import PaperQr


@dataclass(frozen=True)
class StopData:
    head: Letterhead
    qr: PaperQr
    title: str
    code: str
    agency: str
    applicant_name: str
    procedure_name: str
    received: str
    reason: str
    signer_title: str = "THỦ TRƯỞNG CƠ QUAN"


def render_stop_notice(data: StopData, page: Page | None = None) -> bytes:
    page = page or Page("A5")
    styles = Styles(page)
    story: list[Flowable] = letterhead(data.head, styles, page, with_qr=True) + title(data.title, styles)
    story += [
        Paragraph(f"Kính gửi: <b>{esc(data.applicant_name)}</b>", styles.center),
        Paragraph(f"Ngày {esc(data.received)}, {esc(data.agency)} đã tiếp nhận hồ sơ của Ông/Bà về "
                  f"<b>{esc(data.procedure_name)}</b>, mã hồ sơ <b>{esc(data.code)}</b>.", styles.body),
        Paragraph(f"Nay {esc(data.agency)} thông báo dừng giải quyết hồ sơ nêu trên với lý do: "
                  f"<b>{esc(data.reason)}</b>", styles.body),
        Paragraph("Xin thông báo để Ông/Bà được biết./.", styles.body),
    ]
    story.append(signatures([("", "", ""), (data.signer_title, "(Ký, ghi rõ họ tên và đóng dấu)", "")], styles, page))
    return render(story, page, qr_payload=data.qr.payload(), title_meta=f"{data.title} {data.code}")
