"""A queue ticket for an 80 mm thermal printer: number, counter, time. Such printers print 72 mm of
the 80: every line is wrapped (and, past three lines, set smaller) to stay inside it, and the roll
is as long as the lines need."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from forms.fonts import SANS, register_fonts

WIDTH = 80 * mm
PRINTABLE = 72 * mm
MIN_SIZE = 6.5


@dataclass(frozen=True)
class TicketData:
    office: str  # "UBND XÃ QUẢNG PHÚ – BỘ PHẬN MỘT CỬA"
    number: str  # "0023"
    counter: str  # "Quầy số 2"
    issued: str  # "08:15 – 20/11/2026"
    waiting: str = ""  # "Có 4 người đang chờ trước bạn"


@dataclass(frozen=True)
class Block:
    lines: tuple[str, ...]
    font: str
    size: float

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * 1.2


def fit(text: str, font: str, size: float, max_lines: int = 3) -> Block:
    """`text` wrapped to the printable width; smaller, down to MIN_SIZE, while it takes more than
    `max_lines`; a single word wider than the paper is set smaller until it fits."""
    while True:
        lines = tuple(simpleSplit(text, font, size, PRINTABLE)) or ("",)
        widest = max(stringWidth(line, font, size) for line in lines)
        if size <= MIN_SIZE or (len(lines) <= max_lines and widest <= PRINTABLE):
            return Block(lines, font, size)
        size = max(MIN_SIZE, size - 0.5)


def _blocks(data: TicketData) -> list[tuple[Block, float]]:
    """Each block with the gap above it."""
    blocks = [(fit(data.office, f"{SANS}-Bold", 9), 6 * mm), (fit("SỐ THỨ TỰ CỦA BẠN", SANS, 10), 3 * mm),
              (fit(data.number, f"{SANS}-Bold", 40, max_lines=1), 3 * mm),
              (fit(data.counter, f"{SANS}-Bold", 13), 2 * mm), (fit(data.issued, SANS, 9), 2 * mm)]
    if data.waiting:
        blocks.append((fit(data.waiting, SANS, 9), 1.5 * mm))
    blocks.append((fit("Vui lòng chờ đến lượt. Xin cảm ơn!", SANS, 9), 4 * mm))
    return blocks


def render_ticket(data: TicketData) -> bytes:
    register_fonts()
    blocks = _blocks(data)
    height = sum(block.height + gap for block, gap in blocks) + 6 * mm
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(WIDTH, height))
    y = height
    for block, gap in blocks:
        y -= gap
        canvas.setFont(block.font, block.size)
        for line in block.lines:
            y -= block.size * 1.2
            canvas.drawCentredString(WIDTH / 2, y + block.size * 0.25, line)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
