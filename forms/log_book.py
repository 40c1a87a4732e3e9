"""Mẫu 06 (TT 01/2018) / Mẫu 07 (TT 03/2025) — Sổ theo dõi hồ sơ for a date range: A4 landscape,
repeated header rows, "Trang x/y"; and the same book as an .xlsx workbook."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from reportlab.platypus import Flowable, Paragraph

from forms.page import Letterhead, Page, Styles, esc, grid, letterhead, render, title

COLUMNS = ("STT", "Mã hồ sơ", "Nội dung hồ sơ", "Số lượng (bộ)", "Họ tên chủ hồ sơ", "Địa chỉ chủ hồ sơ",
           "Số điện thoại", "Nhận hồ sơ", "Hẹn trả kết quả", "Ngày nhận kết quả", "Bên giao", "Bên nhận", "Ghi chú")
WIDTHS = (9, 40, 38, 11, 28, 36, 19, 17, 17, 17, 20, 22, 16)  # relative


@dataclass(frozen=True)
class BookRow:
    code: str
    procedure: str
    sets: int
    owner: str
    address: str
    phone: str
    received: str
    due: str
    returned: str
    giver: str
    taker: str
    note: str


@dataclass(frozen=True)
class BookData:
    head: Letterhead
    title: str
    period: str  # "Từ ngày 01/11/2026 đến ngày 30/11/2026"
    rows: tuple[BookRow, ...]


def _header(styles: Styles) -> list[list[Any]]:
    cells = [Paragraph(esc(c), styles.cell_head) for c in COLUMNS]
    top = [*cells[:7], Paragraph("Ngày, tháng, năm", styles.cell_head), "", "",
           Paragraph("Trả kết quả", styles.cell_head), "", cells[12]]
    return [top, ["", "", "", "", "", "", "", *cells[7:12], ""]]


PLAIN = {0, 1, 3, 6, 7, 8, 9}  # short values: plain strings, no paragraph layout (most of a long book's time)


def _cells(index: int, row: BookRow, styles: Styles) -> list[Any]:
    values = (str(index), row.code, row.procedure, str(row.sets), row.owner, row.address, row.phone,
              row.received.replace(" ", "\n"), row.due.replace(" ", "\n"), row.returned, row.giver, row.taker,
              row.note)
    return [v if i in PLAIN else Paragraph(esc(v), styles.cell) for i, v in enumerate(values)]


def render_log_book(data: BookData, page: Page | None = None) -> bytes:
    page = page or Page("A4", landscape=True)
    styles = Styles(Page("A5"))  # the book's cells use the compact sizes
    unit = page.frame_width / sum(WIDTHS)
    table = grid([*_header(styles), *(_cells(i, r, styles) for i, r in enumerate(data.rows, start=1))],
                 [w * unit for w in WIDTHS], header_rows=2)
    spans = [("SPAN", (c, 0), (c, 1)) for c in (0, 1, 2, 3, 4, 5, 6, 12)] + [("SPAN", (7, 0), (9, 0)),
                                                                            ("SPAN", (10, 0), (11, 0))]
    plain_font = [("FONT", (0, 2), (-1, -1), styles.cell.fontName, styles.cell.fontSize, styles.cell.leading),
                  ("ALIGN", (0, 2), (0, -1), "CENTER"), ("ALIGN", (3, 2), (3, -1), "CENTER")]
    table.setStyle([*spans, *plain_font, ("VALIGN", (0, 0), (-1, 1), "MIDDLE")])
    story: list[Flowable] = [*letterhead(data.head, styles, page, with_qr=False), *title(data.title, styles,
                             data.period), table]
    return render(story, page, title_meta=data.title, page_numbers=True)


def log_book_xlsx(data: BookData) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "So theo doi ho so"
    thin = Side(style="thin")
    sheet.append([data.title.upper()])
    sheet.append([data.period])
    sheet.append(list(COLUMNS))
    for index, row in enumerate(data.rows, start=1):
        sheet.append([index, row.code, row.procedure, row.sets, row.owner, row.address, row.phone, row.received,
                      row.due, row.returned, row.giver, row.taker, row.note])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(COLUMNS))
    sheet["A1"].font = Font(name="Times New Roman", bold=True, size=14)
    for cells in sheet.iter_rows(min_row=3):
        for cell in cells:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.font = Font(name="Times New Roman", size=11, bold=cell.row == 3)
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[sheet.cell(row=3, column=index).column_letter].width = width * 0.6
    sheet.freeze_panes = "A4"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
