"""The public list of procedures with their times and fees (niêm yết công khai), A4."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.platypus import Flowable, Paragraph

from forms.page import Letterhead, Page, Styles, esc, grid, letterhead, render, title

HEAD = ("STT", "Tên thủ tục hành chính", "Lĩnh vực", "Thời hạn giải quyết", "Phí, lệ phí", "Căn cứ pháp lý")
WIDTHS = (0.06, 0.27, 0.11, 0.17, 0.17, 0.22)


@dataclass(frozen=True)
class ListedProcedure:
    name: str
    code: str
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


def render_public_list(data: PublicListData, page: Page | None = None) -> bytes:
    page = page or Page("A4")
    styles = Styles(Page("A5"))
    rows = [[Paragraph(h, styles.cell_head) for h in HEAD]]
    for index, item in enumerate(data.items, start=1):
        name = f"{esc(item.name)}<br/><i>Mã: {esc(item.code)}</i>"
        rows.append([Paragraph(str(index), styles.cell_center), Paragraph(name, styles.cell),
                     Paragraph(esc(item.field), styles.cell), Paragraph(esc(item.time), styles.cell),
                     Paragraph(esc(item.fee), styles.cell), Paragraph(esc(item.basis), styles.cell)])
    story: list[Flowable] = [*letterhead(data.head, styles, page, with_qr=False),
                             *title(data.title, styles, data.subtitle),
                             grid(rows, [w * page.frame_width for w in WIDTHS])]
    return render(story, page, title_meta=data.title, page_numbers=True)
