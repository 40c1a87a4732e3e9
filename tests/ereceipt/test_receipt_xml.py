"""The legal content, its XML (validated against our XSD) and the QĐ 1271 message."""

import unicodedata
from datetime import date

import pytest
from lxml import etree

from app.core.errors import ValidationError
from ereceipt import envelope, xml_adapter, xsd
from ereceipt.content import ADJUSTS, REPLACES, RelatedReceipt, make_lookup_code, validate
from tests.ereceipt.conftest import receipt

HEADER = envelope.Header("0106026495", "TCT", "2800123456", envelope.MessageType.RECEIPT)


def test_receipt_xml_has_every_legal_field_and_matches_the_schema():
    root = xml_adapter.to_xml(validate(receipt()))
    xsd.check(root)
    data = root.find("DLBLai")
    assert data.get("Id") == "BLEBL0127TAA00000001"
    assert [data.findtext(f"TTChung/{tag}") for tag in ("TBLai", "KHMSBLai", "KHBLai", "SBLai", "NLap", "TGLap")] \
        == ["BIÊN LAI THU PHÍ, LỆ PHÍ", "EBL01", "27TAA", "00000001", "2027-01-01", "2027-01-01T07:30:00"]
    assert data.findtext("NDBLai/NThu/Ten") == "Ủy ban nhân dân xã Quảng Phú"
    assert data.findtext("NDBLai/NThu/MST") == "2800123456"
    assert data.findtext("NDBLai/DSKThu/KThu/TKThu") == "Lệ phí chứng thực bản sao từ bản chính"
    assert data.findtext("NDBLai/TToan/TgTTTBSo") == "21000"
    assert data.findtext("NDBLai/TToan/TgTTTBChu") == "Hai mươi mốt nghìn đồng"
    assert data.findtext("TTChung/MTCuu") == "K7M2P9QX4RTB"


def test_xml_round_trips_to_the_same_content():
    original = validate(receipt(related=RelatedReceipt(REPLACES, "EBL01", "27TAA", 7, date(2027, 1, 1))))
    assert xml_adapter.from_xml(xml_adapter.to_xml(original)) == original


def test_replacement_carries_the_link_to_the_original():
    root = xml_adapter.to_xml(validate(receipt(number=9, related=RelatedReceipt(
        ADJUSTS, "EBL01", "27TAA", 3, date(2027, 1, 1)))))
    xsd.check(root)
    link = root.find("DLBLai/TTCTLQuan")
    assert [link.findtext(t) for t in ("TCCTu", "LHCTLQuan", "KHCTCLQuan", "SCTCLQuan", "NLCTCLQuan")] == [
        "2", "8", "27TAA", "00000003", "2027-01-01"]


def test_decomposed_input_is_stored_composed():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Đức")
    clean = validate(receipt(payer=receipt().payer.__class__(decomposed)))
    assert clean.payer.name == "Nguyễn Văn Đức" and unicodedata.is_normalized("NFC", clean.payer.name)


@pytest.mark.parametrize(("changes", "message"), [
    ({"template_symbol": "BL01"}, "EBL01 hoặc EBL02"),
    ({"series_symbol": "27TAF"}, "2 số năm, chữ T"),
    ({"series_symbol": "26TAA"}, "không thuộc năm 2027"),
    ({"number": 100_000_000}, "tối đa 8 chữ số"),
    ({"number": 0}, "tối đa 8 chữ số"),
    ({"amount": 0}, "lớn hơn 0"),
    ({"fee_name": "  "}, "Thiếu tên loại phí"),
    ({"lookup_code": "abc"}, "Mã tra cứu"),
    ({"related": RelatedReceipt(REPLACES, "EBL01", "27TAA", 1, date(2027, 1, 1))}, "số khác"),
])
def test_bad_content_is_refused_in_vietnamese(changes, message):
    with pytest.raises(ValidationError, match=message):
        validate(receipt(**changes))


def test_bad_collector_tax_code_is_refused():
    bad = receipt().collector.__class__("UBND xã", "28001234", "Xã Quảng Phú")
    with pytest.raises(ValidationError, match="Mã số thuế"):
        validate(receipt(collector=bad))


def test_lookup_codes_are_random_and_well_formed():
    codes = {make_lookup_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        validate(receipt(lookup_code=code))


def test_message_envelope_follows_qd_1271():
    docs = [xml_adapter.to_bytes(validate(receipt(n))) for n in (1, 2, 3)]
    message = envelope.wrap(HEADER, docs)
    assert message.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    xsd.check(message)
    root = etree.fromstring(message)
    head = root.find("TTChung")
    assert [c.tag for c in head] == ["PBan", "MNGui", "MNNhan", "MLTDiep", "MTDiep", "MTDTChieu", "MST", "SLuong"]
    assert head.findtext("SLuong") == "3"
    mtdiep = head.findtext("MTDiep")
    assert mtdiep.startswith("0106026495") and len(mtdiep) == 10 + 32
    assert mtdiep[10:] == mtdiep[10:].upper() and int(mtdiep[10:], 16) >= 0
    assert int(mtdiep[10:][12], 16) == 4  # a version-4 UUID
    assert b"\n" not in message.split(b"?>\n", 1)[1]  # no whitespace between elements
    parsed = envelope.unwrap(message)
    assert parsed.kind == envelope.MessageType.RECEIPT and len(parsed.documents) == 3
    assert xml_adapter.from_xml(parsed.documents[2]).number == 3


def test_messages_are_packed_under_two_megabytes():
    doc = xml_adapter.to_bytes(validate(receipt()))
    count = envelope.MAX_MESSAGE_BYTES // len(doc) * 2 + 5
    messages = envelope.pack(HEADER, [doc] * count)
    assert len(messages) == 3
    assert all(len(m) <= envelope.MAX_MESSAGE_BYTES for m in messages)
    assert sum(len(envelope.unwrap(m).documents) for m in messages) == count


def test_an_oversized_message_is_refused():
    doc = xml_adapter.to_bytes(validate(receipt()))
    with pytest.raises(ValidationError, match="2 MB"):
        envelope.wrap(HEADER, [doc] * (envelope.MAX_MESSAGE_BYTES // (len(doc) - 60) + 50))


def test_garbage_is_not_a_message():
    with pytest.raises(ValidationError, match="không phải XML"):
        envelope.unwrap(b"<TDiep><oops")


def test_times_are_written_in_gmt_plus_7_without_a_zone():
    from datetime import UTC, datetime

    assert envelope.local_time(datetime(2026, 12, 31, 17, 0, 5, tzinfo=UTC)) == "2027-01-01T00:00:05"
    assert envelope.local_time(datetime(2027, 1, 1, 7, 30, 0, 999)) == "2027-01-01T07:30:00"


def test_an_absurd_amount_is_refused():
    with pytest.raises(ValidationError, match="không quá"):
        validate(receipt(amount=10**16))
