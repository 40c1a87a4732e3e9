"""Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả (shared/domain.md §1.3), one or two copies."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.platypus import Flowable, PageBreak, Paragraph, Table, TableStyle

from forms.page import Letterhead, Page, Styles, esc, field, letterhead, render, signatures, title
from forms.qr import PaperQr

NOTE = ("Ghi chú: - Giấy tiếp nhận hồ sơ và hẹn trả kết quả được lập thành 2 liên; một liên chuyển kèm theo "
        "Phiếu kiểm soát quá trình giải quyết hồ sơ và được lưu tại Bộ phận tiếp nhận và trả kết quả; một liên "
        "giao cho cá nhân, tổ chức nộp hồ sơ;<br/>- Cá nhân, tổ chức có thể đăng ký nhận kết quả tại Bộ phận tiếp "
        "nhận và trả kết quả hoặc tại nhà (trụ sở tổ chức) qua dịch vụ bưu chính.")


@dataclass(frozen=True)
class SlipData:
    head: Letterhead
    qr: PaperQr
    title: str
    code: str
    office: str
    applicant_name: str
    address: str
    phone: str
    email: str
    procedure_name: str
    documents: tuple[tuple[str, str, int], ...]  # name, form ("Bản chính"...), quantity
    sets_count: int
    legal_time: str
    received: str
    due: str
    return_place: str
    fee: str
    book_number: str
    book_sequence: str
    receiver_name: str
    copies: tuple[str, ...] = ("Liên 1: Lưu", "Liên 2: Giao người nộp hồ sơ")


def _code_line(data: SlipData, copy: str, styles: Styles, page: Page) -> Table:
    table = Table([[Paragraph(f"Mã hồ sơ: <b>{esc(data.code)}</b>", styles.left),
                    Paragraph(f"<i>({esc(copy)})</i>", styles.right_small)]],
                  colWidths=[page.frame_width * 0.68, page.frame_width * 0.32])
    table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                               ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    return table


def _body(data: SlipData, styles: Styles) -> list[Flowable]:
    docs = "<br/>".join(f"({i}) {esc(name)} – {esc(form)}: {qty}" for i, (name, form, qty) in
                        enumerate(data.documents, start=1))
    return [
        field("Bộ phận tiếp nhận và trả kết quả", data.office, styles.left),
        field("Tiếp nhận hồ sơ của", data.applicant_name, styles.left),
        field("Địa chỉ", data.address, styles.left),
        Paragraph(f"Số điện thoại: <b>{esc(data.phone) or '…………'}</b>&nbsp;&nbsp;&nbsp;&nbsp;"
                  f"Email: <b>{esc(data.email) or '…………'}</b>", styles.left),
        field("Nội dung yêu cầu giải quyết", data.procedure_name, styles.left),
        Paragraph("1. Thành phần hồ sơ nộp gồm:", styles.left),
        Paragraph(docs or "…………", styles.indent),
        Paragraph(f"2. Số lượng hồ sơ: <b>{data.sets_count:02d}</b> (bộ)", styles.left),
        Paragraph(f"3. Thời gian giải quyết hồ sơ theo quy định là: <b>{esc(data.legal_time)}</b>", styles.left),
        Paragraph(f"4. Thời gian nhận hồ sơ: <b>{esc(data.received)}</b>", styles.left),
        Paragraph(f"5. Thời gian trả kết quả giải quyết hồ sơ: <b>{esc(data.due)}</b>", styles.left),
        Paragraph(f"6. Đăng ký nhận kết quả tại: <b>{esc(data.return_place)}</b>", styles.left),
        Paragraph(f"Phí, lệ phí: <b>{esc(data.fee)}</b>", styles.left),
        Paragraph(f"Vào Sổ theo dõi hồ sơ, Quyển số: <b>{esc(data.book_number)}</b>&nbsp;&nbsp;&nbsp;"
                  f"Số thứ tự: <b>{esc(data.book_sequence)}</b>", styles.left),
    ]


def render_slip(data: SlipData, page: Page | None = None) -> bytes:
    page = page or Page("A5")
    styles = Styles(page)
    story: list[Flowable] = []
    for index, copy in enumerate(data.copies):
        if index:
            story.append(PageBreak())
        story += letterhead(data.head, styles, page, with_qr=True)
        story += title(data.title, styles)
        story.append(_code_line(data, copy, styles, page))
        story += _body(data, styles)
        story.append(signatures([("NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", data.applicant_name),
                                 ("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", data.receiver_name)], styles, page))
        story.append(Paragraph(NOTE, styles.small_italic))
    return render(story, page, qr_payload=data.qr.payload(), title_meta=f"{data.title} {data.code}")
