from datetime import datetime

import pytest
from sqlalchemy import func, select, text

from app.core.errors import NotFoundError, NumberingError, ValidationError
from app.core.lifecycle import Status
from app.services.clock import to_local
from app.services.queries import dossier_detail, search_dossiers
from app.services.reception import DocumentInput, ReceptionInput, receive_dossier
from app.store.models import DailyCounter, Dossier, Event, Outbox
from tests.helpers.data import CCCD_DUC, birth, copy_cert, marriage_status


def counts(desk):
    with desk.read() as c:
        return tuple(c.execute(select(func.count()).select_from(t)).scalar() for t in (Dossier, Event, Outbox))


def test_receive_writes_dossier_event_and_outbox_together(desk):
    got = receive_dossier(desk, birth(owner_id_number=CCCD_DUC, owner_phone="0912 345 678"))
    assert got.code == "000.17.22.H56-261118-2001"  # workstation 2 uses 2001..2999
    assert to_local(got.due_at) == datetime(2026, 11, 18, 17, 0)
    detail = dossier_detail(desk, got.code)
    assert detail["dossier"]["status"] == Status.RECEIVED
    assert detail["dossier"]["owner_phone"] == "0912345678"
    assert [d["name"] for d in detail["documents"]] == ["Tờ khai đăng ký khai sinh",
                                                        "Giấy chứng sinh hoặc giấy tờ thay Giấy chứng sinh"]
    assert [e["kind"] for e in detail["events"]] == ["received"]
    with desk.read() as c:
        op = c.execute(select(Outbox)).one()
    assert op.kind == "dossier.received" and op.entity_id == got.uid and CCCD_DUC in op.payload


def test_codes_count_per_day_and_restart_next_day(desk, clock):
    first = receive_dossier(desk, birth()).code
    second = receive_dossier(desk, birth()).code
    clock.set(datetime(2026, 11, 19, 8, 0))
    third = receive_dossier(desk, birth()).code
    assert [first[-11:], second[-11:], third[-11:]] == ["261118-2001", "261118-2002", "261119-2001"]


def test_fee_and_due_from_the_procedure(desk, clock):
    clock.set(datetime(2026, 11, 18, 15, 30))  # after 15:00
    got = receive_dossier(desk, copy_cert(pages=5, copies=2))
    assert got.fee_amount == 2 * 7000
    assert to_local(got.due_at) == datetime(2026, 11, 19, 17, 0)
    three_days = receive_dossier(desk, marriage_status())
    assert to_local(three_days.due_at) == datetime(2026, 11, 23, 15, 30)  # Thu, Fri, Mon (weekend skipped)


def test_documents_can_be_chosen(desk):
    docs = (DocumentInput("Bản chính Giấy khai sinh", "original", 1), DocumentInput("Bản sao", "photocopy", 3))
    got = receive_dossier(desk, copy_cert(documents=docs))
    assert [(d["name"], d["quantity"]) for d in dossier_detail(desk, got.uid)["documents"]] == [
        ("Bản chính Giấy khai sinh", 1), ("Bản sao", 3)]


@pytest.mark.parametrize(("form", "field"), [
    (birth(name=" "), "owner_name"),
    (birth(owner_id_number="12345"), "cccd"),
    (birth(owner_phone="12345"), "owner_phone"),
    (birth(owner_email="not-an-email"), "owner_email"),
    (birth(channel=7), "channel"),
    (birth(return_method="drone"), "return_method"),
    (birth(sets_count=0), "sets_count"),
    (copy_cert(pages=0), "Số trang"),
    (marriage_status(manual_fee=None), "fee"),
    (birth(documents=(DocumentInput("", "original", 1),)), "documents"),
    (birth(documents=(DocumentInput("Tờ khai", "scroll", 1),)), "documents"),
])
def test_bad_input_is_refused_in_vietnamese_and_writes_nothing(desk, form, field):
    before = counts(desk)
    with pytest.raises(ValidationError) as caught:
        receive_dossier(desk, form)
    assert caught.value.field == field and caught.value.message[0].isupper()
    assert counts(desk) == before
    with desk.read() as c:  # no code number was consumed either
        assert c.execute(select(func.count()).select_from(DailyCounter)).scalar() == 0


def test_unknown_procedure(desk):
    with pytest.raises(NotFoundError, match="Không tìm thấy thủ tục"):
        receive_dossier(desk, ReceptionInput("9.999999", "Nguyễn Văn A"))


def test_thousandth_dossier_of_a_workstation_is_refused_and_nothing_written(desk):
    with desk.write() as c:
        c.execute(text("INSERT INTO daily_counter (day, workstation, last) VALUES ('2026-11-18', 2, 999)"))
    before = counts(desk)
    with pytest.raises(NumberingError, match="999"):
        receive_dossier(desk, birth())
    assert counts(desk) == before
    with desk.read() as c:
        assert c.execute(text("SELECT last FROM daily_counter")).scalar() == 999


def test_nfd_input_is_stored_nfc_and_found_without_accents(desk):
    import unicodedata
    got = receive_dossier(desk, birth(name=unicodedata.normalize("NFD", "Nguyễn Văn Đức"), owner_id_number=CCCD_DUC,
                                      owner_phone="0912345678"))
    assert dossier_detail(desk, got.uid)["dossier"]["owner_name"] == "Nguyễn Văn Đức"
    for query in ("nguyen van duc", "NGUYEN DUC", "Đức", "duc nguyen", "0380900", "0912345678", "261118 2001"):
        assert [r.code for r in search_dossiers(desk, query)] == [got.code], query
    assert search_dossiers(desk, "nguyen van dung") == []
