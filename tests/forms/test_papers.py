from datetime import date, datetime, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from app.core.errors import NotFoundError, ValidationError
from app.services import papers
from app.services.reception import ReceptionInput, receive_dossier
from app.services.settings import save_settings
from forms.qr import parse_paper_qr
from tests.forms.pdf_tools import A4, A5, layout_lines, pages, qr_codes, text
from tests.helpers.papers import CCCD, LONG_ADDRESS, LONG_NAME, build_samples


@pytest.fixture(scope="module")
def s(tmp_path_factory):
    samples = build_samples(tmp_path_factory.mktemp("papers") / "papers.sqlite")
    yield samples
    samples.desk.db.dispose()


def code_of(s, uid):
    return papers.dossier_detail(s.desk, uid)["dossier"]["code"]


def test_slip_has_every_field_of_form_01_on_one_a5_page_per_copy(s):
    pdf = papers.slip_pdf(s.desk, s.slip)
    assert pages(pdf) == (2, A5)
    first = text(pdf, 1)
    for expected in ["UBND XÃ QUẢNG PHÚ", "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                     "Độc lập - Tự do - Hạnh phúc", "Quảng Phú, ngày 16 tháng 11 năm 2026", "Mẫu số 01",
                     "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", f"Mã hồ sơ: {code_of(s, s.slip)}", "Liên 1: Lưu",
                     f"Tiếp nhận hồ sơ của: {LONG_NAME}", "Số điện thoại: 0912345678",
                     "Email: bichtram.tonnu@example.vn", "Nội dung yêu cầu giải quyết: Chứng thực bản sao từ bản chính",
                     "Bộ phận tiếp nhận và trả kết quả: UBND xã Quảng Phú",
                     "Tên giấy tờ", "Bản chính/chứng thực/photo", "Số lượng",
                     "2. Số lượng hồ sơ: 01 (bộ)",
                     "4. Thời gian nhận hồ sơ: 08 giờ 05 phút, ngày 16 tháng 11 năm 2026",
                     "5. Thời gian trả kết quả giải quyết hồ sơ: 17 giờ 00 phút, ngày 16 tháng 11 năm 2026",
                     "6. Đăng ký nhận kết quả tại: Bộ phận tiếp nhận và trả kết quả",
                     "48.000 đ (Bốn mươi tám nghìn đồng)",
                     "Quyển số: 2026", "Số thứ tự: 1001", "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Nguyễn Thị Lan"]:
        assert expected in first, expected
    assert "khu tập thể Công ty Cổ phần Xi măng Bỉm Sơn" in first  # the long address wrapped, not cut
    assert "3 Căn cước công dân Bản photo 1" in layout_lines(pdf, 1)  # one row of the documents table
    assert "Liên 2: Giao người nộp hồ sơ" in text(pdf, 2)


def test_slip_qr_reads_back_on_each_copy(s):
    pdf = papers.slip_pdf(s.desk, s.slip)
    for page in (1, 2):
        [payload] = qr_codes(pdf, page)
        qr = parse_paper_qr(payload)
        assert (qr.dossier_code, qr.procedure_code, qr.applicant_id) == (code_of(s, s.slip), "2.000815", CCCD)
        assert qr.paper_name == "Giấy tiếp nhận hồ sơ và hẹn trả kết quả"
        # Issued when the dossier was received (16/11 08:05), not when printed (18/11 15:00).
        assert qr.due_at == datetime(2026, 11, 16, 17, 0) and qr.issued_at == datetime(2026, 11, 16, 8, 5)
        assert qr.system_name == "Một cửa UBND xã Quảng Phú"


def test_slip_in_a4_and_single_copy(s):
    pdf = papers.slip_pdf(s.desk, s.slip, copies=1, size="A4")
    assert pages(pdf) == (1, A4)
    assert "Liên 2: Giao người nộp hồ sơ" in text(pdf) and "Liên 1" not in text(pdf)


def test_supplement_request(s):
    pdf = papers.supplement_pdf(s.desk, s.supplement, officer_phone="0237 3888 123")
    assert pages(pdf) == (1, A5)
    body = text(pdf)
    for expected in ["PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", "Số: ……/HDHS", "Mẫu số 02", "Lê Văn Cường",
                     "Bản sao trích lục ghi chú ly hôn", "Lý do: Giấy tờ nộp kèm chưa đủ",
                     "số điện thoại 0237 3888 123", "NGƯỜI HƯỚNG DẪN"]:
        assert expected in body, expected
    assert parse_paper_qr(qr_codes(pdf)[0]).paper_name == "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"


def test_refusal(s):
    body = text(pdf := papers.refusal_pdf(s.desk, s.refusal))
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in body and "Phạm Thị Hoa" in body
    assert "thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể như sau: Tài sản" in body
    assert "Xin thông báo cho Ông/Bà được biết và thực hiện./." in body
    assert qr_codes(pdf)


def test_apology_carries_old_and_new_dates(s):
    body = text(papers.apology_pdf(s.desk, s.apology))
    assert "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT" in body and "Kính gửi: Hoàng Đức Minh" in body
    assert "Thời gian hẹn trả kết quả giải quyết hồ sơ: 11 giờ 00 phút, ngày 19 tháng 11 năm 2026" in body
    asked = "đề nghị Ông/Bà đồng ý gia hạn thời gian giải quyết hồ sơ đến 16 giờ 00 phút, ngày 24 tháng 11 năm 2026"
    assert asked in body
    assert "Quảng Phú, ngày 18 tháng 11 năm 2026" in body  # the day of the reschedule
    for expected in ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Thị Thu Hà", "Nơi nhận:", "- Như trên;", "- Lưu: VT, BPMC."]:
        assert expected in body, expected
    assert "THỦ TRƯỞNG CƠ QUAN" not in body
    assert "Lý do: Phải chờ kết quả xác minh" in body


def test_stop_notice(s):
    body = text(papers.stop_notice_pdf(s.desk, s.stop))
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in body and "Mẫu số 05" in body
    assert "dừng giải quyết hồ sơ nêu trên với lý do: Có tranh chấp" in body


def test_control_sheet_follows_the_events(s):
    body = text(papers.control_sheet_pdf(s.desk, s.slip))
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in body and "Mẫu số 06" in body
    assert "1. Giao: Bộ phận tiếp nhận và trả kết quả" in body
    assert "Nhận: Công chức Tư pháp - Hộ tịch" in body
    assert "Đúng hạn" in body and "3. Giao: Bộ phận tiếp nhận và trả kết quả" in body


def test_papers_need_their_step(s):
    with pytest.raises(NotFoundError, match="chưa có bước này"):
        papers.refusal_pdf(s.desk, s.slip)


def test_older_regime_numbers_and_titles(s):
    with s.desk.write() as c:
        save_settings(c, form_regime="tt01_2018")
    s.desk.forget_cached()
    try:
        old = text(papers.apology_pdf(s.desk, s.apology))
        assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in old
        assert "hẹn lại thời gian trả kết quả vào 16 giờ 00 phút, ngày 24 tháng 11 năm 2026" in old
        assert "Mẫu số 05" in text(papers.control_sheet_pdf(s.desk, s.slip))
        with pytest.raises(ValidationError, match="01/2018"):
            papers.stop_notice_pdf(s.desk, s.stop)
    finally:
        with s.desk.write() as c:
            save_settings(c, form_regime="tt03_2025")
        s.desk.forget_cached()


def test_receipt_has_its_legal_content(s):
    pdf = papers.receipt_pdf(s.desk, s.receipt)
    assert pages(pdf) == (2, A5)
    assert "Liên 1: Lưu" in text(pdf, 1) and "Liên 2: Giao người nộp tiền" in text(pdf, 2)
    body = text(pdf)
    for expected in ["BIÊN LAI THU PHÍ, LỆ PHÍ", "Mẫu số: 01BLP0-001", "Ký hiệu: AA/26T", "Số: 0000001",
                     "UBND XÃ QUẢNG PHÚ", "Mã số thuế: 2800123456", LONG_NAME, "Phí chứng thực bản sao từ bản chính",
                     "Số tiền: 48.000 đồng", "Bốn mươi tám nghìn đồng", "Hình thức thanh toán: Tiền mặt",
                     "Ngày 16 tháng 11 năm 2026", "NGƯỜI THU TIỀN"]:
        assert expected in body, expected
    assert "ĐÃ HỦY" not in body and "BẢN IN LẠI" not in body
    assert parse_paper_qr(qr_codes(pdf)[0]).dossier_code == code_of(s, s.slip)


def test_voided_and_reprinted_receipts_say_so(s):
    voided = text(papers.receipt_pdf(s.desk, s.voided_receipt))
    assert "ĐÃ HỦY – Lý do hủy: Ghi sai tên người nộp tiền. Người hủy: Nguyễn Thị Lan, lúc 13 giờ 45 phút" in voided
    again = papers.receipt_pdf(s.desk, s.receipt, reprint=2)
    assert "BẢN IN LẠI – In lại lúc 15 giờ 00 phút, ngày 18 tháng 11 năm 2026, lần thứ 2" in text(again, 1)


def test_log_book_spans_pages_with_header_and_page_numbers(s, tmp_path):
    desk = s.desk
    start = desk.clock.instant
    try:
        for k in range(60):
            desk.clock.instant = start + timedelta(days=1 + k // 20, minutes=k)
            receive_dossier(desk, ReceptionInput("2.000884", f"Người nộp số {k:02d}", owner_address=LONG_ADDRESS))
    finally:
        desk.clock.instant = start
    pdf = papers.log_book_pdf(desk, date(2026, 11, 1), date(2026, 11, 30))
    count, size = pages(pdf)
    assert size == (A4[1], A4[0]) and count >= 3
    for page in range(1, count + 1):
        body = text(pdf, page)
        assert "Mã hồ sơ" in body and "Họ tên chủ hồ sơ" in body and f"Trang {page}/{count}" in body
    assert "SỔ THEO DÕI HỒ SƠ" in text(pdf, 1) and "Người nộp số 59" in text(pdf, count)
    sheet = load_workbook(BytesIO(papers.log_book_workbook(desk, date(2026, 11, 1), date(2026, 11, 30)))).active
    assert sheet["A3"].value == "STT" and sheet["E3"].value == "Họ tên chủ hồ sơ"
    assert sheet["H3"].value == "Ngày, tháng, năm"
    assert sheet["H4"].value == "Nhận hồ sơ" and sheet.print_title_rows == "$3:$4"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.max_row == 4 + 8 + 60 + 1 and sheet["E5"].value == LONG_NAME
    assert sheet["H5"].value == datetime(2026, 11, 16, 8, 5) and sheet["H5"].number_format == "dd/mm/yyyy hh:mm"
    assert sheet.cell(sheet.max_row, 2).value.startswith("Tổng cộng: 68 hồ sơ")


def test_ticket_and_public_list(s):
    ticket = papers.ticket_pdf(s.desk, 23, "Quầy số 2", waiting=4)
    count, (width, _) = pages(ticket)
    assert count == 1 and width == pytest.approx(226.8, abs=0.2)  # 80 mm
    assert "0023" in text(ticket) and "Quầy số 2" in text(ticket)
    listing = text(papers.public_list_pdf(s.desk))
    assert "DANH MỤC THỦ TỤC HÀNH CHÍNH" in listing and "Chứng thực bản sao từ bản chính" in listing
    assert "2.000 đ/trang" in listing and "Trang 1/" in listing


def test_slip_states_the_copies_and_pages_the_fee_was_computed_on(desk):
    from tests.helpers.data import copy_cert

    counted = receive_dossier(desk, copy_cert("Trần Thị Bình", pages=5, copies=3))
    plain = receive_dossier(desk, copy_cert("Lê Văn Cường", pages=1, copies=1))
    assert "số bản yêu cầu: 03 bản, mỗi bản 05 trang" in text(papers.slip_pdf(desk, counted.uid))
    assert "số bản yêu cầu" not in text(papers.slip_pdf(desk, plain.uid))
