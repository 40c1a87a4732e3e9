"""Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (shared/domain.md §1.4). Each missing document
with the form and number asked for, as the Thanh Hóa template sets it: TT | Thành phần hồ sơ |
Số lượng: Bản chính / Bản chứng thực / Bản photo."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph

from forms.page import Letterhead, Page, Party, Styles, dossier_opening, esc, field, grid, render, signatures
from forms.qr import PaperQr

FORM_COLUMNS = ("Bản chính", "Bản sao chứng thực", "Bản photo")


@dataclass(frozen=True)
class Missing:
    name: str
    form: str = ""  # one of FORM_COLUMNS; "": not known, left for the officer's pen
    quantity: int = 0


@dataclass(frozen=True)
class SupplementData:
    head: Letterhead
    qr: PaperQr
    title: str
    code: str
    office: str
    applicant: Party
    procedure_name: str
    missing: tuple[Missing, ...]
    reason: str
    officer_name: str
    officer_phone: str


def missing_table(missing: tuple[Missing, ...], styles: Styles, page: Page) -> Flowable:
    top = [Paragraph(t, styles.cell_head) for t in ("TT", "Thành phần hồ sơ", "Số lượng")] + ["", ""]
    second = ["", "", *(Paragraph(t, styles.cell_head) for t in FORM_COLUMNS)]
    rows = [[str(i), Paragraph(esc(m.name), styles.cell),
             *(str(m.quantity) if m.form == column and m.quantity else "" for column in FORM_COLUMNS)]
            for i, m in enumerate(missing, start=1)]
    each = 15 * mm if page.size == "A5" else 22 * mm
    number = 8 * mm if page.size == "A5" else 11 * mm
    table = grid([top, second, *rows], [number, page.frame_width - number - 3 * each, each, each, each],
                 header_rows=2, padding=2)
    table.setStyle([("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (1, 1)), ("SPAN", (2, 0), (4, 0)),
                    ("VALIGN", (0, 0), (-1, 1), "MIDDLE"), ("ALIGN", (0, 2), (0, -1), "CENTER"),
                    ("ALIGN", (2, 2), (-1, -1), "CENTER"),
                    ("FONT", (0, 2), (-1, -1), styles.cell.fontName, styles.cell.fontSize, styles.cell.leading)])
    return table


def render_supplement(data: SupplementData, page: Page | None = None, *, stamp: str = "") -> bytes:
    page = page or Page("A5")
    styles = Styles.of(page)
    payload = data.qr.payload()
    story = dossier_opening(data.head, data.title, data.code, data.applicant, data.procedure_name, styles, page,
                            qr=payload, lead=f"{data.office}: Tiếp nhận hồ sơ/yêu cầu của Ông/Bà")
    story.append(Paragraph("Yêu cầu Ông/Bà hoàn thiện hồ sơ gồm những nội dung như sau:", styles.left))
    story.append(missing_table(data.missing, styles, page))
    story.append(field("Lý do", data.reason, styles.left))
    closing = Paragraph(
        "Trong quá trình hoàn thiện hồ sơ nếu có vướng mắc, Ông/Bà có thể liên hệ với công chức "
        f"<b>{esc(data.officer_name)}</b>, số điện thoại <b>{esc(data.officer_phone) or '…………'}</b> "
        "để được hướng dẫn./.", styles.body)
    story.append(signatures([("", "", ""), ("NGƯỜI HƯỚNG DẪN", "(Ký và ghi rõ họ tên)", data.officer_name)],
                            styles, page, keep_with=[closing]))
    return render(story, page, qr_payload=payload, title_meta=f"{data.title} {data.code}", stamp=stamp)
