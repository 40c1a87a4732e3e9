from datetime import date, datetime

import pytest

from app.core.errors import ValidationError
from app.services import calendar_data
from app.services.catalogue import list_procedures, record_version
from app.services.clock import to_local
from app.services.queries import dossier_detail
from app.services.reception import receive_dossier
from tests.helpers.data import copy_cert, marriage_status


def test_a_dossier_keeps_the_version_it_was_received_under(desk, clock):
    before = receive_dossier(desk, copy_cert(pages=1, copies=1))
    record_version(desk, "2.000815", {
        "effective_from": "2026-12-01", "legal_time": {"kind": "working_days", "days": 1},
        "fee": {"kind": "page_tiers", "name": "Phí chứng thực", "tiers": [{"from": 1, "amount": 3000}],
                "cap_per_copy": 250000},
        "documents": [{"name": "Bản chính", "form": "original", "quantity": 1}], "legal_basis": "Thông tư mới"})
    clock.set(datetime(2026, 12, 1, 9, 0))
    after = receive_dossier(desk, copy_cert(pages=1, copies=1))
    assert (before.fee_amount, after.fee_amount) == (2000, 3000)
    assert dossier_detail(desk, before.uid)["procedure"].legal_basis.startswith("Nghị định 23/2015")
    assert dossier_detail(desk, after.uid)["procedure"].legal_basis == "Thông tư mới"
    with pytest.raises(ValidationError, match="đã có một phiên bản"):
        record_version(desk, "2.000815", {
            "effective_from": "2026-12-01", "legal_time": {"kind": "same_day"}, "fee": {"kind": "free"},
            "documents": []})


def test_procedure_search_ignores_accents(desk):
    names = [p.name for p in list_procedures(desk, date(2026, 11, 18), "chung thuc")]
    assert "Chứng thực bản sao từ bản chính" in names and "Đăng ký khai sinh" not in names
    assert [p.code for p in list_procedures(desk, date(2026, 11, 18), "khai sinh")] == ["1.001193"]
    assert len(list_procedures(desk, date(2026, 11, 18))) == 12


def test_holiday_table_is_stored_and_editable(desk, clock):
    rows = {r["day"]: r for r in calendar_data.list_holidays(desk, 2026)}
    assert rows[date(2026, 1, 2)]["kind"] == "off" and rows[date(2026, 1, 10)]["kind"] == "work"
    # The province announces an extra day off on Friday 20/11: due dates move past it.
    calendar_data.set_day(desk, date(2026, 11, 20), "off", "Nghỉ theo thông báo của tỉnh")
    got = receive_dossier(desk, marriage_status())  # Wed 18/11 09:00, 3 working days
    assert to_local(got.due_at) == datetime(2026, 11, 24, 9, 0)
    calendar_data.clear_day(desk, date(2026, 11, 20))
    assert to_local(receive_dossier(desk, marriage_status()).due_at) == datetime(2026, 11, 23, 9, 0)
    with pytest.raises(ValidationError):
        calendar_data.set_day(desk, date(2026, 11, 21), "work", "")


def test_due_soon_follows_the_warning_setting(desk, clock):
    from app.core.lifecycle import DeadlineState
    from app.services.queries import list_dossiers
    from app.services.settings import save_settings

    receive_dossier(desk, marriage_status())  # Wed 18/11 09:00, due Mon 23/11 09:00
    clock.set(datetime(2026, 11, 19, 9, 0))  # two working days before
    assert list_dossiers(desk)[0].deadline == DeadlineState.ON_TIME
    with desk.write() as connection:
        save_settings(connection, deadline_warning_days=2)
    desk.forget_cached()
    assert list_dossiers(desk)[0].deadline == DeadlineState.DUE_SOON
