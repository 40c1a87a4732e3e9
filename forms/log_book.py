"""Mẫu 06 (TT 01/2018) / Mẫu 07 (TT 03/2025) — Sổ theo dõi hồ sơ for a date range: A4 landscape,
repeated header rows, "Trang x/y"; and the same book as an .xlsx workbook with real date cells,
two header rows repeated on every printed page, landscape, and totals.

Every dossier of the period is in it with its state: a refused, stopped or withdrawn one has no
due date to keep and says so in "Ghi chú", with its reason."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph

from forms.page import Letterhead, Page, PagedGrid, Para, Styles, esc, grid_style, letterhead, render, title

COLUMNS = ("STT", "Mã hồ sơ", "Nội dung hồ sơ", "Số lượng (bộ)", "Họ tên chủ hồ sơ", "Địa chỉ chủ hồ sơ",
           "Số điện thoại", "Nhận hồ sơ", "Hẹn trả kết quả", "Ngày nhận kết quả", "Bên giao", "Bên nhận", "Ghi chú")
GROUPS = ((7, 9, "Ngày, tháng, năm"), (10, 11, "Trả kết quả"))  # 0-based column spans of the first header row
WIDTHS = (9, 38, 34, 10, 27, 36, 19, 17, 17, 17, 20, 22, 50)  # relative; the note holds a reason
MOMENT, DAY = "%d/%m/%Y %H:%M", "%d/%m/%Y"


@dataclass(frozen=True)
class BookRow:
    code: str
    procedure: str
    sets: int
    owner: str
    address: str
    phone: str
    received: datetime  # local wall time
    due: datetime | None  # None: refused, stopped or withdrawn — nothing left to keep
    returned: date | None
    giver: str
    taker: str
    note: str
    state: str = ""  # "Đã trả kết quả", "Từ chối tiếp nhận", …: counted in the totals


@dataclass(frozen=True)
class BookData:
    head: Letterhead
    title: str
    period: str  # "Từ ngày 01/11/2026 đến ngày 30/11/2026"
    rows: tuple[BookRow, ...]

    def totals(self) -> str:
        states = Counter(row.state for row in self.rows if row.state)
        parts = [f"{state}: {count}" for state, count in sorted(states.items())]
        sets = sum(row.sets for row in self.rows)
        return f"Tổng cộng: {len(self.rows)} hồ sơ ({sets} bộ)" + (f" – {'; '.join(parts)}" if parts else "")


def _header(styles: Styles) -> list[list[Any]]:
    cells = [Para(esc(c), styles.cell_head) for c in COLUMNS]
    top: list[Any] = list(cells)
    second: list[Any] = [""] * len(COLUMNS)
    for first, last, label in GROUPS:
        top[first:last + 1] = [Para(label, styles.cell_head)] + [""] * (last - first)
        second[first:last + 1] = cells[first:last + 1]
    return [top, second]


PLAIN = {0, 1, 3, 6, 7, 8, 9}  # short values: plain strings, no paragraph layout (most of a long book's time)
PADDING = 3


def _cell(value: str, room: float, style: ParagraphStyle) -> Any:
    """A value that fits its cell on one line is drawn as a plain string, in the same font at the
    same place as a one-line paragraph (the table's FONT for the body rows is the cell style's);
    a longer one is a paragraph that wraps. Laying out thousands of paragraphs was most of a long
    book's time."""
    words = " ".join(value.split())  # as a paragraph lays text out
    if stringWidth(words, style.fontName, style.fontSize) <= room - FIT_MARGIN:
        return words
    return Para(esc(value), style)


FIT_MARGIN = 0.01  # points: a value exactly as wide as its cell is left to the paragraph's rule


def _cells(index: int, row: BookRow, styles: Styles, rooms: Sequence[float]) -> list[Any]:
    due = f"{row.due:{MOMENT}}".replace(" ", "\n") if row.due else ""
    values = (str(index), row.code, row.procedure, str(row.sets), row.owner, row.address, row.phone,
              f"{row.received:{MOMENT}}".replace(" ", "\n"), due, f"{row.returned:{DAY}}" if row.returned else "",
              row.giver, row.taker, row.note)
    return [v if i in PLAIN else _cell(v, rooms[i], styles.cell) for i, v in enumerate(values)]


def render_log_book(data: BookData, page: Page | None = None) -> bytes:
    page = page or Page("A4", landscape=True)
    styles = Styles.of(Page("A5"))  # the book's cells use the compact sizes
    unit = page.frame_width / sum(WIDTHS)
    widths = [w * unit for w in WIDTHS]
    rooms = [w - 2 * PADDING for w in widths]
    spans = [("SPAN", (c, 0), (c, 1)) for c in range(len(COLUMNS)) if not any(a <= c <= b for a, b, _ in GROUPS)]
    spans += [("SPAN", (a, 0), (b, 0)) for a, b, _ in GROUPS]
    plain_font = [("FONT", (0, 2), (-1, -1), styles.cell.fontName, styles.cell.fontSize, styles.cell.leading),
                  ("ALIGN", (0, 2), (0, -1), "CENTER"), ("ALIGN", (3, 2), (3, -1), "CENTER")]
    table = PagedGrid(_header(styles), [_cells(i, r, styles, rooms) for i, r in enumerate(data.rows, start=1)],
                      widths, [*grid_style(PADDING), *spans, *plain_font, ("VALIGN", (0, 0), (-1, 1), "MIDDLE")])
    story: list[Flowable] = [*letterhead(data.head, styles, page, qr=None), *title(data.title, styles, data.period),
                             table, Paragraph(esc(data.totals()), styles.left)]
    return render(story, page, title_meta=data.title, page_numbers=True, compress=True)


def _sheet_header(sheet: Worksheet, data: BookData) -> None:
    sheet.append([data.title.upper()])
    sheet.append([data.period])
    top: list[Any] = list(COLUMNS)
    second: list[Any] = [None] * len(COLUMNS)
    for first, last, label in GROUPS:
        top[first:last + 1] = [label] + [None] * (last - first)
        second[first:last + 1] = COLUMNS[first:last + 1]
    sheet.append(top)
    sheet.append(second)
    for column in range(1, len(COLUMNS) + 1):
        if not any(a + 1 <= column <= b + 1 for a, b, _ in GROUPS):
            sheet.merge_cells(start_row=3, start_column=column, end_row=4, end_column=column)
    for first, last, _ in GROUPS:
        sheet.merge_cells(start_row=3, start_column=first + 1, end_row=3, end_column=last + 1)
    for row in (1, 2):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(COLUMNS))


def log_book_xlsx(data: BookData) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "So theo doi ho so"
    _sheet_header(sheet, data)
    for index, row in enumerate(data.rows, start=1):
        sheet.append([index, row.code, row.procedure, row.sets, row.owner, row.address, row.phone, row.received,
                      row.due, row.returned, row.giver, row.taker, row.note])
    sheet.append([None, data.totals()])
    last = sheet.max_row
    sheet.merge_cells(start_row=last, start_column=2, end_row=last, end_column=len(COLUMNS))
    thin = Side(style="thin")
    sheet["A1"].font = Font(name="Times New Roman", bold=True, size=14)
    for cells in sheet.iter_rows(min_row=3):
        for cell in cells:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(wrap_text=True, vertical="top", horizontal="center" if cell.row < 5 else None)
            cell.font = Font(name="Times New Roman", size=11, bold=cell.row in (3, 4, last))
    for cells in sheet.iter_rows(min_row=5, max_row=last - 1, min_col=8, max_col=10):
        for cell in cells:
            cell.number_format = "dd/mm/yyyy hh:mm" if cell.column < 10 else "dd/mm/yyyy"
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width * 0.6
    sheet.freeze_panes = "A5"
    sheet.print_title_rows = "3:4"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
