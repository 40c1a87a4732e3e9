"""The citizen's printed copy of an electronic fee receipt (bản thể hiện, Mẫu 01/PLPĐT "BIÊN LAI THU
PHÍ, LỆ PHÍ ĐIỆN TỬ", TT 91/2026 [S], shared/domain.md §12.4): every legal field, who signed it
and when, the lookup code and a QR (ereceipt.lookup).

`render_signed_copy` prints from the signed XML itself, after checking its signature, so a copy
can never show content other than what was signed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.colors import Color
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from ereceipt.content import LINK_KINDS, EReceipt
from ereceipt.lookup import qr_payload
from ereceipt.verify import signer_display, verify_receipt
from forms.page import Page, Styles, esc, field, render
from forms.qr import qr_matrix

TITLE = "BIÊN LAI THU PHÍ, LỆ PHÍ ĐIỆN TỬ"
SIGNED_GREEN = Color(0.05, 0.45, 0.15)


@dataclass(frozen=True)
class SignatureInfo:
    signer: str  # the certificate's subject, or its CN and organisation
    signed_at: datetime  # local wall time


def _date_line(moment: datetime) -> str:
    return f"Ngày {moment:%d} tháng {moment:%m} năm {moment:%Y}"


def _corner(payload: str, page: Page) -> float:
    """Room for the QR that page.render draws in the top-left corner: at least 0.5 mm a module
    (0.6 on A4) and a 4-module quiet zone, or the 20/25 mm of the older layout, whichever is wider."""
    module = 0.5 * mm if page.size == "A5" else 0.6 * mm
    return max((len(qr_matrix(payload)) + 4) * module, (20 if page.size == "A5" else 25) * mm + 2 * mm)


def _header(receipt: EReceipt, styles: Styles, page: Page, payload: str) -> Table:
    collector = receipt.collector
    left = [Paragraph(f"<b>{esc(collector.name.upper())}</b>", styles.left),
            field("Mã số thuế", collector.tax_code, styles.left),
            field("Địa chỉ", collector.address, styles.left)]
    if collector.phone:
        left.append(field("Điện thoại", collector.phone, styles.left))
    if collector.bank_account:
        left.append(field("Số tài khoản", collector.bank_account, styles.left))
    right = [Paragraph(f"Mẫu số: <b>{esc(receipt.template_symbol)}</b>", styles.left),
             Paragraph(f"Ký hiệu: <b>{esc(receipt.series_symbol)}</b>", styles.left),
             Paragraph(f"Số: <b>{esc(receipt.number_text)}</b>", styles.left)]
    width = page.frame_width
    qr_room = _corner(payload, page)
    table = Table([["", left, right]], colWidths=[qr_room, width * 0.70 - qr_room, width * 0.30])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _signature_box(signature: SignatureInfo, styles: Styles, page: Page) -> Table:
    lines = [Paragraph("<b>Đã ký số</b>", styles.center_bold),
             Paragraph(f"Ký bởi: {esc(signature.signer)}", styles.small),
             Paragraph(f"Ký ngày: {signature.signed_at:%d/%m/%Y %H:%M:%S}", styles.small)]
    box = Table([[lines]], colWidths=[page.frame_width * 0.55])
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.9, SIGNED_GREEN),
                             ("TEXTCOLOR", (0, 0), (-1, -1), SIGNED_GREEN),
                             ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4)]))
    heading = [Paragraph("<b>TỔ CHỨC THU PHÍ, LỆ PHÍ</b>", styles.center),
               Paragraph("<i>(Chữ ký số)</i>", styles.center), Spacer(1, 1.5 * mm), box]
    outer = Table([["", heading]], colWidths=[page.frame_width * 0.40, page.frame_width * 0.60])
    outer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return outer


def render_ereceipt(receipt: EReceipt, signature: SignatureInfo, *, lookup_base_url: str = "",
                    page: Page | None = None, stamp: str = "") -> bytes:
    page = page or Page("A5")
    styles = Styles(page)
    payer = receipt.payer
    payload = qr_payload(receipt, lookup_base_url)
    story: list[Flowable] = [_header(receipt, styles, page, payload), Spacer(1, 2 * mm),
                             Paragraph(esc(TITLE), styles.title),
                             Paragraph("(Bản thể hiện của biên lai điện tử)", styles.subtitle),
                             Paragraph(esc(_date_line(receipt.issued_at)), styles.date), Spacer(1, 2 * mm)]
    story += [field("Họ tên người nộp tiền", payer.name, styles.left)]
    if payer.tax_code:
        story.append(field("Mã số thuế", payer.tax_code, styles.left))
    story.append(field("Địa chỉ", payer.address, styles.left))
    if payer.bank_account:
        story.append(field("Số tài khoản", payer.bank_account, styles.left))
    story.append(field("Tên loại phí, lệ phí", receipt.fee_name, styles.left))
    if receipt.dossier_code:
        story.append(field("Mã hồ sơ", receipt.dossier_code, styles.left))
    story += [field("Số tiền", receipt.amount_figures, styles.left),
              Paragraph(f"Bằng chữ: <b><i>{esc(receipt.amount_words)}</i></b>", styles.left),
              field("Hình thức thanh toán", receipt.payment_method, styles.left)]
    if receipt.collector_officer:
        story.append(field("Người thu tiền", receipt.collector_officer, styles.left))
    if receipt.related is not None:
        link = receipt.related
        story.append(Paragraph(
            f"<b>Biên lai này {esc(LINK_KINDS[link.kind])} cho biên lai</b> Mẫu số {esc(link.template_symbol)}, "
            f"Ký hiệu {esc(link.series_symbol)}, Số {link.number:08d}, ngày {link.issued_on:%d/%m/%Y}.", styles.left))
    story += [Spacer(1, 3 * mm), _signature_box(signature, styles, page), Spacer(1, 3 * mm)]
    where = f" tại {esc(lookup_base_url.rstrip('/'))}" if lookup_base_url else ""
    story.append(Paragraph(f"Mã tra cứu biên lai: <b>{esc(receipt.lookup_code)}</b> – tra cứu{where} "
                           "hoặc quét mã QR ở góc trên.", styles.small))
    story.append(Paragraph("(Biên lai điện tử có giá trị pháp lý khi chữ ký số hợp lệ; "
                           "bản in này là bản thể hiện.)", styles.small_italic))
    title = f"{TITLE} {receipt.series_symbol} {receipt.number_text}"
    return render(story, page, qr_payload=payload, title_meta=title, stamp=stamp)  # stamp: a reprint says so


def render_signed_copy(signed_xml: bytes, *, lookup_base_url: str = "", page: Page | None = None,
                       stamp: str = "") -> bytes:
    """The copy of a stored signed receipt; raises SignatureInvalid rather than print a bad one."""
    verified = verify_receipt(signed_xml)
    return render_ereceipt(verified.receipt, SignatureInfo(signer_display(verified.certificate), verified.signing_time),
                           lookup_base_url=lookup_base_url, page=page, stamp=stamp)
