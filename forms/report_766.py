"""The commune's own QĐ 766/QĐ-TTg figures for a period, with what sits behind them: fees collected
(by fee, by officer, by day), satisfaction counts and the late dossiers with their officers. A4
landscape PDF with the letterhead, the period and the signature block; an .xlsx workbook with one
sheet per table (real numbers, rates as percentages, SUM formulas, print set-up).

Takes data already formatted; no Qt, no database."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from forms.page import Letterhead, Page, Styles, esc, grid, letterhead, lines, render, signatures, title

TITLE = "Báo cáo kết quả giải quyết thủ tục hành chính theo Bộ chỉ số 766"
IND_HEAD = ("Mã", "Chỉ số", "Tử số", "Mẫu số", "Tỷ lệ", "Ngưỡng", "Điểm tối đa", "Điểm đạt")
IND_WIDTHS = (8, 80, 13, 13, 15, 13, 13, 13)
FEE_HEAD = ("STT", "Nội dung", "Số biên lai", "Số tiền (đồng)")
LATE_HEAD = ("STT", "Mã hồ sơ", "Chủ hồ sơ", "Thủ tục", "Hẹn trả", "Kết thúc", "Vì sao quá hạn", "Cán bộ tiếp nhận",
             "Cán bộ xử lý")
LATE_WIDTHS = (6, 34, 24, 40, 14, 14, 26, 22, 22)
SHORT_LIST = 8
RULES_NOTE = ("Công thức, ngưỡng và điểm theo Quyết định 766/QĐ-TTg (bản đọc được lưu ở app/core/report_rules.py); "
              "điểm tối đa của từng chỉ tiêu chưa được đối chiếu với văn bản gốc.")


@dataclass(frozen=True)
class IndicatorLine:
    code: str
    name: str
    numerator: float
    denominator: int
    rate: float | None  # a share in [0, 1]; for 2.2 a number of days
    threshold: float | None
    max_points: float | None
    points: float | None
    in_days: bool = False  # 2.2: the rate is an average number of days


@dataclass(frozen=True)
class FeeTable:
    heading: str  # "Theo loại phí, lệ phí"
    lines: tuple[tuple[str, int, int], ...]  # (label, receipts, amount)


@dataclass(frozen=True)
class LateLine:
    code: str
    owner: str
    procedure: str
    due: datetime  # local wall time
    ended: datetime | None  # None: still in progress at the period's end
    received_by: str
    ended_by: str
    why: str = ""  # "Đã xin lỗi, hẹn lại", "Yêu cầu bổ sung 2 lần", "Trả kết quả sau hạn", …


@dataclass(frozen=True)
class ResultsData:
    head: Letterhead
    period: str
    indicators: tuple[IndicatorLine, ...]
    fees: tuple[FeeTable, ...] = ()
    satisfaction: tuple[tuple[str, int], ...] = ()
    late: tuple[LateLine, ...] = ()
    preparer: str = ""
    head_title: str = "CHỦ TỊCH"
    notes: tuple[str, ...] = field(default=(RULES_NOTE,))


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}".replace(".", ",") + "%"


def number(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "—"
    text = f"{value:,.{digits}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text.rstrip("0").rstrip(",") if "," in text else text


def _indicator_cells(line: IndicatorLine) -> list[str]:
    rate = number(line.rate) + " ngày" if line.in_days and line.rate is not None else percent(line.rate)
    return [line.code, line.name, number(line.numerator), str(line.denominator), rate, percent(line.threshold),
            number(line.max_points), number(line.points)]


@cache
def _cells() -> tuple[ParagraphStyle, ParagraphStyle]:
    """9.5-point cells: between the A4 body and the log book's compact cells, so nine columns fit."""
    base = Styles.of(Page("A4"))
    cell = ParagraphStyle("r766cell", parent=base.cell, fontSize=9.5, leading=11)
    return cell, ParagraphStyle("r766head", parent=cell, fontName=f"{cell.fontName}-Bold", alignment=TA_CENTER)


def _table(head: Sequence[str], rows: list[list[str]], widths: Sequence[float], page: Page,
           *, wrap: Sequence[int] = (1,), bold_last: bool = False) -> Flowable:
    cell, cell_head = _cells()
    unit = page.frame_width / sum(widths)
    cells = [[Paragraph(esc(h), cell_head) for h in head]]
    cells += [[Paragraph(lines(v), cell) if i in wrap else v for i, v in enumerate(row)] for row in rows]
    table = grid(cells, [w * unit for w in widths])
    style = [("FONT", (0, 1), (-1, -1), cell.fontName, cell.fontSize), ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
             ("VALIGN", (0, 0), (-1, 0), "MIDDLE")]
    if bold_last:
        style.append(("FONT", (0, -1), (-1, -1), f"{cell.fontName}-Bold", cell.fontSize))
    table.setStyle(style)
    return table


def _section(text: str, styles: Styles) -> Paragraph:
    return Paragraph(f"<b>{esc(text)}</b>", styles.left)


def _points_total(data: ResultsData) -> list[str]:
    scored = [i for i in data.indicators if i.points is not None]
    return ["", "Tổng điểm các chỉ số tính được", "", "", "", "",
            number(sum(i.max_points or 0 for i in scored)), number(sum(i.points or 0 for i in scored))]


def render_results(data: ResultsData) -> bytes:
    page = Page("A4", landscape=True)  # the late list's nine columns need the width
    styles = Styles.of(page)
    story: list[Flowable] = [*letterhead(data.head, styles, page, qr=None), *title(TITLE, styles, data.period)]
    story += [_section("1. Các chỉ số theo Quyết định 766/QĐ-TTg", styles),
              _table(IND_HEAD, [*(_indicator_cells(i) for i in data.indicators), _points_total(data)], IND_WIDTHS,
                     page, bold_last=True)]
    story += [Paragraph(f"<i>{esc(n)}</i>", styles.small) for n in data.notes]
    for number_, table in enumerate(data.fees, start=1):
        rows = [[str(i), _shown(label), str(n), money(a)] for i, (label, n, a) in enumerate(table.lines, start=1)]
        rows.append(["", "Tổng cộng", str(sum(n for _, n, _ in table.lines)), money(sum(a for _, _, a in table.lines))])
        story += [Spacer(1, 2 * mm), _section(f"2.{number_}. Phí, lệ phí đã thu — {table.heading}", styles),
                  _table(FEE_HEAD, rows, (8, 90, 16, 22), page, bold_last=True)]
    if data.satisfaction:
        rows = [[str(i), label, str(n)] for i, (label, n) in enumerate(data.satisfaction, start=1)]
        rows.append(["", "Tổng cộng", str(sum(n for _, n in data.satisfaction))])
        story += [Spacer(1, 2 * mm), _section("3. Mức độ hài lòng (hồ sơ đã trả kết quả trong kỳ)", styles),
                  _table(("STT", "Mức đánh giá", "Số hồ sơ"), rows, (8, 106, 22), page, bold_last=True)]
    late_rows = [[str(i), d.code, d.owner, d.procedure, f"{d.due:%H:%M}\n{d.due:%d/%m/%Y}",
                  f"{d.ended:%H:%M}\n{d.ended:%d/%m/%Y}" if d.ended else "Đang giải quyết", d.why, d.received_by,
                  d.ended_by] for i, d in enumerate(data.late, start=1)]
    story += [Spacer(1, 2 * mm), _section(f"4. Hồ sơ quá hạn ({len(data.late)} hồ sơ)", styles)]
    last: Flowable = (_table(LATE_HEAD, late_rows, LATE_WIDTHS, page, wrap=(1, 2, 3, 4, 5, 6, 7, 8)) if late_rows
                      else Paragraph("Không có hồ sơ quá hạn trong kỳ.", styles.left))
    # A short list goes to the next page with the signatures rather than leave them alone there.
    keep = [last] if len(late_rows) <= SHORT_LIST else []
    if not keep:
        story.append(last)
    story.append(signatures([("NGƯỜI LẬP BÁO CÁO", "(Ký, ghi rõ họ tên)", data.preparer),
                             (data.head_title, "(Ký tên, đóng dấu)", "")], styles, page, keep_with=keep))
    return render(story, page, title_meta=f"{TITLE} {data.period}", page_numbers=True)


def money(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


# -- the workbook -------------------------------------------------------------------------------

THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT = "Times New Roman"


def _sheet(book: Workbook, name: str, data: ResultsData, heading: str, head: Sequence[str],
           widths: Sequence[float]) -> Worksheet:
    sheet = book.create_sheet(name)
    sheet.append([data.head.agency_name.upper()])
    sheet.append([heading.upper()])
    sheet.append([data.period])
    sheet.append(list(head))
    for row in (1, 2, 3):
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(head))
        sheet.cell(row, 1).alignment = Alignment(horizontal="center")
        sheet.cell(row, 1).font = Font(name=FONT, bold=row < 3, italic=row == 3, size=13 if row == 2 else 11)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.print_title_rows = "4:4"
    sheet.freeze_panes = "A5"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return sheet


def _box(sheet: Worksheet, last: int, bold_last: bool = False) -> None:
    for row in sheet.iter_rows(min_row=4, max_row=last):
        for cell in row:
            cell.border = BOX
            cell.font = Font(name=FONT, size=11, bold=cell.row == 4 or (bold_last and cell.row == last))
            cell.alignment = Alignment(wrap_text=True, vertical="center",
                                       horizontal="center" if cell.row == 4 else None)


def _indicators_sheet(book: Workbook, data: ResultsData) -> None:
    sheet = _sheet(book, "Chi so 766", data, TITLE, IND_HEAD, (8, 52, 11, 11, 11, 11, 12, 11))
    for line in data.indicators:
        r = sheet.max_row + 1
        # the rate is a formula over the two counts (2.2 stays a number of days); points are the rule's
        rate: Any = f"=IF(D{r}=0,\"\",C{r}/D{r})"
        sheet.append([line.code, line.name, line.numerator, line.denominator, rate, line.threshold,
                      line.max_points, line.points])
        sheet.cell(r, 5).number_format = "0.00" if line.in_days else "0.0%"
        sheet.cell(r, 6).number_format = "0%"
        sheet.cell(r, 3).number_format = "0.00" if line.in_days else "0"
        sheet.cell(r, 8).number_format = "0.00"
    last = sheet.max_row
    sheet.append([None, "Tổng điểm", None, None, None, None, f"=SUM(G5:G{last})", f"=SUM(H5:H{last})"])
    _box(sheet, last + 1, bold_last=True)
    for note in data.notes:
        sheet.append([note])


def _fees_sheet(book: Workbook, data: ResultsData, table: FeeTable, index: int) -> None:
    sheet = _sheet(book, f"Phi le phi {index}", data, f"Phí, lệ phí đã thu — {table.heading}", FEE_HEAD,
                   (8, 50, 14, 18))
    for i, (label, n, amount) in enumerate(table.lines, start=1):
        sheet.append([i, _cell_value(label), n, amount])
    last = sheet.max_row
    sheet.append([None, "Tổng cộng", f"=SUM(C5:C{last})" if table.lines else 0,
                  f"=SUM(D5:D{last})" if table.lines else 0])
    for row in sheet.iter_rows(min_row=5, min_col=4, max_col=4):
        for cell in row:
            cell.number_format = "#,##0"
    _box(sheet, last + 1, bold_last=True)
    for row in sheet.iter_rows(min_row=5, max_row=last, min_col=2, max_col=2):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "dd/mm/yyyy"


def _shown(label: str) -> str:
    value = _cell_value(label)
    return f"{value:%d/%m/%Y}" if isinstance(value, date) else label


def _cell_value(label: str) -> Any:
    """A day ("2026-11-03") goes in as a real date cell."""
    try:
        return date.fromisoformat(label)
    except ValueError:
        return label


def _late_sheet(book: Workbook, data: ResultsData) -> None:
    sheet = _sheet(book, "Ho so qua han", data, "Hồ sơ quá hạn", LATE_HEAD, (6, 28, 24, 34, 17, 17, 24, 20, 20))
    for i, d in enumerate(data.late, start=1):
        sheet.append([i, d.code, d.owner, d.procedure, d.due, d.ended or "Đang giải quyết", d.why, d.received_by,
                      d.ended_by])
    _box(sheet, sheet.max_row)
    for row in sheet.iter_rows(min_row=5, min_col=5, max_col=6):
        for cell in row:
            cell.number_format = "dd/mm/yyyy hh:mm"


def _satisfaction_sheet(book: Workbook, data: ResultsData) -> None:
    sheet = _sheet(book, "Hai long", data, "Mức độ hài lòng", ("STT", "Mức đánh giá", "Số hồ sơ"), (8, 40, 14))
    for i, (label, n) in enumerate(data.satisfaction, start=1):
        sheet.append([i, label, n])
    last = sheet.max_row
    sheet.append([None, "Tổng cộng", f"=SUM(C5:C{last})"])
    _box(sheet, last + 1, bold_last=True)


def results_xlsx(data: ResultsData) -> bytes:
    book = Workbook()
    book.remove(book.active)
    _indicators_sheet(book, data)
    for index, table in enumerate(data.fees, start=1):
        _fees_sheet(book, data, table, index)
    _satisfaction_sheet(book, data)
    _late_sheet(book, data)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
