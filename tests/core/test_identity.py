import unicodedata
from datetime import date

import pytest

from app.core.errors import IdentityError
from app.core.identity import parse_cccd_qr, validate_cccd

QR7 = "001090123456|012345678|NGUYEN VAN A|01011990|Nam|Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh|15042021"


def test_validate_reads_province_sex_and_year():
    info = validate_cccd("038195001234")
    assert (info.province, info.sex, info.birth_year) == ("Thanh Hóa", "Nữ", 1995)
    assert validate_cccd("079203000001").birth_year == 2003
    assert validate_cccd("079203000001").sex == "Nam"


@pytest.mark.parametrize("bad", ["", "12345678901", "1234567890123", "03809000123a", "003090001234"])
def test_validate_rejects_malformed_numbers(bad):
    with pytest.raises(IdentityError) as caught:
        validate_cccd(bad)
    assert caught.value.field == "cccd" and caught.value.message


def test_validate_rejects_a_birth_year_in_the_future():
    with pytest.raises(IdentityError, match="năm sinh 2099"):
        validate_cccd("001299000001", today=date(2026, 11, 22))


def test_born_abroad_code_is_accepted():
    assert validate_cccd("301090000001").province == "Nước ngoài"


def test_parse_seven_fields():
    card = parse_cccd_qr(QR7)
    assert card.number == "001090123456" and card.old_id == "012345678"
    assert card.full_name == "NGUYEN VAN A" and card.sex == "Nam"
    assert card.birth_date == date(1990, 1, 1) and card.issue_date == date(2021, 4, 15)
    assert card.address == "Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh"


def test_parse_six_fields_without_old_id():
    card = parse_cccd_qr("038195001234|Lê Thị Hồng|12031995|Nữ|Thôn 3, xã Quảng Phú|01072022")
    assert card.old_id == "" and card.full_name == "Lê Thị Hồng" and card.sex == "Nữ"


def test_parse_tolerates_whitespace_slashes_extra_fields_and_nfd():
    raw = "  038195001234 | | Lê Thị  Hồng |12/03/1995| nữ |Thôn 3|01/07/2022|extra|more \n"
    text = unicodedata.normalize("NFD", raw)
    card = parse_cccd_qr(text)
    assert card.full_name == "Lê Thị Hồng"
    assert unicodedata.is_normalized("NFC", card.full_name)
    assert card.sex == "Nữ" and card.birth_date == date(1995, 3, 12)


@pytest.mark.parametrize("text", [
    "hello world",
    "001090123456|012345678|NGUYEN VAN A|31021990|Nam|addr|15042021",  # 31 February
    "001090123456|012345678|NGUYEN VAN A|01011991|Nam|addr|15042021",  # year differs from the number
    "001090123456|012345678|NGUYEN VAN A|01011990|Nữ|addr|15042021",  # sex differs from the number
    "001090123456|012345678||01011990|Nam|addr|15042021",
])
def test_parse_rejects_bad_strings_without_echoing_them(text):
    with pytest.raises(IdentityError) as caught:
        parse_cccd_qr(text)
    assert "001090123456" not in str(caught.value) and "NGUYEN" not in str(caught.value)
