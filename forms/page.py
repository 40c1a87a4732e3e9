"""The layout every one-stop paper shares: page size, styles, the two-column letterhead with the
QR in the top-left corner, the title, signature blocks, and rendering to PDF bytes."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    LongTable,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from forms.fonts import SERIF, register_fonts
from forms.qr import draw_qr

SIZES = {"A5": A5, "A4": A4}
QR_SIZE = {"A5": 20 * mm, "A4": 25 * mm}


@dataclass(frozen=True)
class Letterhead:
    agency_name: str  # "UBND XÃ QUẢNG PHÚ"
    office_name: str  # "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"
    date_line: str  # "Quảng Phú, ngày 20 tháng 11 năm 2026"
    number: str = ""  # "Số: 12/HDHS"
    form_label: str = ""  # "Mẫu số 01", printed small above the right column


@dataclass(frozen=True)
class Page:
    size: str = "A5"
    landscape: bool = False

    @property
    def pagesize(self) -> tuple[float, float]:
        base = SIZES[self.size]
        return landscape(base) if self.landscape else base

    @property
    def margins(self) -> tuple[float, float, float, float]:
        """left, right, top, bottom"""
        return (13 * mm, 10 * mm, 8 * mm, 8 * mm) if self.size == "A5" else (25 * mm, 15 * mm, 15 * mm, 15 * mm)

    @property
    def body_size(self) -> float:
        return 10 if self.size == "A5" else 13

    @property
    def frame_width(self) -> float:
        left, right, _, _ = self.margins
        return self.pagesize[0] - left - right


class Styles:
    """Paragraph styles scaled to the page: A5 papers use a smaller body than A4."""

    def __init__(self, page: Page) -> None:
        register_fonts()
        size = page.body_size
        lead = size * 1.22
        # Justified text is the norm on A4; an A5 column is too narrow for it (wide gaps around long words).
        align = TA_LEFT if page.size == "A5" else TA_JUSTIFY
        self.body = ParagraphStyle("body", fontName=SERIF, fontSize=size, leading=lead, alignment=align)
        self.left = ParagraphStyle("left", parent=self.body, alignment=TA_LEFT)
        self.indent = ParagraphStyle("indent", parent=self.body, leftIndent=size, alignment=TA_LEFT)
        self.head = ParagraphStyle("head", parent=self.body, fontSize=size - 1, leading=lead - 1.5, alignment=TA_CENTER)
        self.head_bold = ParagraphStyle("headb", parent=self.head, fontName=f"{SERIF}-Bold")
        self.date = ParagraphStyle("date", parent=self.head, fontName=f"{SERIF}-Italic")
        self.title = ParagraphStyle("title", parent=self.body, fontName=f"{SERIF}-Bold", fontSize=size + 2,
                                    leading=lead + 3, alignment=TA_CENTER, spaceBefore=4, spaceAfter=2)
        self.subtitle = ParagraphStyle("sub", parent=self.body, fontName=f"{SERIF}-Italic", alignment=TA_CENTER)
        self.center = ParagraphStyle("center", parent=self.body, alignment=TA_CENTER)
        self.center_bold = ParagraphStyle("centerb", parent=self.center, fontName=f"{SERIF}-Bold")
        self.small = ParagraphStyle("small", parent=self.body, fontSize=size - 2, leading=(size - 2) * 1.25)
        self.small_italic = ParagraphStyle("smalli", parent=self.small, fontName=f"{SERIF}-Italic")
        self.right_small = ParagraphStyle("rsmall", parent=self.small, alignment=TA_RIGHT)
        self.cell = ParagraphStyle("cell", parent=self.small, alignment=TA_LEFT)
        self.cell_center = ParagraphStyle("cellc", parent=self.cell, alignment=TA_CENTER)
        self.cell_head = ParagraphStyle("cellh", parent=self.cell_center, fontName=f"{SERIF}-Bold")


def esc(text: object) -> str:
    """Paragraph text is mini-HTML: escape what a citizen's name or address may contain."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def field(label: str, value: str, style: ParagraphStyle) -> Paragraph:
    """"Label: value" with the value in bold, the way filled-in forms read."""
    return Paragraph(f"{esc(label)}: <b>{esc(value)}</b>" if value else f"{esc(label)}: …………………………", style)


def letterhead(head: Letterhead, styles: Styles, page: Page, *, with_qr: bool) -> list[Flowable]:
    width = page.frame_width
    # The right column is as wide as the national motto needs, so it never wraps; the agency
    # block gets the rest.
    motto = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    needed = max(stringWidth(motto, styles.head_bold.fontName, styles.head_bold.fontSize),
                 stringWidth(head.date_line, styles.date.fontName, styles.date.fontSize)) + 1.5 * mm
    left_width = width - needed
    qr_room = QR_SIZE[page.size] + 1 * mm if with_qr else 0
    left = [Paragraph(esc(head.agency_name.upper()), styles.head),
            Paragraph(esc(head.office_name.upper()), styles.head_bold),
            HRFlowable(width="40%", thickness=0.6, spaceBefore=1, spaceAfter=2, hAlign="CENTER")]
    if head.number:
        left.append(Paragraph(esc(head.number), styles.head))
    right = [Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", styles.head_bold),
             Paragraph("Độc lập - Tự do - Hạnh phúc", styles.head_bold),
             HRFlowable(width="55%", thickness=0.6, spaceBefore=1, spaceAfter=3),
             Paragraph(esc(head.date_line), styles.date)]
    # The QR takes the top-left corner (TT 01/2023 Điều 26); the agency block sits to its right.
    table = Table([["", left, right]], colWidths=[qr_room, left_width - qr_room, width - left_width])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 0)]))
    story: list[Flowable] = []
    if head.form_label:
        story.append(Paragraph(esc(head.form_label), styles.right_small))
    story += [table, Spacer(1, 3 * mm)]
    return story


def title(text: str, styles: Styles, subtitle: str = "") -> list[Flowable]:
    story: list[Flowable] = [Paragraph(esc(text.upper()), styles.title)]
    if subtitle:
        story.append(Paragraph(esc(subtitle), styles.subtitle))
    story.append(Spacer(1, 2 * mm))
    return story


def signatures(blocks: Sequence[tuple[str, str, str]], styles: Styles, page: Page) -> Flowable:
    """Signature columns: (title, hint, printed name) each; the space between is for the pen."""
    cells = [[Paragraph(f"<b>{esc(t)}</b>", styles.center), Paragraph(f"<i>{esc(h)}</i>", styles.center),
              Spacer(1, 13 * mm if page.size == "A5" else 22 * mm), Paragraph(f"<b>{esc(n)}</b>", styles.center)]
             for t, h, n in blocks]
    table = Table([cells], colWidths=[page.frame_width / len(blocks)] * len(blocks))
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return KeepTogether([Spacer(1, 2 * mm), table])


def grid(rows: list[list[Any]], widths: list[float], *, header_rows: int = 1) -> Table:
    # LongTable splits across pages without re-measuring the whole remainder at every page break.
    table = LongTable(rows, colWidths=widths, repeatRows=header_rows)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0)), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]))
    return table


PageHook = Callable[[Canvas, Any], None]


class NumberedCanvas(Canvas):
    """Holds every page until the end so that each can print "Trang x/y"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(SERIF, 9)
            width = self._pagesize[0]
            self.drawRightString(width - 15 * mm, 8 * mm, f"Trang {self._pageNumber}/{total}")
            super().showPage()
        super().save()


def render(story: list[Flowable], page: Page, *, qr_payload: str | None = None, title_meta: str = "",
           on_page: PageHook | None = None, page_numbers: bool = False) -> bytes:
    """Lays out `story` and returns the PDF. The QR goes in the top-left corner of every page,
    so each copy of a two-copy slip carries its own."""
    buffer = io.BytesIO()
    left, right, top, bottom = page.margins
    doc = BaseDocTemplate(buffer, pagesize=page.pagesize, leftMargin=left, rightMargin=right, topMargin=top,
                          bottomMargin=bottom, title=title_meta, author="Một cửa", creator="motcua-desk")

    qr_drawn: list[bool] = []

    def decorate(canvas: Canvas, document: Any) -> None:
        if qr_payload:
            size = QR_SIZE[page.size]
            if not qr_drawn:  # one form object, placed on every page: the second copy costs nothing
                canvas.beginForm("paper_qr", 0, 0, size, size)
                draw_qr(canvas, qr_payload, 0, 0, size)
                canvas.endForm()
                qr_drawn.append(True)
            canvas.saveState()
            canvas.translate(left, page.pagesize[1] - top - size)
            canvas.doForm("paper_qr")
            canvas.restoreState()
        if on_page:
            on_page(canvas, document)

    # No frame padding: widths computed from the margins must be the widths that are drawn.
    frame = Frame(left, bottom, page.frame_width, page.pagesize[1] - top - bottom, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate("page", [frame], onPage=decorate)])
    doc.build(story, canvasmaker=NumberedCanvas if page_numbers else Canvas)
    return buffer.getvalue()


@dataclass(frozen=True)
class Party:
    """The applicant as the one-stop forms name them."""

    name: str
    address: str = ""
    phone: str = ""
    email: str = ""


def party_lines(party: Party, styles: Styles, lead: str = "Tiếp nhận hồ sơ của") -> list[Flowable]:
    return [
        field(lead, party.name, styles.left),
        field("Địa chỉ", party.address, styles.left),
        Paragraph(f"Số điện thoại: <b>{esc(party.phone) or '…………'}</b>&nbsp;&nbsp;&nbsp;&nbsp;"
                  f"Email: <b>{esc(party.email) or '…………'}</b>", styles.left),
    ]


def numbered(items: Sequence[str], styles: Styles) -> list[Flowable]:
    return [Paragraph(f"{i}. {esc(item)}", styles.indent) for i, item in enumerate(items, start=1)]



def dossier_opening(head: Letterhead, heading: str, code: str, applicant: Party, procedure_name: str,
                    styles: Styles, page: Page, lead: str = "Tiếp nhận hồ sơ của") -> list[Flowable]:
    """How the desk's own papers about one dossier begin: letterhead with QR, title, the code,
    who filed it, and what they asked for."""
    story: list[Flowable] = letterhead(head, styles, page, with_qr=True) + title(heading, styles)
    story.append(field("Mã hồ sơ", code, styles.left))
    story += party_lines(applicant, styles, lead)
    story.append(field("Nội dung yêu cầu giải quyết", procedure_name, styles.left))
    return story
