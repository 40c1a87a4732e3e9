"""The letters a commune sends an applicant about a dossier, signed for the agency (the apology
with a new date, the stop notice): what they share, in data and in layout. The signature is laid
out as NĐ 30/2020 Phụ lục I sets it: the authority ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"), the
title, room for the signature and seal, the signer's name; "Nơi nhận" at the left."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.platypus import Flowable, Paragraph

from forms.page import (
    Letterhead,
    Page,
    Section,
    Styles,
    code_block,
    esc,
    letterhead,
    qr_room,
    recipients_block,
    render,
    signatures,
    title,
)
from forms.qr import PaperQr


@dataclass(frozen=True)
class Signer:
    authority: str = "TM. ỦY BAN NHÂN DÂN"  # or "KT. CHỦ TỊCH"
    title: str = "CHỦ TỊCH"  # or "PHÓ CHỦ TỊCH"
    name: str = ""
    recipients: tuple[str, ...] = ("Như trên", "Lưu: VT")

    @property
    def heading(self) -> str:
        return f"{self.authority}\n{self.title}" if self.authority else self.title


@dataclass(frozen=True, kw_only=True)
class Notice:
    head: Letterhead
    qr: PaperQr
    title: str
    code: str
    agency: str
    applicant_name: str
    procedure_name: str
    received: str  # "16 tháng 11 năm 2026"
    reason: str
    signer: Signer = Signer()


def addressed_letter(notice: Notice, paragraphs: Sequence[str], page: Page, *, subject: str = "",
                     stamp: str = "") -> bytes:
    """A letter to the applicant signed for the agency (the apology, the stop notice): letterhead,
    title, "Kính gửi", paragraphs (already escaped mini-HTML), "Nơi nhận" and the signature."""
    styles = Styles.of(page)
    payload = notice.qr.payload()
    code = code_block(notice.code, "", styles, page.frame_width - qr_room(payload, page))
    story: list[Flowable] = [Section(f"Mã hồ sơ: {notice.code}"),
                             *letterhead(notice.head, styles, page, qr=payload, beside_qr=code),
                             *title(notice.title, styles, subject)]
    story.append(Paragraph(f"Kính gửi: <b>{esc(notice.applicant_name)}</b>", styles.center))
    body = [Paragraph(text, styles.body) for text in paragraphs]
    signer = (notice.signer.heading, "(Ký, ghi rõ họ tên và đóng dấu)", notice.signer.name)
    story += body[:-1]
    story.append(signatures([("", "", ""), signer], styles, page, keep_with=body[-1:],
                            left=recipients_block(notice.signer.recipients, styles)))
    return render(story, page, qr_payload=payload, title_meta=f"{notice.title} {notice.code}", stamp=stamp)
