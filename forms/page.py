"""The layout every one-stop paper shares: page size, styles, the two-column letterhead with the
QR in the top-left corner, the title, signature blocks, and rendering to PDF bytes.

A paper that runs longer than a page (the log book, a long control sheet, a slip with many
documents) keeps the QR's corner free on every page, repeats what it is ("Mã hồ sơ …, Liên 1 –
tiếp theo") and "Trang x/y" on each page of each copy, and keeps its signatures with the lines
they sign (shared/domain.md §13.4; issue 12 §1)."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.fonts import ps2tt, tt2ps
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
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
from forms.qr import QUIET_MODULES, draw_qr, qr_matrix

SIZES = {"A5": A5, "A4": A4}
# At least 0.5 mm a module: a phone or a cheap 2D reader, and a 150 dpi scan, resolve it (issue 12 §4).
QR_MODULE = {"A5": 0.5 * mm, "A4": 0.6 * mm}
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
SLOGAN = "Độc lập - Tự do - Hạnh phúc"
FOOTER_BASELINE = 5 * mm  # inside what office printers can print (they lose about 4–5 mm at each edge)
NO_PADDING = [("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
              ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]


@dataclass(frozen=True)
class Letterhead:
    agency_name: str  # "UBND XÃ QUẢNG PHÚ"
    office_name: str  # "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ"
    date_line: str  # "Quảng Phú, ngày 20 tháng 11 năm 2026": the day of the act, not of printing
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
        """left, right, top, bottom; the bottom leaves room for the footer line (page, reprint)."""
        return (13 * mm, 10 * mm, 7 * mm, 9 * mm) if self.size == "A5" else (25 * mm, 15 * mm, 15 * mm, 15 * mm)

    @property
    def body_size(self) -> float:
        return 9 if self.size == "A5" else 13

    @property
    def frame_width(self) -> float:
        left, right, _, _ = self.margins
        return self.pagesize[0] - left - right

    @property
    def pen_space(self) -> float:
        """Room left blank for a handwritten signature."""
        return 9.5 * mm if self.size == "A5" else 22 * mm


class Styles:
    """Paragraph styles scaled to the page: A5 papers use a smaller body than A4."""

    @staticmethod
    @cache
    def of(page: Page) -> Styles:
        """One set per page kind: styles are never changed once made."""
        return Styles(page)

    def __init__(self, page: Page) -> None:
        register_fonts()
        size = page.body_size
        lead = size * 1.12
        # Justified text is the norm on A4; an A5 column is too narrow for it (wide gaps around long words).
        align = TA_LEFT if page.size == "A5" else TA_JUSTIFY
        self.body = ParagraphStyle("body", fontName=SERIF, fontSize=size, leading=lead, alignment=align)
        self.left = ParagraphStyle("left", parent=self.body, alignment=TA_LEFT)
        self.indent = ParagraphStyle("indent", parent=self.body, leftIndent=size, alignment=TA_LEFT)
        self.head = ParagraphStyle("head", parent=self.body, fontSize=size - 1, leading=lead - 1.5, alignment=TA_CENTER)
        self.head_bold = ParagraphStyle("headb", parent=self.head, fontName=f"{SERIF}-Bold")
        self.date = ParagraphStyle("date", parent=self.head, fontName=f"{SERIF}-Italic")
        self.title = ParagraphStyle("title", parent=self.body, fontName=f"{SERIF}-Bold", fontSize=size + 2,
                                    leading=lead + 2.5, alignment=TA_CENTER, spaceBefore=2, spaceAfter=1)
        self.subtitle = ParagraphStyle("sub", parent=self.body, fontName=f"{SERIF}-Italic", alignment=TA_CENTER)
        self.center = ParagraphStyle("center", parent=self.body, alignment=TA_CENTER)
        self.center_bold = ParagraphStyle("centerb", parent=self.center, fontName=f"{SERIF}-Bold")
        self.hint = ParagraphStyle("hint", parent=self.center, fontName=f"{SERIF}-Italic")
        self.code = ParagraphStyle("code", parent=self.left, fontName=f"{SERIF}-Bold", fontSize=size + 2,
                                   leading=size + 4)
        self.small = ParagraphStyle("small", parent=self.body, fontSize=size - 2, leading=(size - 2) * 1.2)
        self.small_italic = ParagraphStyle("smalli", parent=self.small, fontName=f"{SERIF}-Italic")
        self.note = ParagraphStyle("note", parent=self.small_italic, fontSize=size - 2.5, leading=(size - 2.5) * 1.15)
        self.right_small = ParagraphStyle("rsmall", parent=self.small, alignment=TA_RIGHT)
        self.cell = ParagraphStyle("cell", parent=self.small, alignment=TA_LEFT, leading=(size - 2) * 1.12)
        self.cell_center = ParagraphStyle("cellc", parent=self.cell, alignment=TA_CENTER)
        self.cell_head = ParagraphStyle("cellh", parent=self.cell_center, fontName=f"{SERIF}-Bold")
        # The slip's document table: twenty rows must fit an A5 page with the rest of Mẫu 01.
        self.table = ParagraphStyle("table", parent=self.cell, fontSize=size - 2.5, leading=(size - 2.5) * 1.12)
        self.table_head = ParagraphStyle("tableh", parent=self.table, fontName=f"{SERIF}-Bold", alignment=TA_CENTER)


def esc(text: object) -> str:
    """Paragraph text is mini-HTML: escape what a citizen's name or address may contain."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def lines(text: str) -> str:
    """Escaped, with its line breaks kept (a signer's authority over the title)."""
    return "<br/>".join(esc(part) for part in text.split("\n"))


_LAID_OUT: dict[tuple[Any, ...], tuple[Any, list[float], float, float]] = {}
LAID_OUT_LIMIT = 4096  # lay-outs kept (a few hundred bytes each); all dropped when full


class Para(Paragraph):
    """A Paragraph that breaks its lines once per text, style and width, in the whole process.

    A table wraps each cell to measure its row and again to draw it, a two-copy slip lays the same
    body out twice, and the letterhead, headings and notes are the same on every paper: breaking
    lines was most of a paragraph's cost, and its result depends on nothing else. The lay-out is
    only read when drawing or splitting, so paragraphs of the same text share it."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        key = self._layout_key(available_width)
        known = _LAID_OUT.get(key) if key is not None else None
        if known is None:
            width, height = super().wrap(available_width, available_height)
            if key is not None and width == available_width > 0:  # laid out (too narrow a width returns 0)
                if len(_LAID_OUT) >= LAID_OUT_LIMIT:
                    _LAID_OUT.clear()
                _LAID_OUT[key] = (self.blPara, self._wrapWidths, width, height)
            return width, height
        self.blPara, self._wrapWidths, self.width, self.height = known
        return known[2], known[3]

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        # ReportLab's split may edit the words of the lay-out it splits (a space after a line's last
        # word): it splits a lay-out of this paragraph's own, never the shared one. Splits are rare.
        Paragraph.wrap(self, available_width, available_height)
        return super().split(available_width, available_height)

    def _layout_key(self, width: float) -> tuple[Any, ...] | None:
        # The pieces of a split paragraph have no text of their own: laid out as ReportLab does.
        if not isinstance(self.text, str) or not isinstance(self.bulletText, str | None):
            return None
        return self.text, self.style, self.bulletText, width


def draw_string(canvas: Canvas, x: float, y: float, text: str, align: int = TA_LEFT) -> None:
    """canvas.drawString (or its centred or right form) in the canvas's current font, writing the
    same PDF operators without a text object: for the shipped TrueType faces, a text object (a
    Python object, its font state and a dozen calls for every string) was most of drawing a short
    paper. Any other font goes through ReportLab as before."""
    font = getFont(canvas._fontname)
    if not getattr(font, "_dynamicFont", False) or not canvas.bottomup:
        draw = {TA_CENTER: canvas.drawCentredString, TA_RIGHT: canvas.drawRightString}.get(align, canvas.drawString)
        draw(x, y, text)
        return
    if align in (TA_CENTER, TA_RIGHT):
        width = stringWidth(text, canvas._fontname, canvas._fontsize)
        x = x - 0.5 * width if align == TA_CENTER else x - width
    doc, parts, current = canvas._doc, [], -1
    size = f"{fp_str(canvas._fontsize)} Tf {fp_str(canvas._leading)} TL"
    for subset, chunk in font.splitString(text, doc):
        if subset != current:
            parts.append(f"{font.getSubsetInternalName(subset, doc)} {size}")
            current = subset
        parts.append(f"({canvas._escape(chunk)}) Tj")
    canvas._code.append(f"BT 1 0 0 1 {fp_str(x, y)} Tm {' '.join(parts)} T* ET")


class OneLine(Flowable):
    """Plain text (no markup) that usually fits one line: drawn as a string, without the paragraph
    machinery (parsing, line breaking), which is most of a paper's render time. Text too wide for
    its place falls back to a Paragraph, so nothing is ever cut."""

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text, self.style = text, style
        self._para: Para | None = None

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        style = self.style
        if "\n" in self.text or stringWidth(self.text, style.fontName, style.fontSize) > available_width:
            self._para = self._para or Para(lines(self.text), style)
            return self._para.wrap(available_width, available_height)
        self._para = None
        self.height = style.leading
        return available_width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        return self._para.split(available_width, available_height) if self._para else []

    def draw(self) -> None:
        if self._para:
            self._para.drawOn(self.canv, 0, 0)
            return
        canvas, style = self.canv, self.style
        canvas.setFont(style.fontName, style.fontSize)
        canvas.setFillColor(style.textColor)
        baseline = self.height - style.fontSize
        x = {TA_CENTER: self.width / 2, TA_RIGHT: self.width}.get(style.alignment, 0)
        draw_string(canvas, x, baseline, self.text, style.alignment)


class Runs(Flowable):
    """One line of plain runs, each in its own face of the style's size ("Label: " regular, the
    value bold): drawn as strings, without the paragraph machinery, when it fits; otherwise the
    same text as a Paragraph (`markup`), so a long value wraps exactly as before."""

    def __init__(self, runs: Sequence[tuple[str, str]], style: ParagraphStyle, markup: str) -> None:
        super().__init__()
        self.runs, self.style, self.markup = tuple(runs), style, markup
        self._para: Para | None = None
        self._widths: tuple[float, ...] = tuple(stringWidth(text, face, style.fontSize) for text, face in self.runs)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        if sum(self._widths) > available_width:
            self._para = self._para or Para(self.markup, self.style)
            return self._para.wrap(available_width, available_height)
        self._para = None
        self.height = self.style.leading
        return available_width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        return self._para.split(available_width, available_height) if self._para else []

    def draw(self) -> None:
        if self._para:
            self._para.drawOn(self.canv, 0, 0)
            return
        canvas, style = self.canv, self.style
        canvas.setFillColor(style.textColor)
        total = sum(self._widths)
        x = {TA_CENTER: (self.width - total) / 2, TA_RIGHT: self.width - total}.get(style.alignment, 0.0)
        baseline = self.height - style.fontSize
        for (text, face), width in zip(self.runs, self._widths, strict=True):
            canvas.setFont(face, style.fontSize)
            draw_string(canvas, x, baseline, text)
            x += width


def bold_face(style: ParagraphStyle) -> str:
    """The bold face of the style's font (what <b> gives inside a Paragraph)."""
    family, _, italic = ps2tt(style.fontName)
    return tt2ps(family, 1, italic)


def _words(text: str) -> str:
    return " ".join(text.split())  # as a Paragraph lays text out: runs of white space are one space


def field(label: str, value: str, style: ParagraphStyle) -> Flowable:
    """"Label: value" with the value in bold, the way filled-in forms read."""
    if not value:
        return Runs([(f"{_words(label)}: …………………………", style.fontName)], style, f"{esc(label)}: …………………………")
    return Runs([(f"{_words(label)}: ", style.fontName), (_words(value), bold_face(style))], style,
                f"{esc(label)}: <b>{esc(value)}</b>")


# -- the QR's corner -------------------------------------------------------------------------


def qr_side(payload: str, page: Page) -> float:
    """The printed side of the symbol: whole modules of at least QR_MODULE."""
    return len(qr_matrix(payload)) * QR_MODULE[page.size]


def qr_room(payload: str | None, page: Page) -> float:
    """What the corner takes: the symbol and its 4-module quiet zone (right and below; the page
    margin is the quiet zone at the left and the top)."""
    return qr_side(payload, page) + QUIET_MODULES * QR_MODULE[page.size] if payload else 0.0


class Columns(Flowable):
    """One row of cells side by side, each a stack of flowables from its top: what a one-row Table
    without padding or rules (VALIGN TOP) draws, in the same places by the same rules, without a
    table's machinery (its style commands, spans and cell geometry), which was made again for every
    copy of every paper. `align` places each flowable in its cell as a table's ALIGN does;
    `indents` are left paddings; a cell that is a string holds no flowable (a table still gives it
    a line of its default 12-point leading)."""

    EMPTY_CELL_HEIGHT = 12.0  # ReportLab's CellStyle.leading: the height a table gives an empty cell

    def __init__(self, cells: Sequence[Sequence[Flowable] | Flowable | str], widths: Sequence[float], *,
                 align: str = "LEFT", indents: Sequence[float] | None = None) -> None:
        super().__init__()
        self.cells: list[list[Flowable] | None] = [
            None if isinstance(cell, str) else [cell] if isinstance(cell, Flowable) else list(cell) for cell in cells]
        self.widths = list(widths)
        self.align = align
        self.indents = list(indents) if indents is not None else [0.0] * len(self.widths)
        self.width = sum(self.widths)

    def _stack(self, cell: list[Flowable], room: float, height: float) -> tuple[list[tuple[float, float]], float]:
        """Each flowable's size and the stack's height: spaces between, none above the first or
        below the last (as a table measures a cell)."""
        canvas = getattr(self, "canv", None)
        sizes = [flowable.wrapOn(canvas, room, height) for flowable in cell]
        if not cell:
            return sizes, 0.0
        total = sum(h + f.getSpaceBefore() + f.getSpaceAfter() for f, (_, h) in zip(cell, sizes, strict=True))
        return sizes, total - cell[0].getSpaceBefore() - cell[-1].getSpaceAfter()

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.height = max((self._stack(cell, width - indent, 72000)[1] if cell is not None else self.EMPTY_CELL_HEIGHT
                           for cell, width, indent in zip(self.cells, self.widths, self.indents, strict=True)),
                          default=0.0)
        return self.width, self.height

    def draw(self) -> None:
        left = 0.0
        for cell, width, indent in zip(self.cells, self.widths, self.indents, strict=True):
            if cell:
                self._draw_cell(cell, left, width, indent)
            left += width

    def _draw_cell(self, cell: list[Flowable], left: float, width: float, indent: float) -> None:
        sizes, _ = self._stack(cell, width - indent, self.height)
        y = self.height + cell[0].getSpaceBefore()
        for flowable, (w, h) in zip(cell, sizes, strict=True):
            if self.align == "CENTER":
                x = left + (width + indent - w) / 2.0
            elif self.align == "RIGHT":
                x = left + width - w
            else:
                x = left + indent
            y -= flowable.getSpaceBefore() + h
            flowable.drawOn(self.canv, x, y)
            y -= flowable.getSpaceAfter()


def centred_rule(width: float) -> HRFlowable:
    return HRFlowable(width=width, thickness=0.6, spaceBefore=2, spaceAfter=2, hAlign="CENTER")


def letterhead(head: Letterhead, styles: Styles, page: Page, *, qr: str | None,
               beside_qr: Flowable | None = None) -> list[Flowable]:
    """Agency block and national motto in two columns, with the QR's corner kept free at the left
    (TT 01/2023 Điều 26). Rules are centred under their text: under the motto as long as
    "Độc lập - Tự do - Hạnh phúc", under the agency about 40% of its name (NĐ 30/2020).
    `beside_qr` (the code and its barcode) goes under the two columns, next to the QR, where the
    corner leaves room anyway."""
    width = page.frame_width
    motto_width = stringWidth(MOTTO, styles.head_bold.fontName, styles.head_bold.fontSize)
    right_width = max(motto_width, stringWidth(head.date_line, styles.date.fontName, styles.date.fontSize)) + 2 * mm
    room = qr_room(qr, page)
    left_width = width - right_width - room
    office = head.office_name.upper()
    office_width = min(stringWidth(office, styles.head_bold.fontName, styles.head_bold.fontSize), left_width)
    left: list[Flowable] = [OneLine(head.agency_name.upper(), styles.head), OneLine(office, styles.head_bold),
                            centred_rule(max(office_width * 0.4, 12 * mm))]
    if head.number:
        left.append(OneLine(head.number, styles.head))
    right: list[Flowable] = [OneLine(head.form_label, styles.right_small)] if head.form_label else []
    right += [OneLine(MOTTO, styles.head_bold), OneLine(SLOGAN, styles.head_bold),
              centred_rule(stringWidth(SLOGAN, styles.head_bold.fontName, styles.head_bold.fontSize)),
              OneLine(head.date_line, styles.date)]
    columns = Columns([left, right], [left_width, right_width], align="CENTER", indents=[0, 2 * mm])
    if not qr:
        return [columns, Spacer(1, 0.5 * mm)]
    # The QR's corner at the left, the two columns and whatever goes beside the QR stacked at its right.
    corner = Spacer(room, qr_side(qr, page) + QUIET_MODULES * QR_MODULE[page.size])
    stacked = [columns, Spacer(1, 1.5 * mm), beside_qr] if beside_qr is not None else [columns]
    return [Columns([[corner], stacked], [room, left_width + right_width]), Spacer(1, 0.5 * mm)]


def title(text: str, styles: Styles, subtitle: str = "") -> list[Flowable]:
    story: list[Flowable] = [OneLine(text.upper(), styles.title)]
    if subtitle:
        story.append(OneLine(subtitle, styles.subtitle))
    story.append(Spacer(1, 1.5 * mm))
    return story


class _BarRecorder:
    """Stands in for a canvas while ReportLab's Code 128 lays its bars out: keeps each bar."""

    def __init__(self) -> None:
        self.bars: list[tuple[float, float, float, float]] = []

    def rect(self, x: float, y: float, width: float, height: float, stroke: int = 1, fill: int = 0) -> None:
        self.bars.append((x, y, width, height))


@lru_cache(maxsize=64)
def _code128(code: str) -> tuple[float, float, str]:
    """Width, height and the bars as PDF path operators: 0.25 mm bars with a 10-module quiet zone
    (about 77 mm for a full code). ReportLab's symbol re-encodes its value each time its size is
    asked, a dozen times a slip; its bars are laid out once here."""
    symbol = Code128(code, barWidth=0.25 * mm, barHeight=5.5 * mm, humanReadable=False, quiet=True,
                     lquiet=2.5 * mm, rquiet=2.5 * mm)
    recorder = _BarRecorder()
    symbol.canv = recorder
    symbol.draw()
    # One fill per bar, as ReportLab draws them: bars that share a pixel column at screen or scan
    # resolution then blend exactly as before (one path for all would anti-alias them together).
    path = "\n".join(f"n {fp_str(x, y, width, height)} re f" for x, y, width, height in recorder.bars)
    return symbol.width, symbol.height, path


class Bars(Flowable):
    """The dossier code as a Code 128 symbol, its bars laid out once per value."""

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code
        self.width, self.height, self._path = _code128(code)

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.setFillColorRGB(0, 0, 0)
        self.canv.addLiteral(self._path)


def barcode(code: str) -> Bars:
    return Bars(code)


def code_block(code: str, copy_label: str, styles: Styles, width: float, *, bars: Bars | None = None) -> Flowable:
    """The dossier code as a Code 128 barcode, for the plain 1D scanners desks have, with the code
    in large type under it across the width; the copy's label ("Liên 1: Lưu") at the right."""
    bars = bars or barcode(code)
    left_width = bars.width + 1 * mm
    italic = tt2ps(ps2tt(styles.right_small.fontName)[0], 0, 1)
    label = Runs([(f"({_words(copy_label)})", italic)], styles.right_small,
                 f"<i>({esc(copy_label)})</i>") if copy_label else ""
    return Columns([[Columns([bars, label], [left_width, width - left_width]),
                     OneLine(f"Mã hồ sơ: {code}", styles.code)]], [width])


def signatures(blocks: Sequence[tuple[str, str, str]], styles: Styles, page: Page,
               keep_with: Sequence[Flowable] = (), left: Sequence[Flowable] | None = None) -> Flowable:
    """Signature columns: (title, hint, printed name) each — a title may hold a line break (the
    authority over the office) — and blank room for the pen. `keep_with` are the lines the
    signatures sign, kept on the same page; `left` fills the first column ("Nơi nhận")."""
    cells: list[Any] = [[OneLine(t, styles.center_bold), OneLine(h, styles.hint),
                         Spacer(1, page.pen_space), OneLine(n, styles.center_bold)] if t else ""
                        for t, h, n in blocks]
    widths = [page.frame_width / len(blocks)] * len(blocks)
    if left is not None:
        cells[0] = list(left)
    return KeepTogether([*keep_with, Spacer(1, 1 * mm), Columns(cells, widths)])


def recipients_block(recipients: Sequence[str], styles: Styles) -> list[Flowable]:
    """"Nơi nhận:" as NĐ 30/2020 sets it: bold italic, one recipient a line, the last ending in "."."""
    items = list(recipients) or ["Lưu: VT"]
    rows = [f"- {esc(item)}{'.' if i == len(items) - 1 else ';'}" for i, item in enumerate(items)]
    return [Paragraph("<b><i>Nơi nhận:</i></b>", styles.small), *(Paragraph(row, styles.small) for row in rows)]


def grid_style(padding: float = 3) -> list[tuple[Any, ...]]:
    """Every ruled table of the papers: thin lines all round, text at the top of its cell."""
    return [("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0)), ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), padding), ("RIGHTPADDING", (0, 0), (-1, -1), padding)]


def grid(rows: list[list[Any]], widths: list[float], *, header_rows: int = 1, padding: float = 3) -> Table:
    # LongTable splits across pages without re-measuring the whole remainder at every page break.
    # Rows are never split: each paper bounds what a cell holds so that a row fits a page.
    table = LongTable(rows, colWidths=widths, repeatRows=header_rows)
    table.setStyle(TableStyle(grid_style(padding)))
    return table


class PagedGrid(Flowable):
    """A long grid (the log book) laid out as one Table per page, with its header rows on each.

    A LongTable splits by making a new table of all the rows left at every page break and
    measuring its spans and its rows again: quadratic in the pages. Here every row is measured once
    (by a Table, so heights are exactly ReportLab's), and each page takes the rows that fit by
    ReportLab's own rule (a row goes on while the header and the rows so far plus it fit; at least
    one row under the header), as a Table with those heights given. Body rows hold no spans."""

    def __init__(self, header: list[list[Any]], rows: list[list[Any]], widths: list[float],
                 style: Sequence[tuple[Any, ...]], heights: tuple[list[float], list[float]] | None = None) -> None:
        super().__init__()
        self.header, self.rows, self.widths, self.style = header, rows, widths, list(style)
        self._heights = heights
        self.width = sum(widths)

    def _measured(self, available_width: float) -> tuple[list[float], list[float]]:
        if self._heights is None:
            table = self._table(self.rows, None)
            table.wrapOn(getattr(self, "canv", None), available_width, 1e12)  # every row, no page limit
            heights = list(table._rowHeights)
            self._heights = heights[:len(self.header)], heights[len(self.header):]
        return self._heights

    def _table(self, rows: list[list[Any]], heights: list[float] | None) -> Table:
        table = Table([*self.header, *rows], colWidths=self.widths, rowHeights=heights,
                      repeatRows=len(self.header), longTableOptimize=0)
        table.setStyle(TableStyle(self.style))
        return table

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        header, rows = self._measured(available_width)
        self.height = sum(header) + sum(rows)
        return self.width, self.height

    def split(self, available_width: float, available_height: float) -> list[Flowable]:
        header, rows = self._measured(available_width)
        used, count = sum(header), 0
        for height in rows:
            if used + height > available_height:
                break
            used += height
            count += 1
        if not count:
            return []
        page = self._table(self.rows[:count], header + rows[:count])
        if count == len(rows):
            return [page]
        return [page, PagedGrid(self.header, self.rows[count:], self.widths, self.style,
                                (header, rows[count:]))]

    def draw(self) -> None:
        header, rows = self._measured(self.width)
        table = self._table(self.rows, header + rows)
        table.wrapOn(self.canv, self.width, self.height)
        table.drawOn(self.canv, 0, 0)


# -- sections, page numbers and the footer ---------------------------------------------------


class Section(Flowable):
    """Marks where a copy (or a whole paper) begins. Takes no room; the pages after it, up to the
    next Section, are numbered "Trang x/y" among themselves and, from the second on, carry
    `label` + " – tiếp theo" beside the QR."""

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label
        self.width = self.height = 0

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv._paper_section = self  # read back per page when the document is saved


PageHook = Callable[[Canvas, Any], None]


@dataclass(frozen=True)
class Footer:
    page: Page
    corner: float  # how far right of the left margin the continuation label starts (the QR's room)
    number_every_page: bool  # the log book: "Trang x/y" over the whole document, on every page
    stamp: str  # "In lại lúc …, lần thứ n" on a reprint


def _paper_canvas(footer: Footer) -> type[Canvas]:
    class PaperCanvas(Canvas):
        """Holds every page until the end so that each can print "Trang x/y" of its own copy."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            sections = [state.get("_paper_section") for state in self._pages]
            totals = Counter(id(s) for s in sections)
            seen: Counter[int] = Counter()
            for number, (state, section) in enumerate(zip(self._pages, sections, strict=True), start=1):
                self.__dict__.update(state)
                seen[id(section)] += 1
                if footer.number_every_page:
                    _draw_footer(self, footer, number, len(self._pages), None)
                else:
                    _draw_footer(self, footer, seen[id(section)], totals[id(section)], section)
                super().showPage()
            super().save()

    return PaperCanvas


def _draw_footer(canvas: Canvas, footer: Footer, index: int, total: int, section: Section | None) -> None:
    page = footer.page
    width, height = page.pagesize
    left, right, top, _ = page.margins
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    size = 8 if page.size == "A5" else 10
    if total > 1:
        canvas.setFont(SERIF, size)
        canvas.drawRightString(width - right, FOOTER_BASELINE, f"Trang {index}/{total}")
        if index > 1 and section is not None and section.label:
            canvas.setFont(f"{SERIF}-Bold", size + 1)
            canvas.drawString(left + footer.corner, height - top - size, f"{section.label} – tiếp theo")
    if footer.stamp:
        canvas.setFont(f"{SERIF}-Italic", size)
        canvas.drawString(left, FOOTER_BASELINE, footer.stamp)
    canvas.restoreState()


def render(story: list[Flowable], page: Page, *, qr_payload: str | None = None, title_meta: str = "",
           on_page: PageHook | None = None, page_numbers: bool = False, stamp: str = "",
           compress: bool = False) -> bytes:
    """Lays out `story` and returns the PDF. The QR goes in the top-left corner of every page, so
    each copy of a two-copy slip carries its own; a page after the first of a copy starts below it.
    `compress`: the pages' drawing compressed — for a long paper (the log book: 1.3 MB → 0.2 MB for
    a few ms); a one-page paper's few kB are not worth the time (fonts are compressed anyway)."""
    buffer = io.BytesIO()
    left, right, top, bottom = page.margins
    doc = BaseDocTemplate(buffer, pagesize=page.pagesize, leftMargin=left, rightMargin=right, topMargin=top,
                          bottomMargin=bottom, title=title_meta, author="Một cửa", creator="motcua-desk",
                          pageCompression=1 if compress else 0)
    qr_drawn: list[bool] = []

    def decorate(canvas: Canvas, document: Any) -> None:
        if qr_payload:
            size = qr_side(qr_payload, page)
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

    height = page.pagesize[1] - top - bottom
    # Later pages of a copy start below the QR's corner (or below the continuation line).
    drop = qr_room(qr_payload, page) if qr_payload else 6 * mm
    # No frame padding: widths computed from the margins must be the widths that are drawn.
    first = Frame(left, bottom, page.frame_width, height, leftPadding=0, rightPadding=0, topPadding=0,
                  bottomPadding=0, id="first")
    later = Frame(left, bottom, page.frame_width, height - (0 if page_numbers else drop), leftPadding=0,
                  rightPadding=0, topPadding=0, bottomPadding=0, id="later")
    doc.addPageTemplates([PageTemplate("first", [first], onPage=decorate, autoNextPageTemplate="later"),
                          PageTemplate("later", [later], onPage=decorate, autoNextPageTemplate="later")])
    footer = Footer(page, qr_room(qr_payload, page), page_numbers, stamp)
    doc.build(story, canvasmaker=_paper_canvas(footer))
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
                    styles: Styles, page: Page, *, qr: str, lead: str = "Tiếp nhận hồ sơ của") -> list[Flowable]:
    """How the desk's own papers about one dossier begin: letterhead with QR, title, the code with
    its barcode, who filed it, and what they asked for."""
    story: list[Flowable] = [Section(f"Mã hồ sơ: {code}"),
                             *letterhead(head, styles, page, qr=qr, beside_qr=code_block(
                                 code, "", styles, page.frame_width - qr_room(qr, page))),
                             *title(heading, styles)]
    story += party_lines(applicant, styles, lead)
    story.append(field("Nội dung yêu cầu giải quyết", procedure_name, styles.left))
    return story
