"""Mẫu 04 — the apology with a new return date. TT 01/2018: "Phiếu xin lỗi và hẹn lại ngày trả kết
quả" (the agency sets the new date); TT 03/2025: "Văn bản xin lỗi và đề nghị gia hạn thời gian giải
quyết" (the agency apologises and asks the applicant to accept the extension). A new date may be set
only once (NĐ 61/2018 Điều 19.9); the service refuses a second one before anything is printed."""

from __future__ import annotations

from dataclasses import dataclass

from forms.notice import Notice, addressed_letter
from forms.page import Page, esc

SUBJECT_2018 = "V/v xin lỗi đối với hồ sơ giải quyết quá hạn và hẹn lại thời gian trả kết quả"
SUBJECT_2025 = "V/v xin lỗi và đề nghị gia hạn thời gian giải quyết hồ sơ"


@dataclass(frozen=True, kw_only=True)
class ApologyData(Notice):
    original_due: str
    new_due: str
    asks_extension: bool = True  # the 2025 wording; False: the 2018 one


def _ask(data: ApologyData, agency: str) -> str:
    if data.asks_extension:
        return (f"{agency} thành thật xin lỗi Ông/Bà vì sự chậm trễ này và đề nghị Ông/Bà đồng ý gia hạn thời gian "
                f"giải quyết hồ sơ đến <b>{esc(data.new_due)}</b>. {agency} sẽ trả kết quả cho Ông/Bà trong thời "
                "hạn được gia hạn.")
    return (f"Sự chậm trễ này đã gây phiền hà cho Ông/Bà. {agency} xin lỗi Ông/Bà và hẹn lại thời gian trả "
            f"kết quả vào <b>{esc(data.new_due)}</b>.")


def render_apology(data: ApologyData, page: Page | None = None, *, stamp: str = "") -> bytes:
    agency = esc(data.agency)
    paragraphs = [
        f"Ngày {esc(data.received)}, {agency} tiếp nhận giải quyết hồ sơ của Ông/Bà về "
        f"<b>{esc(data.procedure_name)}</b>, mã hồ sơ <b>{esc(data.code)}</b>. Thời gian hẹn trả kết "
        f"quả giải quyết hồ sơ: <b>{esc(data.original_due)}</b>.",
        f"Tuy nhiên đến nay, {agency} chưa giải quyết xong hồ sơ của Ông/Bà đúng hạn ghi trên "
        f"Giấy tiếp nhận hồ sơ và hẹn trả kết quả. Lý do: <b>{esc(data.reason)}</b>",
        _ask(data, agency),
        f"{agency} xin thông báo để Ông/Bà được biết./.",
    ]
    subject = SUBJECT_2025 if data.asks_extension else SUBJECT_2018
    return addressed_letter(data, paragraphs, page or Page("A5"), subject=subject, stamp=stamp)
