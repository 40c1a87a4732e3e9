"""Mẫu 01 — Giấy tiếp nhận hồ sơ và hẹn trả kết quả (shared/domain.md §1.3), one or two copies.

Each copy begins on its own page. The documents are a compact table (STT | Tên giấy tờ | Bản chính /
chứng thực / photo | Số lượng), so twenty of them with a long name and address stay on one A5
page; a copy that still runs over continues on a page of its own that repeats the code and the
copy and is numbered, and the signatures stay with the lines above them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, NextPageTemplate, PageBreak, Paragraph

from forms.page import (
    Letterhead,
    Page,
    Para,
    Runs,
    Section,
    Styles,
    barcode,
    bold_face,
    code_block,
    esc,
    field,
    grid,
    letterhead,
    qr_room,
    render,
    signatures,
    title,
)
from forms.qr import PaperQr


def slip_note(office: str) -> str:
    return (f"Ghi chú: - Giấy tiếp nhận hồ sơ và hẹn trả kết quả được lập thành 2 liên; một liên chuyển kèm theo "
            f"Phiếu kiểm soát quá trình giải quyết hồ sơ và được lưu tại {esc(office)}; một liên giao cho cá nhân, "
            f"tổ chức nộp hồ sơ;<br/>- Cá nhân, tổ chức có thể đăng ký nhận kết quả tại {esc(office)} hoặc tại "
            "nhà (trụ sở tổ chức) qua dịch vụ bưu chính.")


@dataclass(frozen=True)
class SlipData:
    head: Letterhead
    qr: PaperQr
    title: str
    code: str
    office: str  # the office's name as set ("Bộ phận tiếp nhận và trả kết quả", "Trung tâm Phục vụ …")
    agency: str  # "UBND xã Quảng Phú"
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
    return_place: str  # "Bộ phận tiếp nhận và trả kết quả", "Nhà riêng qua dịch vụ bưu chính"
    fee: str
    book_number: str
    book_sequence: str
    receiver_name: str
    copies: tuple[str, ...] = ("Liên 1: Lưu", "Liên 2: Giao người nộp hồ sơ")
    request_counts: str = ""  # "03 bản, mỗi bản 05 trang": the counts the fee was computed on, when they matter


@cache
def _table_head(styles: Styles) -> tuple[Para, ...]:
    """The same four headings on every slip of a page size: laid out once per process."""
    return tuple(Para(text, styles.table_head) for text in ("STT", "Tên giấy tờ", "Bản chính/chứng thực/photo",
                                                            "Số lượng"))


def documents_table(documents: tuple[tuple[str, str, int], ...], styles: Styles, page: Page) -> Flowable:
    head = list(_table_head(styles))  # a copy: a table may replace its cells by their processed form
    width = page.frame_width
    fixed = [7 * mm, 31 * mm, 11 * mm] if page.size == "A5" else [10 * mm, 45 * mm, 18 * mm]
    room = width - sum(fixed) - 4
    cell = styles.table
    # A name that fits its line is a plain string: no paragraph to parse and break (most of the time).
    rows = [[str(i), name if stringWidth(name, cell.fontName, cell.fontSize) <= room else
             Para(esc(name), cell), form, str(quantity)]
            for i, (name, form, quantity) in enumerate(documents, start=1)]
    table = grid([head, *rows], [fixed[0], width - sum(fixed), fixed[1], fixed[2]], padding=2)
    table.setStyle([("FONT", (0, 1), (-1, -1), cell.fontName, cell.fontSize, cell.leading),
                    ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0.8),
                    ("ALIGN", (0, 1), (0, -1), "CENTER"), ("ALIGN", (2, 1), (-1, -1), "CENTER"),
                    ("VALIGN", (0, 0), (-1, 0), "MIDDLE")])
    return table


NBSP = "\u00a0"
SPACES = re.compile(r"[ \t\r\n\f\v]+")  # what a Paragraph folds into one space (a no-break space stays)


def line(parts: Sequence[tuple[str, bool]], style: ParagraphStyle) -> Flowable:
    """A line of plain and bold parts: drawn as strings when it fits (most of the time), laid out
    as the same Paragraph when it does not."""
    bold = bold_face(style)
    runs = [(SPACES.sub(" ", text), bold if strong else style.fontName) for text, strong in parts if text]
    markup = "".join(f"<b>{esc(text)}</b>" if strong else esc(text).replace(NBSP, "&nbsp;") for text, strong in parts)
    return Runs(runs, style, markup)


def _applicant(data: SlipData, styles: Styles) -> list[Flowable]:
    return [
        field(data.office, data.agency, styles.left),
        field("Tiếp nhận hồ sơ của", data.applicant_name, styles.left),
        field("Địa chỉ", data.address, styles.left),
        line([("Số điện thoại: ", False), (data.phone or "…………", True), (NBSP * 4, False), ("Email: ", False),
              (data.email or "…………", True)], styles.left),
        field("Nội dung yêu cầu giải quyết", data.procedure_name, styles.left),
        line([("1. Thành phần hồ sơ nộp gồm:", False)], styles.left),
    ]


def _terms(data: SlipData, styles: Styles) -> list[Flowable]:
    return [
        line([("2. Số lượng hồ sơ: ", False), (f"{data.sets_count:02d}", True), (" (bộ)", False),
              ("; số bản yêu cầu: " if data.request_counts else "", False), (data.request_counts, True)],
             styles.left),
        line([("3. Thời gian giải quyết hồ sơ theo quy định là: ", False), (data.legal_time, True)], styles.left),
        line([("4. Thời gian nhận hồ sơ: ", False), (data.received, True)], styles.left),
        line([("5. Thời gian trả kết quả giải quyết hồ sơ: ", False), (data.due, True)], styles.left),
    ]


def _closing(data: SlipData, styles: Styles) -> list[Flowable]:
    return [
        line([("6. Đăng ký nhận kết quả tại: ", False), (data.return_place, True)], styles.left),
        line([("Phí, lệ phí: ", False), (data.fee, True)], styles.left),
        line([("Vào Sổ theo dõi hồ sơ, Quyển số: ", False), (data.book_number, True), (NBSP * 3, False),
              ("Số thứ tự: ", False), (data.book_sequence, True)], styles.left),
    ]


def _body(data: SlipData, styles: Styles, page: Page) -> list[Flowable]:
    """Everything under the title: the same for both copies (built once, laid out twice)."""
    story: list[Flowable] = [*title(data.title, styles), *_applicant(data, styles)]
    story.append(documents_table(data.documents, styles, page) if data.documents else Paragraph("…………", styles.left))
    story += _terms(data, styles)
    # The applicant writes their own name under their signature ("Ký và ghi rõ họ tên"); it is
    # printed in full above, and a 100-character name under it would take three lines of an A5 page.
    story.append(signatures([("NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", ""),
                             ("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", data.receiver_name)], styles, page,
                            keep_with=_closing(data, styles)))
    # A new paragraph each time (a story's flowable carries marks of the layout it was in); the
    # note is the same on every slip of the office, so its lines are broken once (Para).
    story.append(Para(slip_note(data.office), styles.note))
    return story


def render_slip(data: SlipData, page: Page | None = None, *, stamp: str = "") -> bytes:
    page = page or Page("A5")
    styles = Styles.of(page)
    payload = data.qr.payload()
    body = _body(data, styles, page)
    bars = barcode(data.code)
    story: list[Flowable] = []
    for index, copy in enumerate(data.copies):
        if index:
            story += [NextPageTemplate("first"), PageBreak()]
        code = code_block(data.code, copy, styles, page.frame_width - qr_room(payload, page), bars=bars)
        story += [Section(f"Mã hồ sơ: {data.code} ({copy})"),
                  *letterhead(data.head, styles, page, qr=payload, beside_qr=code), *body]
    return render(story, page, qr_payload=payload, title_meta=f"{data.title} {data.code}", stamp=stamp)
