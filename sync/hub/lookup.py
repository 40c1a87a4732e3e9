"""The public e-receipt lookup page (issue 10): a citizen types the 12-character code printed on the
receipt, or opens the address its QR carries (ereceipt.lookup: `/tra-cuu-bien-lai?ma=CODE`), and
sees the receipt's legal fields, who signed it and when, and whether the signature is valid —
checked now, on the signed XML the hub stored, with the same verifier the provider uses.

No login; limited per client address (30 requests a minute by default → 429 with a Vietnamese
page), since the code is the only secret and 60 bits are safe only if guessing stays slow.
Server-rendered with string.Template (Jinja2 is not among the hub's dependencies), every value
escaped, no script, no external file: it works on a commune's LAN without internet and on a phone.
"""

from __future__ import annotations

import html
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from string import Template

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from lxml import etree
from sqlalchemy import Engine, select

from app.core.errors import DeskError
from ereceipt import xml_adapter
from ereceipt.content import LOOKUP_CODE, EReceipt
from ereceipt.lookup import LOOKUP_PATH, parse_qr
from ereceipt.verify import signer_display, verify_receipt
from sync.hub.ereceipts import find_by_lookup_code
from sync.hub.limits import SharedRateLimit
from sync.hub.models import Receipt

PAGE = Template((Path(__file__).parent / "templates" / "ereceipt_lookup.html").read_text(encoding="utf-8"))
TITLE = "Tra cứu biên lai điện tử"
PER_MINUTE = 30
SECURITY_HEADERS = {
    # Inline styles only: no script, no image or font from anywhere, the form posts to itself.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # the code is in the address: never hand it to another site
    "Cache-Control": "no-store",
}
STATES = {
    "at_hub": "Đã lưu trên hệ thống cấp trên, đang chờ gửi cơ quan thuế.",
    "sent": "Đã gửi cơ quan thuế, đang chờ kết quả.",
    "accepted": "Cơ quan thuế đã tiếp nhận dữ liệu biên lai.",
    "rejected": "Cơ quan thuế chưa chấp nhận dữ liệu biên lai; xã đang xử lý lại.",
}
BAD_CODE = "Mã tra cứu gồm đúng 12 ký tự chữ và số in trên biên lai (không có chữ O, I và số 0, 1). Hãy kiểm tra lại."
UNKNOWN = ("Không tìm thấy biên lai nào có mã tra cứu này. Hãy kiểm tra lại mã in trên biên lai; biên lai vừa lập "
           "khi mất mạng sẽ tra cứu được sau khi máy của xã đồng bộ.")
TOO_MANY = "Bạn đã tra cứu quá nhiều lần trong một phút. Hãy đợi một phút rồi thử lại."


class RateLimit:
    """At most `per_minute` requests from one address in any sliding minute; memory stays bounded by
    forgetting addresses that have been quiet for a minute."""

    def __init__(self, per_minute: int = PER_MINUTE, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute, self.clock = per_minute, clock
        self.seen: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def allow(self, address: str) -> bool:
        now = self.clock()
        with self.lock:
            if len(self.seen) > 10_000:
                self.seen = {a: q for a, q in self.seen.items() if q and now - q[-1] < 60}
            recent = self.seen.setdefault(address, deque())
            while recent and now - recent[0] >= 60:
                recent.popleft()
            if len(recent) >= self.per_minute:
                return False
            recent.append(now)
            return True


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _moment(value: datetime) -> str:
    return f"{value:%H:%M} ngày {value:%d/%m/%Y}"


def _rows(pairs: list[tuple[str, str]], *, amount_label: str = "") -> str:
    cells = []
    for label, value in pairs:
        if value:
            css = ' class="amount"' if label == amount_label else ""
            cells.append(f"<dt>{_e(label)}</dt><dd{css}>{_e(value)}</dd>")
    return "<dl>" + "".join(cells) + "</dl>"


def _card(title: str, body: str) -> str:
    return f'<section class="card"><h2>{_e(title)}</h2>{body}</section>'


def _message(text: str, kind: str = "error") -> str:
    return f'<p class="message {kind}" role="alert">{_e(text)}</p>'


def normalise_code(text: str) -> str:
    """What a person types or scans: the code itself, spaced or in lower case, or a whole QR payload."""
    text = text.strip()
    if "|" in text or "?" in text:
        return parse_qr(text).lookup_code
    return "".join(ch for ch in text.upper() if ch not in " -.")


def receipt_html(receipt: EReceipt, seal: str, state: str, status: str) -> str:
    """The receipt's legal fields (NĐ 254/2026 Điều 23 k2; the printable view Mẫu 01/PLPĐT)."""
    header = _rows([
        ("Tên biên lai", receipt.title), ("Mẫu số", receipt.template_symbol), ("Ký hiệu", receipt.series_symbol),
        ("Số", receipt.number_text), ("Ngày lập", _moment(receipt.issued_at)), ("Mã hồ sơ", receipt.dossier_code),
        ("Mã tra cứu", receipt.lookup_code)])
    collector = _rows([
        ("Tên", receipt.collector.name), ("Mã số thuế", receipt.collector.tax_code),
        ("Địa chỉ", receipt.collector.address), ("Điện thoại", receipt.collector.phone),
        ("Người thu tiền", receipt.collector_officer)])
    payer = _rows([("Họ và tên", receipt.payer.name), ("Địa chỉ", receipt.payer.address),
                   ("Mã số thuế", receipt.payer.tax_code)])
    figures = f"{receipt.amount:,} đồng".replace(",", ".")
    money = _rows([("Tên loại phí, lệ phí", receipt.fee_name), ("Số tiền", figures),
                   ("Bằng chữ", receipt.amount_words), ("Hình thức thanh toán", receipt.payment_method)],
                  amount_label="Số tiền")
    parts = [seal]
    if status:
        parts.append(_message(status, "warn"))
    if receipt.related is not None:
        link = receipt.related
        what = "Thay thế cho" if link.kind == 1 else "Điều chỉnh cho"
        parts.append(_message(f"{what} biên lai {link.template_symbol} {link.series_symbol} số {link.number:08d} "
                              f"lập ngày {link.issued_on:%d/%m/%Y}.", "warn"))
    cards = [_card("Biên lai", header), _card("Khoản thu", money), _card("Tổ chức thu phí, lệ phí", collector),
             _card("Người nộp phí, lệ phí", payer)]
    if state:
        cards.append(_card("Gửi dữ liệu tới cơ quan thuế", _rows([("Tình trạng", STATES.get(state, state))])))
    return "".join(parts) + '<div class="cards">' + "".join(cards) + "</div>"


def _seal(valid: bool, signer: str, signed_at: datetime | None, problem: str = "") -> str:
    if valid and signed_at is not None:
        return (f'<div class="seal ok" role="status"><span class="mark" aria-hidden="true">✔</span><div>'
                f"<strong>Chữ ký số hợp lệ</strong><span>Người ký: {_e(signer)} — ký lúc {_e(_moment(signed_at))}"
                f"</span></div></div>")
    return (f'<div class="seal bad" role="alert"><span class="mark" aria-hidden="true">✘</span><div>'
            f"<strong>Chữ ký số không hợp lệ</strong><span>{_e(problem)} Không dùng biên lai này làm chứng từ."
            f"</span></div></div>")


def _status(engine: Engine, agency_id: str, receipt: EReceipt) -> str:
    with engine.connect() as connection:
        row = connection.execute(select(Receipt.status).where(
            Receipt.agency_id == agency_id, Receipt.template_symbol == receipt.template_symbol,
            Receipt.series_symbol == receipt.series_symbol, Receipt.number == receipt.number)).first()
    if row is not None and row.status == "voided":
        return "Biên lai này đã bị hủy (xã đã lập thông báo sai sót và biên lai thay thế, nếu có)."
    return ""


def result_html(engine: Engine, code: str) -> str | None:
    """The receipt's part of the page, or None when no receipt has this code."""
    found = find_by_lookup_code(engine, code)
    if found is None:
        return None
    try:
        verified = verify_receipt(found.xml)
        receipt = verified.receipt
        seal = _seal(True, signer_display(verified.certificate), verified.signing_time)
    except DeskError as error:
        # The stored copy no longer verifies: show what it says, under a warning that it is not to be trusted.
        receipt = xml_adapter.from_xml(etree.fromstring(found.xml))
        seal = _seal(False, "", None, error.message)
    return receipt_html(receipt, seal, found.state, _status(engine, found.agency_id, receipt))


def page(code: str = "", body: str = "", title: str = TITLE) -> str:
    return PAGE.substitute(title=_e(title), action=_e(LOOKUP_PATH), code=_e(code), body=body)


def lookup_router(engine: Engine, limit: RateLimit | SharedRateLimit | None = None) -> APIRouter:
    router = APIRouter()
    limiter = limit or SharedRateLimit(engine, "lookup", PER_MINUTE)  # one count for all the hub's workers

    @router.get(LOOKUP_PATH, response_class=HTMLResponse, include_in_schema=False)
    def lookup(request: Request, ma: str = "") -> HTMLResponse:
        address = request.client.host if request.client else "?"
        if not limiter.allow(address):
            headers = {**SECURITY_HEADERS, "Retry-After": "60"}
            return HTMLResponse(page(body=_message(TOO_MANY), title="Tra cứu quá nhiều lần"), status_code=429,
                                headers=headers)
        typed = ma[:200]
        if not typed.strip():
            return HTMLResponse(page(), headers=SECURITY_HEADERS)
        try:
            code = normalise_code(typed)
        except DeskError:
            code = ""
        if not LOOKUP_CODE.match(code):
            return HTMLResponse(page(typed, _message(BAD_CODE)), status_code=400, headers=SECURITY_HEADERS)
        body = result_html(engine, code)
        if body is None:
            return HTMLResponse(page(code, _message(UNKNOWN)), status_code=404, headers=SECURITY_HEADERS)
        return HTMLResponse(page(code, body), headers=SECURITY_HEADERS)

    return router
