"""The letters a commune sends an applicant about a dossier, signed by the agency head (the apology
with a new date, the stop notice): what they share, in data and in layout."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.platypus import Flowable, Paragraph

from forms.page import Letterhead, Page, Styles, esc, letterhead, render, signatures, title
from forms.qr import PaperQr


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
    signer_title: str = "THỦ TRƯỞNG CƠ QUAN"


def addressed_letter(notice: Notice, paragraphs: Sequence[str], page: Page, *, subject: str = "") -> bytes:
    """A letter to the applicant signed by the agency head (the apology, the stop notice): letterhead,
    title, "Kính gửi", paragraphs (already escaped mini-HTML), signature."""
    styles = Styles(page)
    story: list[Flowable] = letterhead(notice.head, styles, page, with_qr=True) + title(notice.title, styles, subject)
    story.append(Paragraph(f"Kính gửi: <b>{esc(notice.applicant_name)}</b>", styles.center))
    story += [Paragraph(text, styles.body) for text in paragraphs]
    signer = (notice.signer_title, "(Ký, ghi rõ họ tên và đóng dấu)", "")
    story.append(signatures([("", "", ""), signer], styles, page))
    return render(story, page, qr_payload=notice.qr.payload(), title_meta=f"{notice.title} {notice.code}")
