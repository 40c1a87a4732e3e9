"""Mẫu 04 — the apology with a new return date (TT 01/2018: Phiếu xin lỗi và hẹn lại ngày trả kết
quả; TT 03/2025: Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết). A new date may be set
only once (NĐ 61/2018 Điều 19.9); the service refuses a second one before anything is printed."""

from __future__ import annotations

from dataclasses import dataclass

from forms.notice import Notice, addressed_letter
from forms.page import Page, esc

SUBJECT = "V/v xin lỗi đối với hồ sơ giải quyết quá hạn và hẹn lại thời gian trả kết quả"


@dataclass(frozen=True, kw_only=True)
class ApologyData(Notice):
    original_due: str
    new_due: str


def render_apology(data: ApologyData, page: Page | None = None) -> bytes:
    agency = esc(data.agency)
    paragraphs = [
        f"Ngày {esc(data.received)}, {agency} tiếp nhận giải quyết hồ sơ của Ông/Bà về "
        f"<b>{esc(data.procedure_name)}</b>, mã hồ sơ <b>{esc(data.code)}</b>. Thời gian hẹn trả kết "
        f"quả giải quyết hồ sơ: <b>{esc(data.original_due)}</b>.",
        f"Tuy nhiên đến nay, {agency} chưa trả kết quả giải quyết hồ sơ cho Ông/Bà đúng hạn ghi trên "
        f"Giấy tiếp nhận hồ sơ và hẹn trả kết quả. Lý do: <b>{esc(data.reason)}</b>",
        f"Sự chậm trễ này đã gây phiền hà cho Ông/Bà. {agency} xin lỗi Ông/Bà và hẹn lại thời gian trả "
        f"kết quả vào <b>{esc(data.new_due)}</b>.",
        f"{agency} xin thông báo để Ông/Bà được biết./.",
    ]
    return addressed_letter(data, paragraphs, page or Page("A5"), subject=SUBJECT)
