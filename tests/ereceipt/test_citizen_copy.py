"""The citizen's printed copy: every legal field, signer and signing time, lookup code, a QR that
reads back (pdftotext and zbarimg on the real PDF)."""

from datetime import date, datetime

import pytest

from app.core.errors import ValidationError
from ereceipt.build import build_signed
from ereceipt.content import REPLACES, RelatedReceipt
from ereceipt.lookup import parse_qr, qr_payload
from ereceipt.verify import SignatureInvalid
from forms.ereceipt import render_signed_copy
from forms.page import Page
from tests.ereceipt.conftest import receipt
from tests.forms.pdf_tools import A4, A5, pages, qr_codes, text


@pytest.fixture(scope="module")
def signed(signer):
    return build_signed(receipt(), signer, datetime(2027, 1, 1, 7, 30, 12))


def test_copy_shows_every_legal_field_and_the_signature(signed):
    pdf = render_signed_copy(signed)
    assert pages(pdf) == (1, A5)
    words = text(pdf)
    for expected in ["ỦY BAN NHÂN DÂN XÃ QUẢNG PHÚ", "Mã số thuế: 2800123456", "Địa chỉ: Xã Quảng Phú, tỉnh Thanh Hóa",
                     "Mẫu số: EBL01", "Ký hiệu: 27TAA", "Số: 00000001", "BIÊN LAI THU PHÍ, LỆ PHÍ ĐIỆN TỬ",
                     "Ngày 01 tháng 01 năm 2027", "Họ tên người nộp tiền: Nguyễn Văn Đức",
                     "Tên loại phí, lệ phí: Lệ phí chứng thực bản sao từ bản chính", "Số tiền: 21.000 đ",
                     "Bằng chữ: Hai mươi mốt nghìn đồng", "Hình thức thanh toán: Tiền mặt",
                     "Mã hồ sơ: 000.17.22.H56-270101-2001", "TỔ CHỨC THU PHÍ, LỆ PHÍ", "(Chữ ký số)", "Đã ký số",
                     "KHÔNG CÓ GIÁ TRỊ PHÁP LÝ", "Ký ngày: 01/01/2027 07:30:12",
                     "Mã tra cứu biên lai: K7M2P9QX4RTB"]:
        assert expected in words, expected


def test_qr_reads_back_to_the_receipt(signed):
    [payload] = qr_codes(render_signed_copy(signed))
    key = parse_qr(payload)
    assert (key.lookup_code, key.tax_code, key.template_symbol, key.series_symbol, key.number, key.issued_on,
            key.amount) == ("K7M2P9QX4RTB", "2800123456", "EBL01", "27TAA", 1, date(2027, 1, 1), 21000)


def test_with_the_hubs_address_the_qr_opens_the_lookup_page(signed):
    pdf = render_signed_copy(signed, lookup_base_url="https://motcua.thanhhoa.example.vn", page=Page("A4"))
    assert pages(pdf)[1] == A4
    [payload] = qr_codes(pdf)
    assert payload == "https://motcua.thanhhoa.example.vn/tra-cuu-bien-lai?ma=K7M2P9QX4RTB"
    assert parse_qr(payload).lookup_code == "K7M2P9QX4RTB"
    assert "tra cứu tại https://motcua.thanhhoa.example.vn" in text(pdf)


def test_a_replacement_says_which_receipt_it_replaces(signer):
    replacement = receipt(8, related=RelatedReceipt(REPLACES, "EBL01", "27TAA", 3, date(2027, 1, 1)))
    words = text(render_signed_copy(build_signed(replacement, signer)))
    assert "Biên lai này thay thế cho biên lai Mẫu số EBL01, Ký hiệu 27TAA, Số 00000003, ngày 01/01/2027" in words


def test_a_tampered_receipt_is_not_printed(signed):
    with pytest.raises(SignatureInvalid):
        render_signed_copy(signed.replace("Nguyễn Văn Đức".encode(), "Nguyễn Văn Được".encode()))


@pytest.mark.parametrize("bad", ["MCQR1|HS=1", "MCBL1|MST=1|MTC=K7M2P9QX4RTB", "https://x.vn/?ma=abc", "hello"])
def test_other_qr_codes_are_refused(bad):
    with pytest.raises(ValidationError):
        parse_qr(bad)


def test_qr_payload_is_one_line():
    assert "\n" not in qr_payload(receipt())
