"""The fee receipt (biên lai thu phí, lệ phí). Its legal content (NĐ 254/2026/NĐ-CP Điều 23 k2) is
one dataclass and its paper layout another function, so the electronic receipt required from
01/01/2027 can reuse the content with an XML layout and a digital signature instead."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib.colors import Color
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, NextPageTemplate, PageBreak, Paragraph, Spacer, Table, TableStyle

from forms.fonts import SERIF
from forms.page import NO_PADDING, Page, Section, Styles, esc, field, qr_room, render, signatures
from forms.qr import PaperQr

COPIES = ("Liên 1: Lưu", "Liên 2: Giao người nộp tiền")


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
    issued_on: str  # "Ngày 20 tháng 11 năm 2026": the day of collection
    collector_officer: str
    dossier_code: str = ""
    collector_phone: str = ""
    collector_account: str = ""


@dataclass(frozen=True)
class ReceiptMarks:
    copies: tuple[str, ...] = COPIES
    void_reason: str = ""  # set: the receipt prints "ĐÃ HỦY" with the reason, who and when
    voided_by: str = ""
    voided_at: str = ""  # "09 giờ 12 phút, ngày 16 tháng 11 năm 2026"
    stamp: str = ""  # "Bản in lại – In lại lúc …, lần thứ n"


def _or_dots(value: str) -> str:
    return esc(value) or "…………"


def _symbols(content: ReceiptContent, styles: Styles, page: Page, corner: float) -> Table:
    right = [Paragraph(f"Mẫu số: <b>{esc(content.template_symbol)}</b>", styles.left),
             Paragraph(f"Ký hiệu: <b>{esc(content.series_symbol)}</b>", styles.left),
             Paragraph(f"Số: <b>{esc(content.number)}</b>", styles.left)]
    left = [Paragraph(f"<b>{esc(content.collector_name.upper())}</b>", styles.left),
            Paragraph(f"Mã số thuế: {_or_dots(content.collector_tax_code)}", styles.left),
            Paragraph(f"Địa chỉ: {_or_dots(content.collector_address)}", styles.left),
            Paragraph(f"Điện thoại: {_or_dots(content.collector_phone)}", styles.left),
            Paragraph(f"Số tài khoản: {_or_dots(content.collector_account)}", styles.left)]
    width = page.frame_width
    right_width = width * 0.3
    corner_cell = Spacer(corner, corner) if corner else ""
    table = Table([[corner_cell, left, right]], colWidths=[corner, width - corner - right_width, right_width])
    table.setStyle(TableStyle([*NO_PADDING, ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (2, 0), (2, 0), 6)]))
    return table


def _void_mark(marks: ReceiptMarks, page: Page) -> Any:
    def draw(canvas: Canvas, _document: Any) -> None:
        if not marks.void_reason:
            return
        width, height = page.pagesize
        canvas.saveState()
        canvas.setFillColor(Color(0.8, 0, 0, alpha=0.35))
        canvas.setFont(f"{SERIF}-Bold", 64)
        canvas.translate(width / 2, height / 2)
        canvas.rotate(35)
        canvas.drawCentredString(0, 0, "ĐÃ HỦY")
        canvas.restoreState()
    return draw


def _copy(content: ReceiptContent, marks: ReceiptMarks, copy: str, styles: Styles, page: Page,
          corner: float) -> list[Flowable]:
    story: list[Flowable] = [Section(f"Biên lai số {content.number} ({copy})"),
                             _symbols(content, styles, page, corner),
                             Paragraph(esc(content.title.upper()), styles.title),
                             Paragraph(f"({esc(copy)})", styles.subtitle)]
    story += [field("Họ tên người nộp tiền", content.payer_name, styles.left),
              field("Địa chỉ", content.payer_address, styles.left),
              field("Tên loại phí, lệ phí", content.fee_name, styles.left)]
    if content.dossier_code:
        story.append(field("Mã hồ sơ", content.dossier_code, styles.left))
    story += [field("Số tiền", content.amount_figures, styles.left),
              Paragraph(f"(Viết bằng chữ): <b><i>{esc(content.amount_words)}</i></b>", styles.left),
              field("Hình thức thanh toán", content.payment_method, styles.left)]
    if marks.void_reason:
        story.append(Paragraph(f"<b>ĐÃ HỦY</b> – Lý do hủy: {esc(marks.void_reason)}. Người hủy: "
                               f"<b>{esc(marks.voided_by)}</b>, lúc {esc(marks.voided_at)}.", styles.left))
    story.append(signatures([("NGƯỜI NỘP TIỀN", "(Ký và ghi rõ họ tên)", ""),
                             ("NGƯỜI THU TIỀN", "(Ký và ghi rõ họ tên)", content.collector_officer)], styles, page,
                            keep_with=[Paragraph(esc(content.issued_on), styles.date)]))
    return story


def render_receipt(content: ReceiptContent, marks: ReceiptMarks | None = None, qr: PaperQr | None = None,
                   page: Page | None = None) -> bytes:
    marks = marks or ReceiptMarks()
    page = page or Page("A5")
    styles = Styles.of(page)
    payload = qr.payload() if qr else None
    corner = qr_room(payload, page)
    story: list[Flowable] = []
    for index, copy in enumerate(marks.copies):
        if index:
            story += [NextPageTemplate("first"), PageBreak()]
        story += _copy(content, marks, copy, styles, page, corner)
    title = f"{content.title} {content.series_symbol} {content.number}"
    return render(story, page, qr_payload=payload, title_meta=title, on_page=_void_mark(marks, page),
                  stamp=marks.stamp)
