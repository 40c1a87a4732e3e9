"""Mẫu 05 (TT 01/2018) / Mẫu 06 (TT 03/2025) — Phiếu kiểm soát quá trình giải quyết hồ sơ,
filled from the dossier's events (shared/domain.md §1.7), with blank "Giao / Nhận" rows drawn for
the hand-offs still to come, each with room for the two signatures."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from forms.page import (
    NO_PADDING,
    Letterhead,
    Page,
    Section,
    Styles,
    code_block,
    esc,
    field,
    grid,
    letterhead,
    qr_room,
    render,
    title,
)
from forms.qr import PaperQr

BLANK = "……………"
MIN_ROWS = 4  # a sheet starts with room for the usual hand-offs: desk → officer → desk → applicant
NOTE_CHARS = 240  # the full reason is in the letter of its step (Mẫu 02, 04, 05); a row must fit a page


def short_note(note: str) -> str:
    return note if len(note) <= NOTE_CHARS else note[:NOTE_CHARS].rsplit(" ", 1)[0] + " … (xem văn bản của bước này)"


@dataclass(frozen=True)
class HandOff:
    giver: str  # "Bộ phận TN và TKQ"
    receiver: str
    when: str  # "15 giờ 44 phút, ngày 20 tháng 11 năm 2026"
    result: str  # "Trước hạn" / "Đúng hạn" / "Quá hạn" / ""
    note: str = ""


@dataclass(frozen=True)
class ControlData:
    head: Letterhead
    qr: PaperQr
    title: str
    code: str
    applicant_name: str
    received: str
    due: str
    lead_unit: str
    partner_units: str
    rows: tuple[HandOff, ...]
    open_rows: int = 2  # blank rows after the last recorded hand-off, while the dossier is still open


def _signing(styles: Styles, width: float, page: Page) -> Table:
    room = 12 * mm if page.size == "A5" else 16 * mm
    table = Table([[Paragraph("Người giao", styles.cell_center), Paragraph("Người nhận", styles.cell_center)],
                   [Spacer(1, room), ""]], colWidths=[width / 2, width / 2])
    table.setStyle(TableStyle(NO_PADDING))
    return table


def _row(index: int, row: HandOff | None, styles: Styles, width: float, page: Page) -> list[Any]:
    giver, receiver = (esc(row.giver), esc(row.receiver)) if row else (BLANK, BLANK)
    when = esc(row.when) if row else "… giờ … phút, ngày … tháng … năm ……"
    timing = f"{index}. Giao: {giver}<br/>{when}<br/>Nhận: {receiver}"
    name = f"<b>{giver}</b> → <b>{receiver}</b>" if row else ""
    return [Paragraph(name, styles.cell), [Paragraph(timing, styles.cell), _signing(styles, width, page)],
            Paragraph(esc(row.result) if row else "", styles.cell_center),
            Paragraph(esc(short_note(row.note)) if row else "", styles.cell)]


def render_control_sheet(data: ControlData, page: Page | None = None, *, stamp: str = "") -> bytes:
    page = page or Page("A5")
    styles = Styles.of(page)
    payload = data.qr.payload()
    code = code_block(data.code, "", styles, page.frame_width - qr_room(payload, page))
    story: list[Flowable] = [Section(f"Mã hồ sơ: {data.code}"),
                             *letterhead(data.head, styles, page, qr=payload, beside_qr=code),
                             *title(data.title, styles)]
    story += [Paragraph(f"(Kèm theo hồ sơ của: <b>{esc(data.applicant_name)}</b>)", styles.left),
              field("Ngày nhận", data.received, styles.left), field("Ngày, giờ hẹn trả kết quả", data.due, styles.left),
              field("Cơ quan (bộ phận) giải quyết hồ sơ", data.lead_unit, styles.left),
              field("Cơ quan phối hợp giải quyết hồ sơ", data.partner_units, styles.left)]
    head = [Paragraph(text, styles.cell_head) for text in (
        "TÊN CƠ QUAN", "THỜI GIAN GIAO, NHẬN HỒ SƠ",
        "KẾT QUẢ GIẢI QUYẾT HỒ SƠ<br/>(Trước hạn/đúng hạn/quá hạn)", "GHI CHÚ")]
    width = page.frame_width
    widths = [width * 0.18, width * 0.4, width * 0.14, width * 0.28]
    blanks = max(MIN_ROWS - len(data.rows), data.open_rows)
    rows = [_row(i, row, styles, widths[1] - 6, page)
            for i, row in enumerate([*data.rows, *([None] * blanks)], start=1)]
    story.append(grid([head, *rows], widths))
    return render(story, page, qr_payload=payload, title_meta=f"{data.title} {data.code}", stamp=stamp)
