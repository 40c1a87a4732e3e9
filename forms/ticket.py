"""A queue ticket for an 80 mm thermal printer: number, counter, time."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from forms.fonts import SANS, register_fonts

WIDTH, HEIGHT = 80 * mm, 70 * mm


@dataclass(frozen=True)
class TicketData:
    office: str  # "UBND XÃ QUẢNG PHÚ – BỘ PHẬN MỘT CỬA"
    number: str  # "0023"
    counter: str  # "Quầy số 2"
    issued: str  # "08:15 – 20/11/2026"
    waiting: str = ""  # "Có 4 người đang chờ trước bạn"


def render_ticket(data: TicketData) -> bytes:
    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(WIDTH, HEIGHT))
    centre = WIDTH / 2
    canvas.setFont(f"{SANS}-Bold", 9)
    canvas.drawCentredString(centre, HEIGHT - 8 * mm, data.office[:48])
    canvas.setFont(SANS, 10)
    canvas.drawCentredString(centre, HEIGHT - 15 * mm, "SỐ THỨ TỰ CỦA BẠN")
    canvas.setFont(f"{SANS}-Bold", 40)
    canvas.drawCentredString(centre, HEIGHT - 32 * mm, data.number)
    canvas.setFont(f"{SANS}-Bold", 13)
    canvas.drawCentredString(centre, HEIGHT - 41 * mm, data.counter)
    canvas.setFont(SANS, 9)
    canvas.drawCentredString(centre, HEIGHT - 48 * mm, data.issued)
    if data.waiting:
        canvas.drawCentredString(centre, HEIGHT - 54 * mm, data.waiting)
    canvas.drawCentredString(centre, 6 * mm, "Vui lòng chờ đến lượt. Xin cảm ơn!")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
