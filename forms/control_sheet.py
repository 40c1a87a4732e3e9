"""Mẫu 05 (TT 01/2018) / Mẫu 06 (TT 03/2025) — Phiếu kiểm soát quá trình giải quyết hồ sơ,
filled from the dossier's events (shared/domain.md §1.7)."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.platypus import Flowable, Paragraph

from forms.page import Letterhead, Page, Styles, esc, field, grid, letterhead, render, title
from forms.qr import PaperQr


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


def _row(index: int, row: HandOff, styles: Styles) -> list[Flowable]:
    timing = f"{index}. Giao: {esc(row.giver)}<br/>{esc(row.when)}<br/>Nhận: {esc(row.receiver)}"
    signs = "Người giao&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;Người nhận<br/><br/><br/>"
    return [Paragraph(f"<b>{esc(row.giver)}</b> → <b>{esc(row.receiver)}</b>", styles.cell),
            [Paragraph(timing, styles.cell), Paragraph(signs, styles.cell_center)],
            Paragraph(esc(row.result), styles.cell_center), Paragraph(esc(row.note), styles.cell)]


def render_control_sheet(data: ControlData, page: Page | None = None) -> bytes:
    page = page or Page("A5")
    styles = Styles(page)
    story: list[Flowable] = letterhead(data.head, styles, page, with_qr=True) + title(data.title, styles)
    story += [field("Mã hồ sơ", data.code, styles.left),
              Paragraph(f"(Kèm theo hồ sơ của: <b>{esc(data.applicant_name)}</b>)", styles.left),
              field("Ngày nhận", data.received, styles.left), field("Ngày, giờ hẹn trả kết quả", data.due, styles.left),
              field("Cơ quan (bộ phận) giải quyết hồ sơ", data.lead_unit, styles.left),
              field("Cơ quan phối hợp giải quyết hồ sơ", data.partner_units, styles.left)]
    head = [Paragraph(text, styles.cell_head) for text in (
        "TÊN CƠ QUAN", "THỜI GIAN GIAO, NHẬN HỒ SƠ",
        "KẾT QUẢ GIẢI QUYẾT HỒ SƠ<br/>(Trước hạn/đúng hạn/quá hạn)", "GHI CHÚ")]
    width = page.frame_width
    rows = [_row(i, row, styles) for i, row in enumerate(data.rows, start=1)]
    story.append(grid([head, *rows], [width * 0.22, width * 0.43, width * 0.2, width * 0.15]))
    return render(story, page, qr_payload=data.qr.payload(), title_meta=f"{data.title} {data.code}")
