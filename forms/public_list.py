"""The public list of procedures with their times and fees (niêm yết công khai), A4 landscape, in
type readable from a metre (12 pt at least). It shows citizens what applies to them: a national
procedure code only where it was verified, and no internal working notes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from forms.page import Letterhead, Page, Styles, esc, grid, letterhead, render, title

HEAD = ("STT", "Tên thủ tục hành chính", "Lĩnh vực", "Thời hạn giải quyết", "Phí, lệ phí", "Căn cứ pháp lý")
WIDTHS = (0.05, 0.27, 0.11, 0.17, 0.17, 0.23)
WALL_SIZE = 12
# Notes the catalogue keeps for the desk's own staff ("(thời hạn chưa đối chiếu văn bản gốc)").
INTERNAL_NOTE = re.compile(r"\s*\([^()]*\b(?:chưa đối chiếu|chưa xác minh|chưa kiểm tra)\b[^()]*\)", re.IGNORECASE)


@dataclass(frozen=True)
class ListedProcedure:
    name: str
    code: str  # the national code (MaTTHC) when verified, else ""
    field: str
    time: str
    fee: str
    basis: str


@dataclass(frozen=True)
class PublicListData:
    head: Letterhead
    title: str
    subtitle: str
    items: tuple[ListedProcedure, ...]


def public_text(text: str) -> str:
    return INTERNAL_NOTE.sub("", text).strip()


def render_public_list(data: PublicListData, page: Page | None = None) -> bytes:
    page = page or Page("A4", landscape=True)
    styles = Styles.of(page)
    cell = ParagraphStyle("wall", parent=styles.cell, fontSize=WALL_SIZE, leading=WALL_SIZE * 1.2)
    head = ParagraphStyle("wallh", parent=styles.cell_head, fontSize=WALL_SIZE, leading=WALL_SIZE * 1.2)
    rows = [[Paragraph(h, head) for h in HEAD]]
    for index, item in enumerate(data.items, start=1):
        name = esc(item.name) + (f"<br/><i>Mã: {esc(item.code)}</i>" if item.code else "")
        rows.append([Paragraph(str(index), cell), Paragraph(name, cell), Paragraph(esc(item.field), cell),
                     Paragraph(esc(item.time), cell), Paragraph(esc(public_text(item.fee)), cell),
                     Paragraph(esc(public_text(item.basis)), cell)])
    story: list[Flowable] = [*letterhead(data.head, styles, page, qr=None),
                             *title(data.title, styles, data.subtitle),
                             grid(rows, [w * page.frame_width for w in WIDTHS], padding=4)]
    return render(story, page, title_meta=data.title, page_numbers=True)
