"""TT 03/2025 Mẫu 05 — Thông báo dừng giải quyết hồ sơ. Its official wording is not published in
what we could read (shared/domain.md §12.2), so this carries the fields every such notice needs."""

from __future__ import annotations

from dataclasses import dataclass

from forms.page import Letterhead, Page, addressed_letter, esc
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
    paragraphs = [
        f"Ngày {esc(data.received)}, {esc(data.agency)} đã tiếp nhận hồ sơ của Ông/Bà về "
        f"<b>{esc(data.procedure_name)}</b>, mã hồ sơ <b>{esc(data.code)}</b>.",
        f"Nay {esc(data.agency)} thông báo dừng giải quyết hồ sơ nêu trên với lý do: <b>{esc(data.reason)}</b>",
        "Xin thông báo để Ông/Bà được biết./.",
    ]
    return addressed_letter(data.head, data.qr.payload(), data.title, data.applicant_name, paragraphs,
                            data.signer_title, page or Page("A5"), meta=f"{data.title} {data.code}")
