"""TT 03/2025 Mẫu 05 — Thông báo dừng giải quyết hồ sơ. Its official wording is not published in
what we could read (shared/domain.md §12.2), so this carries the fields every such notice needs."""

from __future__ import annotations

from dataclasses import dataclass

from forms.notice import Notice, addressed_letter
from forms.page import Page, esc


@dataclass(frozen=True, kw_only=True)
class StopData(Notice):
    """Nothing beyond the common notice: the reason says why the dossier stops."""


def render_stop_notice(data: StopData, page: Page | None = None, *, stamp: str = "") -> bytes:
    paragraphs = [
        f"Ngày {esc(data.received)}, {esc(data.agency)} đã tiếp nhận hồ sơ của Ông/Bà về "
        f"<b>{esc(data.procedure_name)}</b>, mã hồ sơ <b>{esc(data.code)}</b>.",
        f"Nay {esc(data.agency)} thông báo dừng giải quyết hồ sơ nêu trên với lý do: <b>{esc(data.reason)}</b>",
        "Xin thông báo để Ông/Bà được biết./.",
    ]
    return addressed_letter(data, paragraphs, page or Page("A5"), stamp=stamp)
