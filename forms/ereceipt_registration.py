"""Mẫu 01/ĐKTĐ-CTĐT "Tờ khai đăng ký/thay đổi thông tin sử dụng biên lai điện tử" as a PDF for the
commune's file, from the same plain input as its XML (ereceipt.registration)."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from ereceipt.registration import FORM, KINDS, METHODS, NAME, Registration, validate
from forms.page import Page, Styles, esc, field, grid, render, signatures

CERT_ACTIONS = {1: "Thêm mới", 2: "Gia hạn", 3: "Ngừng sử dụng"}


def _box(checked: bool) -> str:
    return "[x]" if checked else "[  ]"


def registration_pdf(form: Registration, page: Page | None = None) -> bytes:
    validate(form)
    page = page or Page("A4")
    styles = Styles.of(page)
    story: list[Flowable] = [
        Paragraph(f"Mẫu số: {esc(FORM)}", styles.right_small),
        Paragraph("<b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</b>", styles.center),
        Paragraph("<b>Độc lập - Tự do - Hạnh phúc</b>", styles.center), Spacer(1, 3 * mm),
        Paragraph(esc(NAME.upper()), styles.title), Spacer(1, 2 * mm),
        Paragraph(f"{_box(not form.change)} Đăng ký mới &nbsp;&nbsp;&nbsp; {_box(form.change)} Thay đổi thông tin",
                  styles.center), Spacer(1, 2 * mm),
        field("Tên tổ chức thu phí, lệ phí", form.collector_name, styles.left),
        field("Mã số thuế", form.tax_code, styles.left),
    ]
    if form.budget_code:
        story.append(field("Mã đơn vị quan hệ ngân sách", form.budget_code, styles.left))
    story += [field("Cơ quan thuế quản lý", f"{form.tax_office_name} ({form.tax_office_code})", styles.left),
              field("Người liên hệ", form.contact_name, styles.left),
              field("Địa chỉ liên hệ", form.contact_address, styles.left),
              field("Thư điện tử", form.contact_email, styles.left),
              field("Điện thoại liên hệ", form.contact_phone, styles.left),
              Paragraph("Theo Nghị định số 254/2026/NĐ-CP, chúng tôi thuộc đối tượng sử dụng biên lai điện tử. "
                        "Chúng tôi đăng ký/thay đổi thông tin đã đăng ký với cơ quan thuế về việc sử dụng biên lai "
                        "điện tử như sau:", styles.body),
              Paragraph("<b>1. Loại biên lai sử dụng</b>", styles.left)]
    story += [Paragraph(f"{_box(code in form.kinds)} {esc(text)}", styles.indent) for code, text in KINDS.items()]
    story.append(Paragraph("<b>2. Hình thức gửi dữ liệu biên lai điện tử</b>", styles.left))
    story += [Paragraph(f"{_box(code == form.method)} {esc(text)}", styles.indent) for code, text in METHODS.items()]
    story.append(Paragraph("<b>3. Danh sách chứng thư số sử dụng</b>", styles.left))
    head = [Paragraph(f"<b>{t}</b>", styles.cell_center) for t in
            ("STT", "Tên tổ chức cơ quan chứng thực/cấp/công nhận chữ ký số", "Số sê-ri chứng thư", "Từ ngày",
             "Đến ngày", "Hình thức đăng ký")]
    rows: list[list[object]] = [head]
    for index, cert in enumerate(form.certificates, start=1):
        rows.append([Paragraph(str(index), styles.cell_center), Paragraph(esc(cert.issuer), styles.cell),
                     Paragraph(esc(cert.serial), styles.cell), Paragraph(f"{cert.valid_from:%d/%m/%Y}", styles.cell),
                     Paragraph(f"{cert.valid_to:%d/%m/%Y}", styles.cell),
                     Paragraph(CERT_ACTIONS[cert.action], styles.cell)])
    unit = page.frame_width / 100
    story += [grid(rows, [8 * unit, 34 * unit, 22 * unit, 12 * unit, 12 * unit, 12 * unit]), Spacer(1, 2 * mm),
              Paragraph("Chúng tôi cam kết hoàn toàn chịu trách nhiệm trước pháp luật về tính chính xác, trung thực "
                        "của nội dung nêu trên và thực hiện theo đúng quy định của pháp luật.", styles.body),
              Paragraph(f"{esc(form.place)}, ngày {form.signed_on:%d} tháng {form.signed_on:%m} năm "
                        f"{form.signed_on:%Y}", styles.date),
              signatures([("", "", ""), ("NGƯỜI ĐẠI DIỆN THEO PHÁP LUẬT", "(Chữ ký số của tổ chức thu phí, lệ phí)",
                                         "")], styles, page)]
    return render(story, page, title_meta=NAME)
