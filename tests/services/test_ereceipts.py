"""E-receipts issued at the desk (issue 10), with a real SQLite file, a real PKCS#12 key, the XSD,
signxml and Debian's xmlsec1: the new year's morning offline, the midnight of 31/12/2026, ranges,
an absent token, voids with their notice, replacements, and the longest accepted payer."""

import base64
import hashlib
import json
from datetime import datetime

import pytest
from lxml import etree
from sqlalchemy import func, select

from app.core.errors import NumberingError, ValidationError
from app.core.limits import LIMITS
from app.core.receipts import SeriesSpec
from app.services import ereceipts
from app.services.receipts import add_series, issue_receipt, void_receipt
from app.services.reception import receive_dossier
from app.store.models import EReceiptDocument, Outbox, Receipt, ReceiptSeries
from ereceipt import xsd
from ereceipt.keys import certificate_pem
from ereceipt.signing import SignerUnavailable
from ereceipt.verify import verify_receipt
from sync.ops import parse_payload
from tests.helpers.data import copy_cert
from tests.helpers.ereceipt_desk import add_e_range, configure, xmlsec1

PAPER = SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 500)
NEW_YEAR = datetime(2027, 1, 1, 7, 30)


@pytest.fixture
def edesk(desk, clock, tmp_path):
    configure(desk, tmp_path)
    clock.set(NEW_YEAR)
    return desk


def cert_of(desk) -> bytes:
    return ereceipts.signing_certificate_pem(desk)


def counts(desk) -> tuple[int, int, int, int]:
    with desk.read() as c:
        return (c.execute(select(func.count()).select_from(Receipt)).scalar(),
                c.execute(select(func.count()).select_from(EReceiptDocument)).scalar(),
                c.execute(select(func.count()).select_from(Outbox)).scalar(),
                sum(c.execute(select(ReceiptSeries.next_number)).scalars()))


def outbox(desk, kind):
    with desk.read() as c:
        return c.execute(select(Outbox).where(Outbox.kind == kind).order_by(Outbox.seq)).all()


def assert_valid(xml: bytes, desk, tmp_path, id_element="DLBLai") -> None:
    xsd.check(xml)
    run = xmlsec1(xml, cert_of(desk), tmp_path, id_element)
    assert run.returncode == 0, run.stderr
    assert "OK" in run.stdout + run.stderr


def test_new_year_morning_offline_issue(edesk, tmp_path):
    """01/01/2027 07:30, the line down (the desk is not even enrolled): the fee is collected and an
    e-receipt is signed at the desk, stored and queued."""
    assert edesk.settings().hub_url == ""
    add_e_range(edesk)
    dossier = receive_dossier(edesk, copy_cert("Nguyễn Văn Đức", owner_id_number="038090001234"))
    got = issue_receipt(edesk, dossier_uid=dossier.uid)
    assert (got.kind, got.number, got.label) == ("electronic", 1, "EBL01 27TAA số 00000001")
    assert len(got.lookup_code) == 12

    label, xml = ereceipts.signed_xml(edesk, receipt_uid=got.uid)
    assert label == "EBL01 27TAA số 00000001"
    assert_valid(xml, edesk, tmp_path)
    verified = verify_receipt(xml).receipt
    assert (verified.payer.name, verified.payer.id_number, verified.amount) == ("Nguyễn Văn Đức", "038090001234",
                                                                                 got.amount)
    assert verified.issued_at == NEW_YEAR and verified.dossier_code == dossier.code
    assert verified.collector.tax_code == "2800123456" and verified.lookup_code == got.lookup_code

    kinds = [row.kind for row in outbox(edesk, "receipt.issued") + outbox(edesk, "receipt.signed")]
    assert kinds == ["receipt.issued", "receipt.signed"]
    issued_op, signed_op = outbox(edesk, "receipt.issued")[0], outbox(edesk, "receipt.signed")[0]
    assert issued_op.seq < signed_op.seq and signed_op.entity_id == got.uid
    signed = parse_payload("receipt.signed", "receipt", got.uid, json.loads(signed_op.payload))
    assert base64.b64decode(signed.xml_b64) == xml and signed.xml_sha256 == hashlib.sha256(xml).hexdigest()

    [line] = ereceipts.ereceipts_of_day(edesk, NEW_YEAR.date())
    assert (line.state, line.state_text) == ("signed", "Đã ký, chờ gửi lên hệ thống cấp trên")
    assert line.deadline == datetime(2027, 1, 1, 23, 59, 59) and line.warn and not line.late


def test_midnight_of_31_december_2026_offline(desk, clock, tmp_path):
    configure(desk, tmp_path)
    paper = add_series(desk, PAPER)
    add_e_range(desk)
    clock.set(datetime(2026, 12, 31, 23, 59, 30))
    last_paper = issue_receipt(desk, payer_name="Trần Thị Bình", fee_name="Phí chứng thực", amount=2000)
    assert (last_paper.kind, last_paper.number) == ("paper", 1)
    clock.set(datetime(2027, 1, 1, 0, 0, 5))
    before = counts(desk)
    with pytest.raises(ValidationError, match="không được lập biên lai giấy"):
        issue_receipt(desk, series_id=paper, payer_name="Trần Thị Bình", fee_name="Phí chứng thực", amount=2000)
    assert counts(desk) == before  # the paper number taken was given back with the transaction
    first_e = issue_receipt(desk, payer_name="Trần Thị Bình", fee_name="Phí chứng thực", amount=2000)
    assert (first_e.kind, first_e.series_symbol, first_e.number) == ("electronic", "27TAA", 1)
    [unused] = ereceipts.unused_paper(desk)
    assert (unused.first_unused, unused.last_unused, unused.count) == (2, 500, 499)
    assert unused.text == "01BLP0-001 AA/26T: từ số 0000002 đến số 0000500 (499 số)"


def test_a_desk_may_switch_early_and_then_issues_no_paper(desk, clock, tmp_path):
    configure(desk, tmp_path, electronic_from="2026-12-01")
    add_series(desk, PAPER)
    add_e_range(desk, "26TAA")
    clock.set(datetime(2026, 11, 30, 9, 0))
    assert issue_receipt(desk, payer_name="Lê Văn Cường", fee_name="Phí chứng thực", amount=4000).kind == "paper"
    clock.set(datetime(2026, 12, 1, 8, 0))
    got = issue_receipt(desk, payer_name="Lê Văn Cường", fee_name="Phí chứng thực", amount=4000)
    assert (got.kind, got.series_symbol, got.number) == ("electronic", "26TAA", 1)
    assert ereceipts.regime(desk) == "electronic"


def test_missing_exhausted_and_last_years_ranges_say_what_to_do(edesk):
    before = counts(edesk)
    with pytest.raises(ValidationError, match="chưa có dải số biên lai điện tử năm 2027") as error:
        issue_receipt(edesk, payer_name="Lê Văn Cường", fee_name="Phí chứng thực", amount=4000)
    assert "allot --kind electronic" in error.value.message
    assert counts(edesk) == before
    add_e_range(edesk, first=1, last=2)
    for _ in range(2):
        issue_receipt(edesk, payer_name="Lê Văn Cường", fee_name="Phí chứng thực", amount=4000)
    before = counts(edesk)
    with pytest.raises(NumberingError, match="27TAA của máy trạm này đã dùng hết \\(đến số 00000002\\)"):
        issue_receipt(edesk, payer_name="Lê Văn Cường", fee_name="Phí chứng thực", amount=4000)
    assert counts(edesk) == before


def test_a_new_year_restarts_at_one_in_its_own_series(edesk, clock):
    add_e_range(edesk, "27TAA", 1, 100)
    add_e_range(edesk, "28TAA", 1, 100)
    issue_receipt(edesk, payer_name="Lê Văn Cường", fee_name="Phí chứng thực", amount=4000)
    clock.set(datetime(2028, 1, 3, 8, 0))
    got = issue_receipt(edesk, payer_name="Lê Văn Cường", fee_name="Phí chứng thực", amount=4000)
    assert (got.series_symbol, got.number) == ("28TAA", 1)


def test_absent_token_writes_nothing(edesk, tmp_path):
    add_e_range(edesk)
    before = counts(edesk)
    (tmp_path / "chu-ky.p12").rename(tmp_path / "elsewhere.p12")  # the key is not where the settings say
    with pytest.raises(SignerUnavailable, match="Hãy cắm thiết bị ký số"):
        issue_receipt(edesk, payer_name="Lê Văn Cường", fee_name="Phí chứng thực", amount=4000)
    assert counts(edesk) == before


def test_token_pulled_out_while_signing_undoes_the_receipt(edesk, monkeypatch):
    add_e_range(edesk)
    real = ereceipts.signer_for(edesk)

    class Unplugged:
        def certificate(self):
            return real.certificate()

        def sign_digest(self, digest):
            raise SignerUnavailable("Hãy cắm thiết bị ký số (USB token) của cơ quan vào máy rồi thử lại.")

    monkeypatch.setattr(ereceipts, "signer_for", lambda desk: Unplugged())
    before = counts(edesk)
    with pytest.raises(SignerUnavailable):
        issue_receipt(edesk, payer_name="Lê Văn Cường", fee_name="Phí chứng thực", amount=4000)
    assert counts(edesk) == before


def test_pkcs11_without_its_library_or_no_signer_configured(edesk):
    from app.services.settings import save_settings

    add_e_range(edesk)
    before = counts(edesk)
    with edesk.write() as c:
        save_settings(c, signer_kind="pkcs11", signer_path="/usr/lib/khong-co/libtoken.so")
    edesk.forget_cached()
    from app.services.signer_config import save_secret
    save_secret(edesk.settings(), "123456")
    with pytest.raises(SignerUnavailable, match="Hãy cắm thiết bị ký số"):
        issue_receipt(edesk, payer_name="Lê Văn Cường", fee_name="Phí chứng thực", amount=4000)
    with edesk.write() as c:
        save_settings(c, signer_kind="", signer_path="")
    edesk.forget_cached()
    with pytest.raises(SignerUnavailable, match="Chưa cài đặt chữ ký số"):
        issue_receipt(edesk, payer_name="Lê Văn Cường", fee_name="Phí chứng thực", amount=4000)
    assert counts(edesk) == before


def test_incomplete_settings_refused_before_anything_is_written(edesk):
    from app.services.settings import save_settings

    add_e_range(edesk)
    with edesk.write() as c:
        save_settings(c, tax_office_code="")
    edesk.forget_cached()
    before = counts(edesk)
    with pytest.raises(ValidationError, match="Chưa khai mã cơ quan thuế quản lý"):
        issue_receipt(edesk, payer_name="Lê Văn Cường", fee_name="Phí chứng thực", amount=4000)
    assert counts(edesk) == before


def test_void_signs_and_queues_a_notice(edesk, tmp_path):
    add_e_range(edesk)
    got = issue_receipt(edesk, payer_name="Lê Văn Cường", fee_name="Phí chứng thực", amount=4000)
    notice_id = void_receipt(edesk, got.uid, reason="Thu nhầm người nộp")
    assert notice_id
    xml = ereceipts.notice_xml(edesk, notice_id)
    assert_valid(xml, edesk, tmp_path, "DLTBao")
    root = etree.fromstring(xml)
    assert root.findtext("DLTBao/DSCTu/CTu/SCTu") == "00000001"
    assert root.findtext("DLTBao/DSCTu/CTu/TCTBao") == "1"  # hủy
    assert root.findtext("DLTBao/DSCTu/CTu/LDo") == "Thu nhầm người nộp"
    assert root.findtext("DLTBao/MCQT") == "28101"
    [op] = outbox(edesk, "receipt.noticed")
    noticed = parse_payload("receipt.noticed", "receipt", got.uid, json.loads(op.payload))
    assert noticed.notice_id == notice_id and base64.b64decode(noticed.xml_b64) == xml
    assert outbox(edesk, "receipt.voided")[0].seq < op.seq
    [line] = ereceipts.ereceipts_of_day(edesk, NEW_YEAR.date())
    assert line.status == "voided" and [n.action_text for n in line.notices] == ["Hủy"]


def test_replacement_with_a_corrected_amount_links_the_original(edesk, tmp_path):
    add_e_range(edesk)
    dossier = receive_dossier(edesk, copy_cert("Nguyễn Văn Đức"))
    original = issue_receipt(edesk, dossier_uid=dossier.uid)
    notice_id = void_receipt(edesk, original.uid, reason="Ghi sai số tiền và tên", replacing=True)
    assert etree.fromstring(ereceipts.notice_xml(edesk, notice_id)).findtext("DLTBao/DSCTu/CTu/TCTBao") == "3"
    corrected = issue_receipt(edesk, dossier_uid=dossier.uid, replaces_uid=original.uid,
                              payer_name="Nguyễn Văn Đực", amount=original.amount + 2000)
    assert corrected.number == 2 and corrected.amount == original.amount + 2000
    _, xml = ereceipts.signed_xml(edesk, receipt_uid=corrected.uid)
    assert_valid(xml, edesk, tmp_path)
    link = etree.fromstring(xml).find("DLBLai/TTCTLQuan")
    assert (link.findtext("TCCTu"), link.findtext("LHCTLQuan"), link.findtext("SCTCLQuan")) == ("1", "8", "00000001")
    replacement = verify_receipt(xml).receipt
    assert replacement.payer.name == "Nguyễn Văn Đực" and replacement.related.number == 1
    assert ereceipts.ereceipt_of(edesk, corrected.uid).replaces_uid == original.uid


def test_longest_accepted_payer_still_signs_and_validates(edesk, tmp_path):
    add_e_range(edesk)
    name = ("Tôn Nữ Thị Phương Hoàng Ngọc Bích Trâm " * 3)[: LIMITS["owner_name"].max_chars]
    address = ("Số 123 ngõ 45 đường Lê Lợi, thôn Đông Thượng, xã Quảng Phú, tỉnh Thanh Hóa; " * 5)[
        : LIMITS["owner_address"].max_chars]
    dossier = receive_dossier(edesk, copy_cert(name.strip(), owner_address=address.strip()))
    got = issue_receipt(edesk, dossier_uid=dossier.uid)
    _, xml = ereceipts.signed_xml(edesk, receipt_uid=got.uid)
    assert_valid(xml, edesk, tmp_path)
    assert verify_receipt(xml).receipt.payer.address == address.strip()


def transmission(receipt_uid, state, at, **extra):
    from app.services.clock import from_local

    return {"seq": 1, "entity": "receipt", "entity_id": receipt_uid, "kind": "receipt.transmission",
            "actor": "hub", "payload": {"v": 1, "receipt_id": receipt_uid, "document": "receipt", "state": state,
                                        "at": from_local(at).isoformat(), **extra}}


def test_state_back_from_the_hub_through_the_pulled_apply(edesk):
    from app.sync.pulled import apply_pulled, set_aside

    add_e_range(edesk)
    got = issue_receipt(edesk, payer_name="Lê Văn Cường", fee_name="Phí chứng thực", amount=4000)
    applied = apply_pulled(edesk, [transmission(got.uid, "at_hub", datetime(2027, 1, 1, 9, 0)),
                                   transmission(got.uid, "rejected", datetime(2027, 1, 1, 9, 5),
                                                reason="Sai mã số thuế người nộp", message_id="V0106026495ABC")], 7)
    assert applied == 2 and set_aside(edesk) == []
    line = ereceipts.ereceipt_of(edesk, got.uid)
    assert (line.state, line.reason, line.state_text) == ("rejected", "Sai mã số thuế người nộp", "Bị từ chối")
    # An older state pulled again never overwrites a newer one; a newer one does.
    apply_pulled(edesk, [transmission(got.uid, "at_hub", datetime(2027, 1, 1, 9, 0))], 8)
    assert ereceipts.ereceipt_of(edesk, got.uid).state == "rejected"
    apply_pulled(edesk, [transmission(got.uid, "accepted", datetime(2027, 1, 1, 10, 0))], 9)
    line = ereceipts.ereceipt_of(edesk, got.uid)
    assert (line.state, line.warn, line.deadline_text) == ("accepted", False, "Đã gửi cơ quan thuế")
    # Another workstation's receipt (not signed here) changes nothing and is not set aside.
    other = "0b7f3f57-8d0e-4c57-9a51-2f0c7f1c2b11"
    assert apply_pulled(edesk, [transmission(other, "accepted", datetime(2027, 1, 1, 10, 0))], 10) == 0
    assert set_aside(edesk) == []


def test_notice_state_back_and_a_bad_change_is_set_aside(edesk):
    from app.sync.pulled import apply_pulled, set_aside

    add_e_range(edesk)
    got = issue_receipt(edesk, payer_name="Lê Văn Cường", fee_name="Phí chứng thực", amount=4000)
    notice_id = void_receipt(edesk, got.uid, reason="Thu nhầm người nộp")
    apply_pulled(edesk, [transmission(got.uid, "accepted", datetime(2027, 1, 1, 9, 0), document="notice",
                                      notice_id=notice_id)], 3)
    [notice] = ereceipts.ereceipt_of(edesk, got.uid).notices
    assert notice.state == "accepted" and ereceipts.ereceipt_of(edesk, got.uid).state == "signed"
    apply_pulled(edesk, [transmission(got.uid, "lost", datetime(2027, 1, 1, 9, 0))], 4)
    assert [row["code"] for row in set_aside(edesk)] == ["invalid_payload"]


def test_sending_deadline_after_the_line_was_down(edesk, clock):
    """Issued Monday 04/01/2027 with the line down until Tuesday: three working days after the fix."""
    from app.sync.pulled import apply_pulled

    add_e_range(edesk)
    clock.set(datetime(2027, 1, 4, 9, 0))
    got = issue_receipt(edesk, payer_name="Lê Văn Cường", fee_name="Phí chứng thực", amount=4000)
    line = ereceipts.ereceipt_of(edesk, got.uid)
    assert line.deadline == datetime(2027, 1, 4, 23, 59, 59) and line.warn  # same day: warned from the start
    clock.set(datetime(2027, 1, 5, 8, 0))
    line = ereceipts.ereceipt_of(edesk, got.uid)
    assert line.deadline is None and line.warn and not line.late
    assert "03 ngày làm việc sau khi khắc phục" in line.deadline_text
    apply_pulled(edesk, [transmission(got.uid, "at_hub", datetime(2027, 1, 5, 10, 0))], 2)
    clock.set(datetime(2027, 1, 6, 9, 0))
    line = ereceipts.ereceipt_of(edesk, got.uid)
    assert line.deadline == datetime(2027, 1, 8, 23, 59, 59) and not line.warn
    clock.set(datetime(2027, 1, 8, 8, 0))
    assert ereceipts.ereceipt_of(edesk, got.uid).warn
    clock.set(datetime(2027, 1, 9, 8, 0))
    assert ereceipts.ereceipt_of(edesk, got.uid).late
    assert [w.receipt_uid for w in ereceipts.ereceipts_to_watch(edesk)] == [got.uid]


def test_daily_summary_xml_pdf_xlsx_from_stored_receipts(edesk, tmp_path):
    import io
    import subprocess

    from openpyxl import load_workbook

    add_e_range(edesk)
    first = issue_receipt(edesk, payer_name="Lê Văn Cường", fee_name="Phí chứng thực", amount=4000)
    issue_receipt(edesk, payer_name="Trần Thị Bình", fee_name="Lệ phí đăng ký khai sinh", amount=8000)
    void_receipt(edesk, first.uid, reason="Ghi sai số tiền", replacing=True)
    issue_receipt(edesk, payer_name="Lê Văn Cường", fee_name="Phí chứng thực", amount=6000, replaces_uid=first.uid)
    xml = ereceipts.daily_summary(edesk, NEW_YEAR.date())
    assert_valid(xml, edesk, tmp_path, "DLBTHop")
    rows = etree.fromstring(xml).findall("DLBTHop/NDBTHDLieu/DSDLieu/DLieu")
    assert [(r.findtext("SBLai"), r.findtext("STien"), r.findtext("TThai")) for r in rows] == [
        ("00000001", "4000", "1"), ("00000002", "8000", "0"), ("00000003", "6000", "3")]
    assert rows[2].findtext("TTBLLQuan") == "Thay thế biên lai EBL01 27TAA 00000001 ngày 01/01/2027"
    assert rows[0].findtext("GTrinh") == "Ghi sai số tiền"
    pdf = ereceipts.daily_summary(edesk, NEW_YEAR.date(), fmt="pdf")
    (tmp_path / "th.pdf").write_bytes(pdf)
    words = subprocess.run(["pdftotext", "-layout", str(tmp_path / "th.pdf"), "-"], capture_output=True,
                           text=True).stdout
    assert "01/TH-BLĐT" in words and "00000003" in words
    sheet = load_workbook(io.BytesIO(ereceipts.daily_summary(edesk, NEW_YEAR.date(), fmt="xlsx"))).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert ["00000001", "00000002", "00000003"] == [r[3] for r in values if r[3] and str(r[3]).startswith("000")]
    with pytest.raises(Exception, match="Không có biên lai điện tử nào ngày 02/01/2027"):
        ereceipts.daily_summary(edesk, datetime(2027, 1, 2).date())


def test_registration_from_the_settings(edesk, tmp_path):
    import subprocess

    add_e_range(edesk)
    xml = ereceipts.registration(edesk)
    assert_valid(xml, edesk, tmp_path, "DLTKhai")
    root = etree.fromstring(xml)
    assert root.findtext("DLTKhai/TTChung/MST") == "2800123456"
    assert root.findtext("DLTKhai/NDTKhai/LHSDung/BLTPLPKIn") == "1"
    assert root.findtext("DLTKhai/NDTKhai/HTGDLCTDT/CDLQTCTN") == "1"
    assert root.findtext("DLTKhai/NDTKhai/DSCTSSDung/CTS/Seri")
    (tmp_path / "dk.pdf").write_bytes(ereceipts.registration(edesk, fmt="pdf"))
    words = subprocess.run(["pdftotext", str(tmp_path / "dk.pdf"), "-"], capture_output=True, text=True).stdout
    assert "01/ĐKTĐ-CTĐT" in words and "2800123456" in words


def test_printed_copy_for_the_citizen(edesk, tmp_path):
    """The receipt printed at collection is the signed e-receipt's copy: legal fields, the signer,
    the lookup code and a QR that reads back."""
    import subprocess

    from app.services import papers

    add_e_range(edesk)
    dossier = receive_dossier(edesk, copy_cert("Nguyễn Văn Đức"))
    got = issue_receipt(edesk, dossier_uid=dossier.uid)
    pdf = tmp_path / "bl.pdf"
    pdf.write_bytes(papers.receipt_pdf(edesk, got.uid))
    words = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    for expected in ("00000001", "27TAA", "EBL01", got.lookup_code, "Nguyễn Văn Đức", "2800123456",
                     "KHÔNG CÓ GIÁ TRỊ PHÁP LÝ"):
        assert expected in words, expected
    subprocess.run(["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True)
    qr = subprocess.run(["zbarimg", "--raw", "-q", str(tmp_path / "p-1.png")], capture_output=True, text=True).stdout
    assert f"MTC={got.lookup_code}" in qr and "SO=00000001" in qr


def test_configure_opens_the_key_before_keeping_anything(desk, tmp_path):
    import keyring

    from ereceipt.keys import make_demo_pkcs12

    key = make_demo_pkcs12(tmp_path / "k.p12", b"dung-mat-khau", "UBND xa A", "2800123456")
    before = desk.settings()
    with pytest.raises(SignerUnavailable, match="sai mật khẩu"):
        ereceipts.configure(desk, signer_kind="pkcs12", signer_path=str(key), secret="sai", tax_office_code="28101")
    with pytest.raises(ValidationError, match="Mã số thuế"):
        ereceipts.configure(desk, signer_kind="pkcs12", signer_path=str(key), secret="dung-mat-khau",
                            collector_tax_code="28001")
    assert desk.settings() == before and keyring.get_keyring().store == {}
    certificate = ereceipts.configure(desk, signer_kind="pkcs12", signer_path=str(key), secret="dung-mat-khau",
                                      collector_tax_code="2800123456", tax_office_code="28101",
                                      ereceipts_from="2026-12-01")
    assert desk.settings().signer_kind == "pkcs12" and desk.settings().tax_office_code == "28101"
    assert ereceipts.signing_certificate_pem(desk) == certificate_pem(certificate)
    assert ereceipts.regime(desk) == "paper"  # 18/11/2026 in the test clock: the switch is on 01/12


def test_configure_refuses_an_expired_certificate(desk, tmp_path):
    import datetime as dt

    from ereceipt.keys import make_demo_pkcs12

    key = make_demo_pkcs12(tmp_path / "old.p12", b"mk", "UBND xa A", "2800123456",
                           valid_from=dt.datetime(2020, 1, 1, tzinfo=dt.UTC), years=2)
    with pytest.raises(ValidationError, match="đã hết hạn ngày"):
        ereceipts.configure(desk, signer_kind="pkcs12", signer_path=str(key), secret="mk")
    assert desk.settings().signer_kind == ""


def test_the_hubs_word_counts_even_when_the_desk_clock_runs_ahead(edesk):
    """A desk whose clock is ahead of the hub's: the hub's first change is still applied."""
    from app.sync.pulled import apply_pulled

    add_e_range(edesk)
    got = issue_receipt(edesk, payer_name="Lê Văn Cường", fee_name="Phí chứng thực", amount=4000)  # 07:30 desk time
    apply_pulled(edesk, [transmission(got.uid, "at_hub", datetime(2027, 1, 1, 7, 25))], 2)  # hub time, earlier
    assert ereceipts.ereceipt_of(edesk, got.uid).state == "at_hub"


def test_void_without_the_token_writes_nothing(edesk, tmp_path):
    add_e_range(edesk)
    got = issue_receipt(edesk, payer_name="Lê Văn Cường", fee_name="Phí chứng thực", amount=4000)
    before = counts(edesk), len(outbox(edesk, "receipt.voided"))
    (tmp_path / "chu-ky.p12").unlink()
    with pytest.raises(SignerUnavailable, match="Hãy cắm thiết bị ký số"):
        void_receipt(edesk, got.uid, reason="Thu nhầm người nộp")
    assert (counts(edesk), len(outbox(edesk, "receipt.voided"))) == before
    assert ereceipts.ereceipt_of(edesk, got.uid).status == "issued"
