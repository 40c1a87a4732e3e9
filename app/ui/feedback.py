"""What the official is told after a reception: the dossier's code, the receipt and what was printed,
in one banner over the reception form that stays until the next dossier is received."""

from __future__ import annotations

from app.core.money import format_vnd
from app.services.desk import Desk
from app.services.queries import dossier_detail
from app.services.reception_flow import Counter
from app.ui.reception_view import ReceptionView


def receipt_numbers(desk: Desk, uid: str) -> list[str]:
    """«số 0000001 (AA/26T)» for each receipt of the dossier (read on the database worker)."""
    return [f"số {r['number']:07d} ({r['series_symbol']})" for r in dossier_detail(desk, uid)["receipts"]
            if r["status"] != "voided"]


class ReceptionBanner:
    def __init__(self, view: ReceptionView, result: Counter) -> None:
        self.view, self.result = view, result
        self.receipts: list[str] = []
        self.papers: list[tuple[str, bool]] = []

    def receipts_known(self, numbers: list[str]) -> None:
        self.receipts = numbers
        self.show()

    def printed(self, paper: str, done: bool) -> None:
        self.papers.append((paper, done))
        self.show()

    def text(self) -> str:
        got = self.result.received
        parts = [f"✓ Đã tiếp nhận hồ sơ {got.code}."]
        if self.result.handed_over:
            parts.append("Đã trả kết quả ngay tại quầy.")
        if got.fee_amount and self.receipts:
            parts.append(f"Biên lai {', '.join(self.receipts)}: {format_vnd(got.fee_amount)}.")
        elif got.fee_amount and self.result.receipt_problem:
            parts.append("Chưa lập được biên lai (xem lý do dưới mẫu).")
        elif not got.fee_amount:
            parts.append("Không thu phí, lệ phí.")
        printed = [paper for paper, done in self.papers if done]
        skipped = [paper for paper, done in self.papers if not done]
        if printed:
            parts.append(f"Đã in: {', '.join(printed)}.")
        if skipped:
            parts.append(f"Chưa in: {', '.join(skipped)} (in sau ở cửa sổ của hồ sơ, nút «In giấy tờ…», Alt+I).")
        if not self.papers:
            parts.append("Chưa in giấy tờ nào." if not self.view.print_now.isChecked() else "Đang mở bản xem trước…")
        return " ".join(parts)

    def show(self) -> None:
        self.view.show_banner(self.text())
