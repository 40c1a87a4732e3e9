from datetime import datetime

import pytest
from sqlalchemy import select

from app.core.errors import NumberingError, ValidationError
from app.core.receipts import SeriesSpec
from app.services.receipts import add_series, issue_receipt, replace_receipt, series_status, void_receipt
from app.services.reception import receive_dossier
from app.store.models import Outbox, Receipt
from tests.helpers.data import copy_cert

PAPER = SeriesSpec("paper", "01BLP0-001", "AA/26T", 101, 103)


def test_numbers_follow_the_range_and_words_are_written(desk):
    series_id = add_series(desk, PAPER)
    got = [issue_receipt(desk, dossier_uid=receive_dossier(desk, copy_cert()).uid) for _ in range(3)]
    assert [r.number for r in got] == [101, 102, 103]
    assert got[0].amount == 14000 and got[0].amount_words == "Mười bốn nghìn đồng"
    with pytest.raises(NumberingError, match="đã dùng hết"):
        issue_receipt(desk, series_id=series_id, payer_name="Nguyễn Văn A", fee_name="Phí chứng thực", amount=2000)
    with pytest.raises(NumberingError, match="Chưa có dải số biên lai nào còn số"):
        issue_receipt(desk, payer_name="Nguyễn Văn A", fee_name="Phí chứng thực", amount=2000)
    assert series_status(desk)[0]["left"] == 0


def test_void_keeps_the_number_and_replacement_takes_the_next(desk):
    add_series(desk, PAPER)
    uid = receive_dossier(desk, copy_cert()).uid
    first = issue_receipt(desk, dossier_uid=uid)
    with pytest.raises(ValidationError, match="đã có biên lai"):
        issue_receipt(desk, dossier_uid=uid)
    with pytest.raises(ValidationError, match="lý do"):
        void_receipt(desk, first.uid, reason="")
    void_receipt(desk, first.uid, reason="Ghi sai số tiền")
    second = issue_receipt(desk, dossier_uid=uid, replaces_uid=first.uid)
    assert second.number == first.number + 1
    with desk.read() as c:
        rows = c.execute(select(Receipt.number, Receipt.status, Receipt.void_reason).order_by(Receipt.number)).all()
        kinds = c.execute(select(Outbox.kind).where(Outbox.entity == "receipt").order_by(Outbox.seq)).scalars().all()
    assert rows == [(101, "voided", "Ghi sai số tiền"), (102, "issued", "")]
    assert kinds == ["receipt.issued", "receipt.voided", "receipt.issued"]



def receipts_and_ops(desk):
    with desk.read() as c:
        rows = c.execute(select(Receipt.number, Receipt.status, Receipt.amount, Receipt.replaces_id)
                         .order_by(Receipt.number)).all()
        ops = c.execute(select(Outbox.kind).where(Outbox.entity == "receipt").order_by(Outbox.seq)).scalars().all()
    return rows, ops


def test_void_and_replace_is_one_act_refused_whole_or_done_whole(desk):
    add_series(desk, PAPER)
    wrong = issue_receipt(desk, dossier_uid=receive_dossier(desk, copy_cert()).uid)
    before = receipts_and_ops(desk)
    # The replacement is refused (a zero amount; then the range runs out): the wrong receipt stays issued.
    with pytest.raises(ValidationError, match="lớn hơn 0"):
        replace_receipt(desk, wrong.uid, reason="Ghi sai số tiền", amount=0)
    assert receipts_and_ops(desk) == before
    issue_receipt(desk, payer_name="Trần Thị Bình", fee_name="Phí chứng thực", amount=2000)
    issue_receipt(desk, payer_name="Trần Thị Bình", fee_name="Phí chứng thực", amount=2000)  # 103: the last
    before = receipts_and_ops(desk)
    with pytest.raises(NumberingError, match="Chưa có dải số biên lai nào còn số"):
        replace_receipt(desk, wrong.uid, reason="Ghi sai số tiền", amount=12000)
    assert receipts_and_ops(desk) == before and before[0][0][1] == "issued"
    # With numbers again, both stand: the wrong one voided, the replacement for the same dossier linked to it.
    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AB/26T", 1, 10))
    made = replace_receipt(desk, wrong.uid, reason="Ghi sai số tiền", amount=12000)
    rows, ops = receipts_and_ops(desk)
    assert (made.issued.number, made.issued.amount, made.notice_id) == (1, 12000, None)
    assert rows[0][:2] == (1, "issued") and rows[0][3] is not None and rows[1][:2] == (101, "voided")
    assert ops[-2:] == ["receipt.voided", "receipt.issued"]


def test_paper_receipts_end_on_31_december_2026(desk, clock):
    add_series(desk, PAPER)
    clock.set(datetime(2026, 12, 31, 16, 0))
    issue_receipt(desk, payer_name="Nguyễn Văn A", fee_name="Phí chứng thực", amount=2000)
    clock.set(datetime(2027, 1, 2, 8, 0))
    with pytest.raises(ValidationError, match="biên lai điện tử"):
        issue_receipt(desk, payer_name="Nguyễn Văn A", fee_name="Phí chứng thực", amount=2000)


@pytest.mark.parametrize("spec", [
    SeriesSpec("electronic", "EBL03", "26TAA", 1, 10),
    SeriesSpec("electronic", "EBL01", "26TAF", 1, 10),  # F is not an allowed letter
    SeriesSpec("paper", "01BLP0-001", "AA/26T", 5, 4),
    SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 100_000_000),
])
def test_bad_series_refused(desk, spec):
    with pytest.raises(ValidationError):
        add_series(desk, spec)


def test_overlapping_ranges_refused(desk):
    add_series(desk, SeriesSpec("electronic", "EBL01", "26TAA", 1, 100))
    add_series(desk, SeriesSpec("electronic", "EBL01", "26TAA", 101, 200))
    with pytest.raises(ValidationError, match="trùng"):
        add_series(desk, SeriesSpec("electronic", "EBL01", "26TAA", 150, 250))


def test_zero_fee_dossier_gets_no_receipt(desk):
    from tests.helpers.data import birth
    add_series(desk, PAPER)
    with pytest.raises(ValidationError, match="lớn hơn 0"):
        issue_receipt(desk, dossier_uid=receive_dossier(desk, birth()).uid)


def test_an_e_range_never_numbers_an_unsigned_receipt_before_the_switch(desk):
    e_range = add_series(desk, SeriesSpec("electronic", "EBL01", "26TAA", 1, 100))  # clock: 18/11/2026
    with pytest.raises(NumberingError, match="Chưa có dải số biên lai nào còn số"):
        issue_receipt(desk, payer_name="Nguyễn Văn A", fee_name="Phí chứng thực", amount=2000)
    with pytest.raises(ValidationError, match="chỉ dùng cho biên lai điện tử"):
        issue_receipt(desk, series_id=e_range, payer_name="Nguyễn Văn A", fee_name="Phí chứng thực", amount=2000)
    paper = add_series(desk, PAPER)
    assert issue_receipt(desk, payer_name="Nguyễn Văn A", fee_name="Phí chứng thực", amount=2000).number == 101
    with desk.read() as c:
        assert c.execute(select(Receipt.series_id)).scalars().all() == [paper]
    assert [s["left"] for s in series_status(desk) if s["series_symbol"] == "26TAA"] == [100]
