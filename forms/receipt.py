"""The fee receipt (biên lai thu phí, lệ phí). Its legal content (NĐ 254/2026/NĐ-CP Điều 23 k2) is
one dataclass and its paper layout another function, so the electronic receipt required from
01/01/2027 can reuse the content with an XML layout and a digital signature instead."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from forms.fonts import SERIF
from forms.page import Page, Styles, esc, field, render, signatures
from forms.qr import PaperQr


@dataclass(frozen=True)
class ReceiptContent:
    title: str  # "BIÊN LAI THU PHÍ, LỆ PHÍ"
    template_symbol: str
    series_symbol: str
    number: str
    collector_name: str
    collector_tax_code: str
    collector_address: str
    payer_name: str
    payer_address: str
    fee_name: str
    amount_figures: str  # "21.000 đồng"
    amount_words: str
    payment_method: str
    issued_on: str  # "Ngày 20 tháng 11 năm 2026"
    collector_officer: str
    dossier_code: str = ""


@dataclass(frozen=True)
class ReceiptMarks:
    copy_label: str = "Liên 2: Giao người nộp tiền"
    void_reason: str = ""  # set: the receipt prints "ĐÃ HỦY" with the reason
    reprint: bool = False  # "BẢN IN LẠI"


def _symbols(content: ReceiptContent, styles: Styles, page: Page) -> Table:
    right = [Paragraph(f"Mẫu số: <b>{esc(content.template_symbol)}</b>", styles.left),
             Paragraph(f"Ký hiệu: <b>{esc(content.series_symbol)}</b>", styles.left),
             Paragraph(f"Số: <b>{esc(content.number)}</b>", styles.left)]
    left = [Paragraph(f"<b>{esc(content.collector_name.upper())}</b>", styles.left),
            Paragraph(f"Mã số thuế: {esc(content.collector_tax_code) or '…………'}", styles.left),
            Paragraph(f"Địa chỉ: {esc(content.collector_address) or '…………'}", styles.left)]
    width = page.frame_width
    table = Table([["", left, right]], colWidths=[23 * mm, width * 0.62 - 23 * mm, width * 0.38])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _marks(marks: ReceiptMarks, page: Page) -> Any:
    def draw(canvas: Canvas, _document: Any) -> None:
        width, height = page.pagesize
        canvas.saveState()
        if marks.reprint:
            canvas.setFont(f"{SERIF}-Bold", 11)
            canvas.drawRightString(width - page.margins[1], height - 6 * mm, "BẢN IN LẠI")
        if marks.void_reason:
            canvas.setFillColor(Color(0.8, 0, 0, alpha=0.35))
            canvas.setFont(f"{SERIF}-Bold", 64)
            canvas.translate(width / 2, height / 2)
            canvas.rotate(35)
            canvas.drawCentredString(0, 0, "ĐÃ HỦY")
        canvas.restoreState()
    return draw


def render_receipt(content: ReceiptContent, marks: ReceiptMarks | None = None, qr: PaperQr | None = None,
                   page: Page | None = None) -> bytes:
    marks = marks or ReceiptMarks()
    page = page or Page("A5")
    styles = Styles(page)
    story: list[Flowable] = [_symbols(content, styles, page),
                             Paragraph(esc(content.title.upper()), styles.title),
                             Paragraph(f"({esc(marks.copy_label)})", styles.subtitle)]
    story += [field("Họ tên người nộp tiền", content.payer_name, styles.left),
              field("Địa chỉ", content.payer_address, styles.left),
              field("Tên loại phí, lệ phí", content.fee_name, styles.left)]
    if content.dossier_code:
        story.append(field("Mã hồ sơ", content.dossier_code, styles.left))
    story += [field("Số tiền", content.amount_figures, styles.left),
              Paragraph(f"(Viết bằng chữ): <b><i>{esc(content.amount_words)}</i></b>", styles.left),
              field("Hình thức thanh toán", content.payment_method, styles.left)]
    if marks.void_reason:
        story.append(Paragraph(f"<b>ĐÃ HỦY</b> – Lý do hủy: {esc(marks.void_reason)}", styles.left))
    story.append(Paragraph(esc(content.issued_on), styles.date))
    story.append(signatures([("NGƯỜI NỘP TIỀN", "(Ký và ghi rõ họ tên)", content.payer_name),
                             ("NGƯỜI THU TIỀN", "(Ký và ghi rõ họ tên)", content.collector_officer)], styles, page))
    title = f"{content.title} {content.series_symbol} {content.number}"
    return render(story, page, qr_payload=qr.payload() if qr else None, title_meta=title, on_page=_marks(marks, page))
