"""Mẫu 01/TH-BLĐT "Bảng tổng hợp dữ liệu biên lai điện tử" for the file: the same table as the XML
sent to the tax authority (ereceipt.summary), as an A4 landscape PDF and as an .xlsx workbook."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from app.core.money import amount_in_words, format_vnd
from ereceipt.summary import COLUMNS, FORM, NAME, STATUS_NAMES, SummaryHeader, SummaryLine, total
from forms.page import Page, Styles, esc, grid, render, signatures

WIDTHS = (6, 11, 13, 15, 16, 38, 14, 6, 11, 12, 31, 15, 13)  # relative, one per column; 8 digits and a date on one line
NUMBER_FORMAT = "#,##0"


def _row(index: int, header: SummaryHeader, line: SummaryLine) -> list[str]:
    return [str(index), header.template_symbol, header.series_symbol, f"{line.number:08d}",
            f"{line.issued_on:%d/%m/%Y}", line.fee_name, format_vnd(line.amount).removesuffix(" đ"), str(line.rate),
            STATUS_NAMES[line.status], line.adjust_period, line.related, line.explanation, line.note]


def _heading(header: SummaryHeader, styles: Styles) -> list[Flowable]:
    kind = "Lần đầu [x]   Bổ sung lần thứ [  ]" if header.first_time else \
        f"Lần đầu [  ]   Bổ sung lần thứ [{header.supplement_no}]"
    return [Paragraph(f"Mẫu số: {esc(FORM)}", styles.right_small),
            Paragraph(esc(NAME.upper()), styles.title),
            Paragraph(f"[01] Kỳ dữ liệu: Ngày {header.day:%d} tháng {header.day:%m} năm {header.day:%Y}",
                      styles.center),
            Paragraph(f"[02] {kind}", styles.center), Spacer(1, 2 * mm),
            Paragraph(f"[03] Tên tổ chức thu phí, lệ phí: <b>{esc(header.collector_name)}</b>", styles.left),
            Paragraph(f"[04] Mã số thuế: <b>{esc(header.tax_code)}</b>", styles.left),
            Paragraph(f"[05] Ký hiệu mẫu số biên lai: <b>{esc(header.template_symbol)}</b> – Ký hiệu biên lai: "
                      f"<b>{esc(header.series_symbol)}</b> – Số bảng tổng hợp: <b>{header.number}</b>", styles.left),
            Spacer(1, 2 * mm)]


def summary_pdf(header: SummaryHeader, lines: Sequence[SummaryLine], page: Page | None = None) -> bytes:
    page = page or Page("A4", landscape=True)
    styles = Styles.of(page)
    cell, head = styles.cell, styles.cell_head
    rows: list[list[object]] = [[Paragraph(esc(name), head) for name in COLUMNS]]
    rows += [[Paragraph(esc(value), cell) for value in _row(i, header, line)] for i, line in enumerate(lines, 1)]
    amount = total(lines)
    rows.append([Paragraph("<b>Tổng cộng</b>", cell), *[""] * 5, Paragraph(f"<b>{format_vnd(amount)}</b>", cell),
                 *[""] * 6])
    unit = page.frame_width / sum(WIDTHS)
    table = grid(rows, [w * unit for w in WIDTHS])
    table.setStyle([("SPAN", (0, len(rows) - 1), (5, len(rows) - 1))])  # "Tổng cộng" across the text columns
    story = [*_heading(header, styles), table, Spacer(1, 2 * mm),
             Paragraph(f"Tổng số tiền bằng chữ: <i>{esc(amount_in_words(amount))}</i>", styles.left)]
    place = f"{esc(header.place)}, ngày" if header.place else "Ngày"
    story += [Paragraph(f"{place} {header.day:%d} tháng {header.day:%m} năm {header.day:%Y}", styles.date),
              signatures([("", "", ""), ("NGƯỜI ĐẠI DIỆN THEO PHÁP LUẬT", "(Chữ ký số)", "")], styles, page)]
    return render(story, page, title_meta=f"{NAME} {header.series_symbol} {header.day:%d/%m/%Y}", page_numbers=True)


def summary_workbook(header: SummaryHeader, lines: Sequence[SummaryLine]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = f"{header.series_symbol} {header.day:%d-%m-%Y}"
    sheet.append([f"Mẫu số: {FORM}"])
    sheet.append([NAME.upper()])
    sheet.append([f"Kỳ dữ liệu: ngày {header.day:%d/%m/%Y}", "", "", "", "",
                  f"Tổ chức thu: {header.collector_name} – MST {header.tax_code}"])
    sheet.append(list(COLUMNS))
    thin = Side(style="thin")
    for index, line in enumerate(lines, start=1):
        sheet.append([index, header.template_symbol, header.series_symbol, f"{line.number:08d}", line.issued_on,
                      line.fee_name, line.amount, line.rate, STATUS_NAMES[line.status], line.adjust_period or None,
                      line.related or None, line.explanation or None, line.note or None])
        sheet.cell(row=sheet.max_row, column=5).number_format = "DD/MM/YYYY"
        sheet.cell(row=sheet.max_row, column=7).number_format = NUMBER_FORMAT
    sheet.append(["Tổng cộng", None, None, None, None, None, total(lines)])
    sheet.cell(row=sheet.max_row, column=7).number_format = NUMBER_FORMAT
    for row in sheet.iter_rows(min_row=4, max_row=sheet.max_row, max_col=len(COLUMNS)):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    sheet["A2"].font = Font(bold=True, size=13)
    for index, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width * 0.9
    sheet.print_title_rows = "4:4"
    sheet.page_setup.orientation = "landscape"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
