"""Biểu số II.06a/VPCP/KSTT (TT 01/2020/TT-VPCP): the results of handling administrative procedures
by lĩnh vực for a period — A4 landscape PDF and an .xlsx workbook with real numbers, SUM formulas
for the totals, landscape, fit to width and the header rows repeated on every printed page.

Takes data already formatted (names, the period line, the date line); no Qt, no database."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from forms.page import NO_PADDING, OneLine, Page, Styles, esc, grid, render, signatures

FORM_ID = "Biểu số II.06a/VPCP/KSTT"
FORM_BASIS = "Ban hành kèm theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020"
TITLE = "Tình hình, kết quả giải quyết thủ tục hành chính"
KEYS = ("received_total", "received_online", "received_direct", "carried_over", "resolved_total", "resolved_early",
        "resolved_on_time", "resolved_late", "pending_total", "pending_within", "pending_overdue")
LEAVES = ("STT", "Lĩnh vực giải quyết", "Tổng số", "Trực tuyến", "Trực tiếp, dịch vụ bưu chính", "Từ kỳ trước",
          "Tổng số", "Trước hạn", "Đúng hạn", "Quá hạn", "Tổng số", "Trong hạn", "Quá hạn")
# (first, last, label): 0-based column spans of the top header row, and of the "Trong đó" row under it
GROUPS = ((2, 5, "Số hồ sơ nhận giải quyết"), (6, 9, "Kết quả giải quyết — số hồ sơ đã giải quyết"),
          (10, 12, "Số hồ sơ đang giải quyết"))
WITHIN = ((3, 5, "Trong đó"), (7, 9, "Trong đó"), (11, 12, "Trong đó"))
WIDTHS = (9, 38, 13, 13, 17, 13, 13, 13, 13, 13, 13, 13, 13)
FOOTNOTES = (
    "Ghi chú: Cột (9) «Đúng hạn» gồm cả hồ sơ bị trả lại (từ chối, dừng giải quyết) và hồ sơ công dân rút; "
    "cột (12) «Trong hạn» gồm cả hồ sơ đang chờ bổ sung. Hồ sơ yêu cầu bổ sung quá một lần, hoặc đã có phiếu "
    "xin lỗi và hẹn lại ngày trả, tính là quá hạn (Quyết định 766/QĐ-TTg).",
    "(3) = (4) + (5) + (6) = (7) + (11); (7) = (8) + (9) + (10); (11) = (12) + (13).",
)


@dataclass(frozen=True)
class Ii06aData:
    reporting_unit: str  # "UBND xã Quảng Phú"
    receiving_unit: str  # "Văn phòng UBND tỉnh …"
    period: str  # "Từ ngày 01/10/2026 đến ngày 31/12/2026"
    date_line: str  # "Quảng Phú, ngày 05 tháng 01 năm 2027"
    rows: tuple[tuple[str, dict[str, int]], ...]  # (lĩnh vực, counts by KEYS)
    total: dict[str, int]
    preparer: str = ""
    head_title: str = "CHỦ TỊCH"


def _top(data: Ii06aData, styles: Styles, page: Page) -> list[Flowable]:
    width = page.frame_width
    basis = ParagraphStyle("basis", parent=styles.small_italic, alignment=TA_LEFT)
    left = [OneLine(FORM_ID, styles.small), Paragraph(esc(FORM_BASIS), basis),
            OneLine("Ngày nhận báo cáo (BC):", styles.small)]
    centre = [OneLine(TITLE.upper(), styles.title), OneLine(f"Kỳ báo cáo: {data.period}", styles.subtitle)]
    right = [Paragraph(f"- Đơn vị báo cáo: <b>{esc(data.reporting_unit)}</b>", styles.small),
             Paragraph(f"- Đơn vị nhận báo cáo: <b>{esc(data.receiving_unit)}</b>", styles.small)]
    table = Table([[left, centre, right]], colWidths=[width * 0.24, width * 0.5, width * 0.26])
    table.setStyle(TableStyle([*NO_PADDING, ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("RIGHTPADDING", (0, 0), (0, 0), 3 * mm), ("LEFTPADDING", (2, 0), (2, 0), 3 * mm)]))
    return [table, Spacer(1, 3 * mm)]


def _header(styles: Styles) -> list[list[Any]]:
    cell = styles.cell_head
    top: list[Any] = [Paragraph(esc(label), cell) for label in LEAVES]
    middle: list[Any] = [""] * len(LEAVES)
    leaves: list[Any] = [""] * len(LEAVES)
    for first, last, label in GROUPS:
        top[first:last + 1] = [Paragraph(esc(label), cell)] + [""] * (last - first)
        middle[first] = Paragraph(esc(LEAVES[first]), cell)
    for first, last, label in WITHIN:
        middle[first:last + 1] = [Paragraph(esc(label), cell)] + [""] * (last - first)
        leaves[first:last + 1] = [Paragraph(esc(LEAVES[i]), cell) for i in range(first, last + 1)]
    numbers = [f"({i})" for i in range(1, len(LEAVES) + 1)]
    return [top, middle, leaves, numbers]


def _spans() -> list[tuple[Any, ...]]:
    spans: list[tuple[Any, ...]] = [("SPAN", (c, 0), (c, 2)) for c in (0, 1)]
    spans += [("SPAN", (a, 0), (b, 0)) for a, b, _ in GROUPS]
    spans += [("SPAN", (a, 1), (a, 2)) for a, _, _ in GROUPS]  # each group's "Tổng số"
    spans += [("SPAN", (a, 1), (b, 1)) for a, b, _ in WITHIN]
    return spans


def render_ii06a(data: Ii06aData) -> bytes:
    page = Page("A4", landscape=True)
    body = Styles.of(page)
    styles = body  # 11-point cells: a commune's table has a handful of rows, read from the printed page
    unit = page.frame_width / sum(WIDTHS)
    rows: list[list[Any]] = [[str(i), Paragraph(esc(name), styles.cell), *(str(cols[k]) for k in KEYS)]
                             for i, (name, cols) in enumerate(data.rows, start=1)]
    rows.append(["", Paragraph("<b>Tổng cộng</b>", styles.cell), *(str(data.total[k]) for k in KEYS)])
    table = grid([*_header(styles), *rows], [w * unit for w in WIDTHS], header_rows=4)
    last = len(rows) + 3
    table.setStyle([*_spans(), ("VALIGN", (0, 0), (-1, 3), "MIDDLE"), ("ALIGN", (0, 3), (-1, -1), "CENTER"),
                    ("ALIGN", (2, 4), (-1, -1), "RIGHT"),
                    ("FONT", (0, 3), (-1, -1), styles.cell.fontName, styles.cell.fontSize),
                    ("FONT", (0, last), (-1, last), f"{styles.cell.fontName}-Bold", styles.cell.fontSize)])
    notes = [Paragraph(esc(note), styles.small_italic) for note in FOOTNOTES]
    story: list[Flowable] = [*_top(data, body, page), table, Spacer(1, 2 * mm), *notes, Spacer(1, 2 * mm),
                             OneLine(data.date_line, _right_date(body)),
                             signatures([("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)", data.preparer),
                                         (data.head_title, "(Ký tên, đóng dấu)", "")], body, page)]
    return render(story, page, title_meta=f"{FORM_ID} {data.period}", page_numbers=True)


def _right_date(styles: Styles) -> ParagraphStyle:
    return ParagraphStyle("dater", parent=styles.date, alignment=TA_RIGHT)


# -- the workbook -------------------------------------------------------------------------------

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_ROWS = 5  # the table's first row: four title lines and a blank one above it


def _head_cells(sheet: Worksheet, data: Ii06aData) -> int:
    """The title block and the four header rows; returns the first data row."""
    n = len(LEAVES)
    sheet.append([FORM_ID, None, None, TITLE.upper(), *[None] * 6, f"Đơn vị báo cáo: {data.reporting_unit}"])
    sheet.append([FORM_BASIS, None, None, f"Kỳ báo cáo: {data.period}", *[None] * 6,
                  f"Đơn vị nhận báo cáo: {data.receiving_unit}"])
    sheet.append([])
    for row in (1, 2):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=3)
        sheet.merge_cells(start_row=row, start_column=4, end_row=row, end_column=10)
        sheet.merge_cells(start_row=row, start_column=11, end_row=row, end_column=n)
    first = 4
    top: list[Any] = list(LEAVES)
    middle: list[Any] = [None] * n
    leaves: list[Any] = [None] * n
    for a, b, label in GROUPS:
        top[a:b + 1] = [label] + [None] * (b - a)
        middle[a] = LEAVES[a]
    for a, b, label in WITHIN:
        middle[a:b + 1] = [label] + [None] * (b - a)
        leaves[a:b + 1] = list(LEAVES[a:b + 1])
    for values in (top, middle, leaves, [f"({i})" for i in range(1, n + 1)]):
        sheet.append(values)
    for start, end_row, start_col, end_col in _merged_header(first):
        sheet.merge_cells(start_row=start, start_column=start_col, end_row=end_row, end_column=end_col)
    return first + 4


def _merged_header(first: int) -> Sequence[tuple[int, int, int, int]]:
    """(first row, last row, first column, last column), 1-based, of every merged header cell."""
    out = [(first, first + 2, c, c) for c in (1, 2)]
    out += [(first, first, a + 1, b + 1) for a, b, _ in GROUPS]
    out += [(first + 1, first + 2, a + 1, a + 1) for a, _, _ in GROUPS]
    out += [(first + 1, first + 1, a + 1, b + 1) for a, b, _ in WITHIN]
    return out


def ii06a_xlsx(data: Ii06aData) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Bieu II.06a"
    start = _head_cells(sheet, data)
    for index, (name, cols) in enumerate(data.rows, start=1):
        sheet.append([index, name, *(cols[k] for k in KEYS)])
    last_data = sheet.max_row
    total_row = last_data + 1
    sums = [f"=SUM({get_column_letter(c)}{start}:{get_column_letter(c)}{last_data})" if data.rows else 0
            for c in range(3, len(LEAVES) + 1)]
    sheet.append([None, "Tổng cộng", *sums])
    _style(sheet, start, total_row)
    for note in FOOTNOTES:
        sheet.append([note])
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=len(LEAVES))
        sheet.cell(sheet.max_row, 1).alignment = Alignment(wrap_text=True)
        sheet.row_dimensions[sheet.max_row].height = 30
    sheet.append([])
    sheet.append([*[None] * 8, data.date_line])
    sheet.append([None, "NGƯỜI LẬP BIỂU", *[None] * 6, data.head_title])
    sheet.append([None, "(Ký, ghi rõ họ tên)", *[None] * 6, "(Ký tên, đóng dấu)"])
    for _ in range(3):
        sheet.append([])
    sheet.append([None, data.preparer])
    sheet.print_title_rows = f"4:{start - 1}"
    sheet.freeze_panes = f"C{start}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _style(sheet: Worksheet, start: int, total_row: int) -> None:
    sheet["D1"].font = Font(name="Times New Roman", bold=True, size=14)
    for row in sheet.iter_rows(min_row=1, max_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top",
                                       horizontal="center" if 4 <= cell.column <= 10 else "left")
            if cell.font.size != 14:
                cell.font = Font(name="Times New Roman", size=11, italic=cell.row == 2 and cell.column < 4)
    sheet.row_dimensions[1].height = sheet.row_dimensions[2].height = 32
    for row in sheet.iter_rows(min_row=4, max_row=total_row, max_col=len(LEAVES)):
        for cell in row:
            head = cell.row < start
            cell.border = BOX
            cell.font = Font(name="Times New Roman", size=11, bold=head or cell.row == total_row)
            cell.alignment = Alignment(wrap_text=True, vertical="center",
                                       horizontal="center" if head or cell.column == 1 else None)
            if not head and cell.column >= 3:
                cell.number_format = "#,##0"
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width * 0.9
