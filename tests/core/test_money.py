import pytest

from app.core.money import amount_in_words, format_vnd, number_in_words

CASES = [
    (0, "Không đồng"),
    (5, "Năm đồng"),
    (10, "Mười đồng"),
    (11, "Mười một đồng"),
    (15, "Mười lăm đồng"),
    (20, "Hai mươi đồng"),
    (21, "Hai mươi mốt đồng"),
    (24, "Hai mươi bốn đồng"),
    (25, "Hai mươi lăm đồng"),
    (101, "Một trăm linh một đồng"),
    (105, "Một trăm linh năm đồng"),
    (110, "Một trăm mười đồng"),
    (115, "Một trăm mười lăm đồng"),
    (1000, "Một nghìn đồng"),
    (1001, "Một nghìn không trăm linh một đồng"),
    (1005, "Một nghìn không trăm linh năm đồng"),
    (1010, "Một nghìn không trăm mười đồng"),
    (1015, "Một nghìn không trăm mười lăm đồng"),
    (1021, "Một nghìn không trăm hai mươi mốt đồng"),
    (2000, "Hai nghìn đồng"),
    (8000, "Tám nghìn đồng"),
    (10000, "Mười nghìn đồng"),
    (15000, "Mười lăm nghìn đồng"),
    (50000, "Năm mươi nghìn đồng"),
    (125000, "Một trăm hai mươi lăm nghìn đồng"),
    (200000, "Hai trăm nghìn đồng"),
    (205000, "Hai trăm linh năm nghìn đồng"),
    (1000000, "Một triệu đồng"),
    (1000005, "Một triệu không trăm linh năm đồng"),
    (1050000, "Một triệu không trăm năm mươi nghìn đồng"),
    (1234567, "Một triệu hai trăm ba mươi bốn nghìn năm trăm sáu mươi bảy đồng"),
    (10_000_000, "Mười triệu đồng"),
    (1_000_000_000, "Một tỷ đồng"),
    (1_000_000_001, "Một tỷ không trăm linh một đồng"),
    (2_500_000_000, "Hai tỷ năm trăm triệu đồng"),
    (1_000_000_000_000, "Một nghìn tỷ đồng"),
    (1_000_000_005_000, "Một nghìn tỷ không trăm linh năm nghìn đồng"),
    (10**15, "Một triệu tỷ đồng"),
]


@pytest.mark.parametrize(("amount", "words"), CASES)
def test_amount_in_words(amount, words):
    assert amount_in_words(amount) == words


def test_le_instead_of_linh_on_request():
    assert amount_in_words(1005, zero_tens="lẻ") == "Một nghìn không trăm lẻ năm đồng"


def test_largest_amounts_and_limits():
    words = number_in_words(999_999_999_999_999_999)
    assert words.startswith("chín trăm chín mươi chín triệu chín trăm chín mươi chín nghìn chín trăm chín mươi chín tỷ")
    with pytest.raises(ValueError):
        amount_in_words(-1)
    with pytest.raises(ValueError):
        amount_in_words(10**18)


def test_format_vnd():
    assert format_vnd(125000) == "125.000 đ"
    assert format_vnd(0) == "0 đ"
    assert format_vnd(1234567890) == "1.234.567.890 đ"
