"""Issue 12 §8: every paper with the longest values the services accept (app/core/limits.py), typed
decomposed (NFD), twenty documents and a long timeline. Each renders, fits (one A5 page per copy
for the slip; otherwise every page numbered, the code repeated, the QR's corner free), its text
holds every legal field and value, and its QR decodes at 150 dpi on every page."""

import unicodedata
from datetime import date

import pytest

from app.services import papers
from app.services.settings import save_settings
from forms.qr import parse_paper_qr
from tests.forms.pdf_tools import A4, A5, barcodes, layout_lines, pages, qr_codes, text, type_size, words
from tests.helpers.papers import LONGEST_ADDRESS, LONGEST_NAME, LONGEST_REASON, TWENTY_DOCUMENTS, build_samples


@pytest.fixture(scope="module")
def s(tmp_path_factory):
    samples = build_samples(tmp_path_factory.mktemp("longest") / "papers.sqlite")
    yield samples
    samples.desk.db.dispose()


MM = 72 / 25.4


def code_of(s, uid):
    return papers.dossier_detail(s.desk, uid)["dossier"]["code"]


def every_page(pdf: bytes, code: str, paper: tuple[float, float] = A5) -> int:
    """Each page: its QR decodes at 150 dpi and names the dossier; a paper of several pages is
    numbered, and its later pages say whose continuation they are."""
    count, size = pages(pdf)
    assert size == paper
    for page in range(1, count + 1):
        [payload] = qr_codes(pdf, page, dpi=150)
        assert parse_paper_qr(payload).dossier_code == code
        body = text(pdf, page)
        if count > 1 and "Liên" not in body:
            assert f"Trang {page}/{count}" in body
            assert page == 1 or (f"Mã hồ sơ: {code}" in body and "tiếp theo" in body)
    return count


def holds(body: str, *values: str) -> None:
    for value in values:
        assert value in body, value[:60]
    assert body == unicodedata.normalize("NFC", body)


def test_slip_with_twenty_documents_and_the_longest_name_fits_one_a5_page_per_copy(s):
    pdf = papers.slip_pdf(s.desk, s.longest)
    code = code_of(s, s.longest)
    assert pages(pdf) == (2, A5)
    every_page(pdf, code)
    for page, copy in ((1, "Liên 1: Lưu"), (2, "Liên 2: Giao người nộp hồ sơ")):
        body = text(pdf, page)
        holds(body, copy, f"Mã hồ sơ: {code}", f"Tiếp nhận hồ sơ của: {LONGEST_NAME}", LONGEST_ADDRESS,
              "Số điện thoại: +84912345678", "Nội dung yêu cầu giải quyết: Chứng thực bản sao từ bản chính",
              "2. Số lượng hồ sơ: 01 (bộ)", "4. Thời gian nhận hồ sơ: 14 giờ 50 phút, ngày 17 tháng 11 năm 2026",
              "Quảng Phú, ngày 17 tháng 11 năm 2026", "6. Đăng ký nhận kết quả tại:", "Phí, lệ phí:",
              "Vào Sổ theo dõi hồ sơ", "NGƯỜI NỘP HỒ SƠ", "NGƯỜI TIẾP NHẬN HỒ SƠ", "Ghi chú:")
        rows = layout_lines(pdf, page)
        for index, name in enumerate(TWENTY_DOCUMENTS, start=1):
            assert any(line.startswith(f"{index} {name}") for line in rows), name
    assert barcodes(pdf, 1) == [code]  # a plain 1D scanner types the code into the search


def test_slip_on_a4_continues_with_its_code_and_signatures_together(s):
    pdf = papers.slip_pdf(s.desk, s.longest, size="A4", copies=1)
    count, _ = pages(pdf)
    code = code_of(s, s.longest)
    for page in range(1, count + 1):
        assert parse_paper_qr(qr_codes(pdf, page, dpi=150)[0]).dossier_code == code
        body = text(pdf, page)
        assert f"Trang {page}/{count}" in body or count == 1
        if "NGƯỜI TIẾP NHẬN HỒ SƠ" in body:
            assert "Vào Sổ theo dõi hồ sơ" in body  # the lines the signatures sign are on their page
        if page > 1:
            assert f"Mã hồ sơ: {code} (Liên 2: Giao người nộp hồ sơ) – tiếp theo" in body


def test_supplement_request_with_the_longest_reason(s):
    pdf = papers.supplement_pdf(s.desk, s.longest, officer_phone="0237 3888 123")
    every_page(pdf, code_of(s, s.longest))
    body = text(pdf)
    holds(body, "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", LONGEST_NAME, LONGEST_ADDRESS, LONGEST_REASON,
          "Bản chính", "Bản sao chứng thực", "Bản photo", "NGƯỜI HƯỚNG DẪN", "Quảng Phú, ngày 18 tháng 11 năm 2026")
    rows = layout_lines(pdf, 1)
    # the form and number asked for each missing document, from what the dossier was filed with
    assert any(line.startswith("1 Tờ khai đăng ký khai sinh 1") for line in rows)
    assert any(line.startswith("2 Giấy chứng sinh hoặc giấy tờ thay Giấy chứng sinh 2") for line in rows)


def test_refusal_with_the_longest_reason(s):
    pdf = papers.refusal_pdf(s.desk, s.longest_refused)
    every_page(pdf, code_of(s, s.longest_refused))
    holds(text(pdf), "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", LONGEST_NAME, LONGEST_ADDRESS, LONGEST_REASON,
          "Xin thông báo cho Ông/Bà được biết và thực hiện./.", "NGƯỜI TIẾP NHẬN HỒ SƠ",
          "Quảng Phú, ngày 17 tháng 11 năm 2026")


def test_apology_and_stop_notice_with_the_longest_reason_are_signed_for_the_agency(s):
    for pdf, uid, title in ((papers.apology_pdf(s.desk, s.longest), s.longest,
                             "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT"),
                            (papers.stop_notice_pdf(s.desk, s.longest_stopped), s.longest_stopped,
                             "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ")):
        every_page(pdf, code_of(s, uid))
        body = text(pdf)
        holds(body, title, f"Kính gửi: {LONGEST_NAME}", LONGEST_REASON, "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH",
              "Lê Thị Thu Hà", "Nơi nhận:", "(Ký, ghi rõ họ tên và đóng dấu)")
        last = text(pdf, pages(pdf)[0])
        assert "Lê Thị Thu Hà" in last and "thông báo để Ông/Bà được biết./." in last


def test_control_sheet_with_a_long_timeline(s):
    pdf = papers.control_sheet_pdf(s.desk, s.longest)
    count = every_page(pdf, code_of(s, s.longest))
    body = text(pdf)
    holds(body, "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", LONGEST_NAME, "Người giao", "Người nhận",
          "1. Giao: Bộ phận tiếp nhận và trả kết quả", "5. Giao: Bộ phận tiếp nhận và trả kết quả",
          "Trả kết quả", "Quảng Phú, ngày 17 tháng 11 năm 2026")
    assert count >= 2 and "TÊN CƠ QUAN" in text(pdf, count)  # the table's head repeats


def test_control_sheet_of_a_new_dossier_has_blank_rows_to_fill_by_hand(s):
    body = text(papers.control_sheet_pdf(s.desk, s.supplement))
    assert body.count("Người giao") >= 4 and "… giờ … phút, ngày … tháng … năm ……" in body


def test_receipt_of_the_longest_dossier_both_copies(s):
    pdf = papers.receipt_pdf(s.desk, s.longest_receipt)
    assert pages(pdf) == (2, A5)
    for page, copy in ((1, "Liên 1: Lưu"), (2, "Liên 2: Giao người nộp tiền")):
        assert parse_paper_qr(qr_codes(pdf, page, dpi=150)[0]).dossier_code == code_of(s, s.longest)
        holds(text(pdf, page), copy, LONGEST_NAME, LONGEST_ADDRESS, "Mã số thuế: 2800123456",
              "Địa chỉ: Thôn Trung, xã Quảng Phú, tỉnh Thanh Hóa", "Điện thoại: 0237 3888 123",
              "Số tài khoản: 3713.0.1234567 tại Kho bạc Nhà nước khu vực XI", "Ngày 17 tháng 11 năm 2026",
              "NGƯỜI THU TIỀN")


def test_log_book_with_every_state_and_its_note(s):
    first, last = date(2026, 11, 1), date(2026, 11, 30)
    book = papers.log_book(s.desk, first, last)
    rows = {row.code: row for row in book.rows}
    refused, stopped = rows[code_of(s, s.longest_refused)], rows[code_of(s, s.longest_stopped)]
    assert refused.due is None and refused.note.startswith("Từ chối tiếp nhận ngày 17/11/2026: Hồ sơ cần")
    assert stopped.due is None and stopped.note.startswith("Dừng giải quyết ngày 17/11/2026: Hồ sơ cần")
    handed = rows[code_of(s, s.longest)]
    assert handed.returned == date(2026, 11, 26) and handed.taker == LONGEST_NAME and handed.state == "Đã trả kết quả"
    pdf = papers.log_book_pdf(s.desk, first, last)
    count, _ = pages(pdf)
    assert handed.address == LONGEST_ADDRESS  # in full (the PDF's columns interleave when read back as text)
    holds(text(pdf), LONGEST_NAME, "Từ chối tiếp nhận ngày 17/11/2026:",
          "Dừng giải quyết ngày 17/11/2026:", f"Tổng cộng: {len(book.rows)} hồ sơ", "Từ chối tiếp nhận: 2")
    for page in range(1, count + 1):
        assert f"Trang {page}/{count}" in text(pdf, page) and "Họ tên chủ hồ sơ" in text(pdf, page)


def test_ticket_stays_within_72_mm_for_any_name(s):
    office = ("Trung tâm Phục vụ hành chính công xã Quảng Phúc Thịnh Vượng " * 3).strip()
    with s.desk.write() as c:
        save_settings(c, office_name=office)
    s.desk.forget_cached()
    try:
        counter = "Quầy số 2 – tiếp nhận và trả kết quả lĩnh vực tư pháp, hộ tịch, chứng thực"
        pdf = papers.ticket_pdf(s.desk, 23, counter)
    finally:
        with s.desk.write() as c:
            save_settings(c, office_name="Bộ phận tiếp nhận và trả kết quả")
        s.desk.forget_cached()
    assert pages(pdf)[0] == 1
    holds(text(pdf), "0023", "THỊNH VƯỢNG", "hộ tịch, chứng thực")
    placed = words(pdf, 1)
    assert min(w[0] for w in placed) >= 4 * MM and max(w[2] for w in placed) <= 76 * MM  # 72 mm printed, centred


def test_public_list_is_readable_from_a_metre_and_shows_no_internal_note(s):
    pdf = papers.public_list_pdf(s.desk)
    body = text(pdf)
    assert "chưa đối chiếu" not in body and "XA.HT" not in body and "XA.CT" not in body
    assert "Mã: 2.000815" in body and "Luật Hộ tịch 60/2014/QH13; Nghị định 123/2015/NĐ-CP, Điều 22" in body
    _, (_, height) = pages(pdf)
    for page in range(1, pages(pdf)[0] + 1):
        in_body = [w for w in words(pdf, page) if w[3] < height - 14 * MM]  # the footer's page number aside
        assert min(type_size(w) for w in in_body) >= 11.7  # 12 pt (bold boxes are a little shorter)


@pytest.mark.parametrize("kind", ["supplement", "refusal", "apology", "stop", "control"])
def test_every_notice_on_a4_with_the_longest_values(s, kind):
    build = {"supplement": lambda: (papers.supplement_pdf(s.desk, s.longest, size="A4"), s.longest),
             "refusal": lambda: (papers.refusal_pdf(s.desk, s.longest_refused, size="A4"), s.longest_refused),
             "apology": lambda: (papers.apology_pdf(s.desk, s.longest, size="A4"), s.longest),
             "stop": lambda: (papers.stop_notice_pdf(s.desk, s.longest_stopped, size="A4"), s.longest_stopped),
             "control": lambda: (papers.control_sheet_pdf(s.desk, s.longest, size="A4"), s.longest)}
    pdf, uid = build[kind]()
    every_page(pdf, code_of(s, uid), A4)
    holds(text(pdf), LONGEST_NAME, "Quảng Phú, ngày 1")


def test_a_withdrawn_dossier_is_in_the_log_book_with_its_reason_and_no_due_date(s):
    from app.services import processing
    from app.services.reception import ReceptionInput, receive_dossier

    start = s.desk.clock.instant
    try:
        s.desk.clock.at(2026, 11, 20, 9, 0)
        uid = receive_dossier(s.desk, ReceptionInput("2.000884", "Đặng Văn Rút", owner_address="Thôn Tây")).uid
        s.desk.clock.at(2026, 11, 20, 10, 0)
        processing.withdraw(s.desk, uid, reason="Người nộp xin rút hồ sơ để bổ sung giấy tờ")
    finally:
        s.desk.clock.instant = start
    [row] = papers.log_book(s.desk, date(2026, 11, 20), date(2026, 11, 20)).rows
    assert row.owner == "Đặng Văn Rút" and row.due is None and row.state == "Rút hồ sơ"
    assert row.note == "Rút hồ sơ ngày 20/11/2026: Người nộp xin rút hồ sơ để bổ sung giấy tờ"
    body = text(papers.log_book_pdf(s.desk, date(2026, 11, 20), date(2026, 11, 20)))
    holds(body, "Rút hồ sơ ngày 20/11/2026", "Tổng cộng: 1 hồ sơ (1 bộ) – Rút hồ sơ: 1")
