"""The daily summary Mẫu 01/TH-BLĐT (XML, PDF, xlsx), the wrong-document notice Mẫu 04/SS-CTĐT (XML)
and the registration Mẫu 01/ĐKTĐ-CTĐT (XML, PDF), from plain inputs; every XML against the XSD and
signed, with xmlsec1 checking the signature."""

from datetime import date, datetime
from io import BytesIO

import pytest
from lxml import etree
from openpyxl import load_workbook

from app.core.errors import ValidationError
from ereceipt import envelope, notice, registration, summary, xsd
from ereceipt.content import REPLACES, RelatedReceipt
from ereceipt.signing import sign_form
from forms.ereceipt_registration import registration_pdf
from forms.ereceipt_summary import summary_pdf, summary_workbook
from tests.ereceipt.conftest import COLLECTOR, receipt, xmlsec1_verify
from tests.forms.pdf_tools import pages, text

DAY = date(2027, 1, 1)
HEADER = summary.SummaryHeader(COLLECTOR.name, COLLECTOR.tax_code, "EBL01", "27TAA", DAY, place="Quảng Phú")


def day_receipts():
    return [receipt(1), receipt(2, fee_name="Lệ phí đăng ký khai sinh (đăng ký lại)", amount=5_000),
            receipt(3, related=RelatedReceipt(REPLACES, "EBL01", "27TAA", 1, DAY), amount=25_000)]


def wrap(kind, document):
    return envelope.wrap(envelope.Header("0106026495", "TCT", COLLECTOR.tax_code, kind), [document])


def test_summary_xml_per_series_and_day(signer, cert_pem):
    lines = summary.lines_for(HEADER, reversed(day_receipts()))
    root = summary.to_xml(HEADER, lines)
    xsd.check(root)
    rows = root.findall("DLBTHop/NDBTHDLieu/DSDLieu/DLieu")
    assert [r.findtext("SBLai") for r in rows] == ["00000001", "00000002", "00000003"]
    assert [r.findtext("TThai") for r in rows] == ["0", "0", "3"]
    assert rows[2].findtext("TTBLLQuan") == "Thay thế biên lai EBL01 27TAA 00000001 ngày 01/01/2027"
    assert root.findtext("DLBTHop/TTChung/KDLieu") == "01/01/2027"
    signed = sign_form(root, signer, datetime(2027, 1, 1, 17, 0))
    run = xmlsec1_verify(signed, cert_pem, "DLBTHop")
    assert run.returncode == 0, run.stderr
    message = wrap(envelope.MessageType.SUMMARY, signed)
    xsd.check(message)
    assert envelope.unwrap(message).kind == 400


def test_summary_refuses_another_series_or_day_and_an_empty_day():
    with pytest.raises(ValidationError, match="không thuộc ký hiệu 27TAA ngày 01/01/2027"):
        summary.lines_for(HEADER, [receipt(1), receipt(2, series_symbol="27TAB")])
    with pytest.raises(ValidationError, match="không thuộc"):
        summary.lines_for(HEADER, [receipt(2, issued_at=datetime(2027, 1, 2, 8, 0))])
    with pytest.raises(ValidationError, match="trùng"):
        summary.lines_for(HEADER, [receipt(1), receipt(1)])
    with pytest.raises(ValidationError, match="Không có biên lai"):
        summary.to_xml(HEADER, [])


def test_summary_pdf_and_workbook_hold_the_same_table():
    lines = summary.lines_for(HEADER, day_receipts())
    words = text(summary_pdf(HEADER, lines))
    for expected in ["Mẫu số: 01/TH-BLĐT", "BẢNG TỔNG HỢP DỮ LIỆU BIÊN LAI ĐIỆN TỬ",
                     "[01] Kỳ dữ liệu: Ngày 01 tháng 01", "Mã số thuế: 2800123456", "Số biên lai", "Giải trình",
                     "00000003", "Thay thế", "Tổng cộng", "51.000 đ", "Năm mươi mốt nghìn đồng", "(Chữ ký số)"]:
        assert expected in words, expected
    sheet = load_workbook(BytesIO(summary_workbook(HEADER, lines))).active
    assert [c.value for c in sheet[4]][:4] == ["STT", "Ký hiệu mẫu số biên lai", "Ký hiệu biên lai", "Số biên lai"]
    assert [c.value for c in sheet[5]][:7] == [1, "EBL01", "27TAA", "00000001", datetime(2027, 1, 1),
                                               "Lệ phí chứng thực bản sao từ bản chính", 21000]
    assert sheet.cell(row=8, column=1).value == "Tổng cộng" and sheet.cell(row=8, column=7).value == 51000


def test_a_long_day_runs_over_pages_with_page_numbers():
    lines = summary.lines_for(HEADER, [receipt(n) for n in range(1, 61)])
    pdf = summary_pdf(HEADER, lines)
    count, _ = pages(pdf)
    assert count > 1
    assert f"Trang 1/{count}" in text(pdf, 1) and "00000060" in text(pdf, count)
    assert "1.260.000 đ" in text(pdf, count)


NOTICE = notice.WrongNotice(
    COLLECTOR.name, COLLECTOR.tax_code, "Quảng Phú", date(2027, 1, 2), "28.01", "Thuế tỉnh Thanh Hóa",
    (notice.WrongReceipt("EBL01", "27TAA", 1, DAY, notice.REPLACE, "Sai số tiền: thu 21.000 đồng, ghi 25.000 đồng"),
     notice.WrongReceipt("EBL01", "27TAA", 2, DAY, notice.EXPLAIN, "Sai tên người nộp: Nguyễn Văn Đúc")),
    budget_code="1234567")


def test_wrong_document_notice_xml(signer, cert_pem):
    root = notice.to_xml(NOTICE)
    xsd.check(root)
    data = root.find("DLTBao")
    assert data.findtext("MSo") == "04/SS-CTĐT" and data.findtext("Loai") == "1"
    assert data.findtext("MDVQHNSach") == "1234567" and data.find("So") is None
    lines = data.findall("DSCTu/CTu")
    assert [(c.findtext("SCTu"), c.findtext("TCTBao")) for c in lines] == [("00000001", "3"), ("00000002", "4")]
    assert lines[1].findtext("LDo") == "Sai tên người nộp: Nguyễn Văn Đúc"
    signed = sign_form(root, signer, datetime(2027, 1, 2, 9, 0))
    assert xmlsec1_verify(signed, cert_pem, "DLTBao").returncode == 0
    xsd.check(wrap(envelope.MessageType.WRONG_NOTICE, signed))


def test_a_notice_answering_the_tax_authority_names_its_notice():
    from dataclasses import replace

    with pytest.raises(ValidationError, match="số và ngày thông báo"):
        notice.to_xml(replace(NOTICE, kind=notice.ANSWER))
    root = notice.to_xml(replace(NOTICE, kind=notice.ANSWER, answer_to="125/TB-CT", answer_date=date(2027, 1, 2)))
    xsd.check(root)
    assert root.findtext("DLTBao/So") == "125/TB-CT"


@pytest.mark.parametrize(("change", "message"), [
    ({"receipts": ()}, "ít nhất một biên lai"),
    ({"tax_code": "", "budget_code": "12"}, "mã đơn vị quan hệ ngân sách"),
    ({"receipts": (notice.WrongReceipt("EBL01", "27TAA", 1, DAY, 9, "x"),)}, "Tính chất thông báo"),
    ({"receipts": (notice.WrongReceipt("EBL01", "27TAA", 1, DAY, 1, " "),)}, "lý do"),
])
def test_bad_notices_are_refused(change, message):
    from dataclasses import replace

    with pytest.raises(ValidationError, match=message):
        notice.to_xml(replace(NOTICE, **change))


def registration_form(signer):
    return registration.Registration(
        COLLECTOR.name, COLLECTOR.tax_code, "Thuế tỉnh Thanh Hóa", "28.01", "Lê Thị Hoa",
        "UBND xã Quảng Phú, tỉnh Thanh Hóa", "motcua@quangphu.thanhhoa.gov.vn", "0237 3861 234", "Quảng Phú",
        date(2026, 12, 2), ("BLTPLPKIn",), "CDLQTCTN", (registration.certificate_line(signer.certificate()),),
        budget_code="1234567")


def test_registration_xml(signer, cert_pem):
    root = registration.to_xml(registration_form(signer))
    xsd.check(root)
    kinds = root.find("DLTKhai/NDTKhai/LHSDung")
    assert [(k.tag, k.text) for k in kinds] == [("BLTPLPKIn", "1"), ("BLTPLPIn", "0"), ("BLTTPLPhi", "0")]
    assert root.findtext("DLTKhai/NDTKhai/HTGDLCTDT/CDLQTCTN") == "1"
    cert = root.find("DLTKhai/NDTKhai/DSCTSSDung/CTS")
    assert cert.findtext("Seri") == f"{signer.certificate().serial_number:X}"
    assert "KHÔNG CÓ GIÁ TRỊ PHÁP LÝ" in cert.findtext("TTChuc")
    signed = sign_form(root, signer, datetime(2026, 12, 2, 9, 0))
    assert xmlsec1_verify(signed, cert_pem, "DLTKhai").returncode == 0
    message = wrap(envelope.MessageType.REGISTRATION, signed)
    xsd.check(message)
    assert etree.fromstring(message).findtext("TTChung/MLTDiep") == "100"


def test_registration_pdf(signer):
    words = text(registration_pdf(registration_form(signer)))
    for expected in ["Mẫu số: 01/ĐKTĐ-CTĐT", "TỜ KHAI ĐĂNG KÝ/THAY ĐỔI THÔNG TIN SỬ DỤNG BIÊN LAI ĐIỆN TỬ",
                     "[x] Đăng ký mới", "Mã số thuế: 2800123456", "Cơ quan thuế quản lý: Thuế tỉnh Thanh Hóa (28.01)",
                     "[x] Biên lai thu phí, lệ phí không in sẵn mệnh giá",
                     "[x] Chuyển dữ liệu qua tổ chức cung cấp dịch vụ nhận, truyền, lưu trữ dữ liệu",
                     "Thêm mới", "Quảng Phú, ngày 02 tháng 12 năm 2026", "NGƯỜI ĐẠI DIỆN THEO PHÁP LUẬT"]:
        assert expected in words, expected


def test_registration_refuses_missing_choices(signer):
    from dataclasses import replace

    with pytest.raises(ValidationError, match="hình thức gửi"):
        registration.to_xml(replace(registration_form(signer), method="X"))
    with pytest.raises(ValidationError, match="chứng thư số"):
        registration.to_xml(replace(registration_form(signer), certificates=()))
