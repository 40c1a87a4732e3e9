"""Officer accounts, login and lock-out, and every role against every action (issue 9)."""

from __future__ import annotations

import logging
import sqlite3
from datetime import date, datetime, timedelta

import pytest

from app.core.errors import ValidationError
from app.core.permissions import PERMISSIONS, Perm, PermissionDenied, Role
from app.core.receipts import SeriesSpec
from app.services import officers
from app.services.admin import update_settings
from app.services.calendar_data import set_day
from app.services.catalogue import record_version
from app.services.clock import from_local
from app.services.processing import finish, forward, record_print, reschedule, stop
from app.services.receipts import add_series, issue_receipt, void_receipt
from app.services.reception import ReceptionInput, receive_dossier
from app.sync.client import enroll

PASSWORD = "mat-khau-123"
PAPER = SeriesSpec("paper", "01BLP0-001", "AA/26T", 101, 200)


def make(desk, username: str, name: str, *roles: Role):
    return officers.create_officer(desk, username=username, full_name=name, roles=[r.value for r in roles],
                                   password=PASSWORD)


@pytest.fixture
def prepared(desk):
    """A dossier in progress with a receipt, made by the trusted set-up context."""
    got = receive_dossier(desk, ReceptionInput("2.000815", "Nguyễn Văn Đức", pages=3, copies=1))
    forward(desk, got.uid, to_unit="Công chức tư pháp - hộ tịch")
    add_series(desk, PAPER)
    receipt = issue_receipt(desk, dossier_uid=got.uid)
    return {"dossier": got.uid, "receipt": receipt.uid}


# One real service call per permission; each would succeed for a role that has it.
ACTIONS = {
    Perm.RECEIVE: lambda desk, ctx: receive_dossier(desk, ReceptionInput("2.000815", "Lê Thị Hồng", pages=1)),
    Perm.PROCESS: lambda desk, ctx: finish(desk, ctx["dossier"], note="Đã có kết quả"),
    Perm.PRINT: lambda desk, ctx: record_print(desk, ctx["dossier"], paper="slip", reprint=True),
    Perm.ISSUE_RECEIPT: lambda desk, ctx: issue_receipt(desk, payer_name="Lê Thị Hồng", fee_name="Phí chứng thực",
                                                        amount=2000),
    Perm.VOID_RECEIPT: lambda desk, ctx: void_receipt(desk, ctx["receipt"], reason="Ghi sai số tiền"),
    Perm.RESCHEDULE: lambda desk, ctx: reschedule(desk, ctx["dossier"], new_due=from_local(datetime(2026, 12, 1, 9)),
                                                  reason="Cần xác minh thêm tại thôn"),
    Perm.STOP: lambda desk, ctx: stop(desk, ctx["dossier"], reason="Người nộp đề nghị dừng"),
    Perm.REPORTS: lambda desk, ctx: desk.require(Perm.REPORTS),  # the reports read; the check is the same
    Perm.SETTINGS: lambda desk, ctx: update_settings(desk, office_name="Bộ phận một cửa xã Quảng Phú"),
    Perm.CATALOGUE: lambda desk, ctx: record_version(desk, "2.000815", {
        "effective_from": "2027-01-01", "legal_time": {"kind": "same_day"}, "fee": {"kind": "free"},
        "documents": []}),
    Perm.HOLIDAYS: lambda desk, ctx: set_day(desk, date(2026, 12, 24), "off", "Nghỉ bù"),
    Perm.RANGES: lambda desk, ctx: add_series(desk, SeriesSpec("paper", "01BLP0-001", "AB/26T", 1, 50)),
    Perm.ENROLL: lambda desk, ctx: enroll(desk, "http://127.0.0.1:9", "KLJ6-5T8Q", "Máy 2"),
    Perm.ACCOUNTS: lambda desk, ctx: make(desk, "moi", "Người Mới", Role.RECEPTION),
}


def test_every_permission_has_an_action_here():
    assert set(ACTIONS) == set(Perm)


def _writes(db_path) -> tuple:
    with sqlite3.connect(db_path) as c:
        counts = [c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                  for t in ("outbox", "event", "receipt", "receipt_series", "holiday", "procedure_version", "officer")]
        return (*counts, c.execute("SELECT value FROM setting WHERE key='office_name'").fetchone())


@pytest.mark.parametrize("perm", list(Perm))
@pytest.mark.parametrize("role", list(Role))
def test_each_role_against_each_action(desk, db_path, prepared, role, perm):
    """The table decides: allowed acts go through (or fail for their own reason), refused ones say why
    in Vietnamese and write nothing."""
    make(desk, "quantri", "Trần Văn Quản", Role.ADMIN)
    officer = make(desk, "canbo", "Nguyễn Thị Lan", role).officer()
    desk.act_as(officer)
    desk.trusted = False
    before = _writes(db_path)
    if perm in PERMISSIONS[role]:
        try:
            ACTIONS[perm](desk, prepared)
        except PermissionDenied:  # pragma: no cover - the assertion below says which
            pytest.fail(f"{role} was refused {perm}")
        except Exception as error:  # the act itself may fail for its own reason (no hub here)
            assert perm is Perm.ENROLL and "Không kết nối được" in str(error)
    else:
        with pytest.raises(PermissionDenied) as refused:
            ACTIONS[perm](desk, prepared)
        assert refused.value.message.startswith("Tài khoản «Nguyễn Thị Lan»")
        assert perm.label in refused.value.message and "dành cho vai trò" in refused.value.message
        assert _writes(db_path) == before


def test_the_officer_is_recorded_on_every_act(desk, db_path, prepared):
    make(desk, "lan.nt", "Nguyễn Thị Lan", Role.HEAD)
    desk.act_as(officers.login(desk, "lan.nt", PASSWORD).officer)
    got = receive_dossier(desk, ReceptionInput("2.000815", "Lê Thị Hồng", pages=1))
    receipt = issue_receipt(desk, dossier_uid=got.uid)
    void_receipt(desk, receipt.uid, reason="Ghi sai tên người nộp")
    record_print(desk, got.uid, paper="slip", reprint=False)
    with sqlite3.connect(db_path) as c:
        assert c.execute("SELECT received_by FROM dossier WHERE uid=?", (got.uid,)).fetchone() == ("Nguyễn Thị Lan",)
        assert c.execute("SELECT issued_by, voided_by FROM receipt WHERE uid=?", (receipt.uid,)).fetchone() == (
            "Nguyễn Thị Lan", "Nguyễn Thị Lan")
        actors = {r[0] for r in c.execute("SELECT actor FROM event WHERE dossier_id="
                                          "(SELECT id FROM dossier WHERE uid=?)", (got.uid,))}
        assert actors == {"Nguyễn Thị Lan"}
        ops = c.execute("SELECT kind, actor FROM outbox WHERE actor='Nguyễn Thị Lan'").fetchall()
    assert {k for k, _ in ops} >= {"dossier.received", "receipt.issued", "receipt.voided", "dossier.printed"}


def test_a_locked_desk_refuses_every_act_until_someone_logs_in(desk):
    make(desk, "lan.nt", "Nguyễn Thị Lan", Role.RECEPTION)
    desk.act_as(officers.login(desk, "lan.nt", PASSWORD).officer)
    desk.sign_out()
    with pytest.raises(PermissionDenied, match="Hãy đăng nhập"):
        receive_dossier(desk, ReceptionInput("2.000815", "Lê Thị Hồng", pages=1))


def test_five_failed_logins_lock_for_five_minutes_and_log_no_password(desk, clock, caplog):
    make(desk, "lan.nt", "Nguyễn Thị Lan", Role.RECEPTION)
    caplog.set_level(logging.INFO, logger="app.services.officers")
    for attempt in range(1, 5):
        with pytest.raises(officers.LoginRefused, match=f"Còn {5 - attempt} lần thử"):
            officers.login(desk, "lan.nt", f"sai-{attempt}-bi-mat")
    with pytest.raises(officers.LoginRefused, match="tạm khóa đến 09:05"):
        officers.login(desk, "lan.nt", "sai-5-bi-mat")
    with pytest.raises(officers.LoginRefused, match="đang tạm khóa"):  # even the right password, meanwhile
        officers.login(desk, "lan.nt", PASSWORD)
    clock.advance(minutes=5, seconds=1)
    assert officers.login(desk, "lan.nt", PASSWORD).officer.full_name == "Nguyễn Thị Lan"
    logged = caplog.text
    assert "locked until" in logged and "lan.nt" in logged
    assert "bi-mat" not in logged and PASSWORD not in logged


def test_unknown_user_and_inactive_account(desk):
    make(desk, "quantri", "Trần Văn Quản", Role.ADMIN)
    lan = make(desk, "lan.nt", "Nguyễn Thị Lan", Role.RECEPTION)
    with pytest.raises(officers.LoginRefused, match="Tên đăng nhập hoặc mật khẩu không đúng"):
        officers.login(desk, "khong.co", PASSWORD)
    officers.update_officer(desk, lan.uid, active=False)
    with pytest.raises(officers.LoginRefused, match="ngừng hoạt động"):
        officers.login(desk, "lan.nt", PASSWORD)


def test_accounts_are_checked_and_hashed_never_stored_or_queued_in_clear(desk, db_path):
    with pytest.raises(ValidationError, match="ít nhất 8 ký tự"):
        make_bad = officers.create_officer
        make_bad(desk, username="lan.nt", full_name="Nguyễn Thị Lan", roles=["tiep_nhan"], password="ngan")
    with pytest.raises(ValidationError, match="Tên đăng nhập gồm"):
        officers.create_officer(desk, username="Lan NT", full_name="Nguyễn Thị Lan", roles=["tiep_nhan"],
                                password=PASSWORD)
    with pytest.raises(ValidationError, match="ít nhất một vai trò"):
        officers.create_officer(desk, username="lan.nt", full_name="Nguyễn Thị Lan", roles=[], password=PASSWORD)
    make(desk, "lan.nt", "Nguyễn Thị Lan", Role.RECEPTION)
    with pytest.raises(ValidationError, match="đã có"):
        make(desk, "lan.nt", "Nguyễn Thị Lan B", Role.RECEPTION)
    with pytest.raises(ValidationError, match="Đã có cán bộ tên"):
        make(desk, "lan2", "nguyễn thị lan", Role.RECEPTION)
    with sqlite3.connect(db_path) as c:
        stored = c.execute("SELECT password_hash FROM officer").fetchone()[0]
        queued = " ".join(r[0] for r in c.execute("SELECT payload FROM outbox WHERE kind='officer.saved'"))
    assert stored.startswith("$argon2id$") and stored in queued and PASSWORD not in queued


def test_the_last_administrator_stays(desk):
    admin = officers.create_first_admin(desk, username="quantri", full_name="Trần Văn Quản", password=PASSWORD)
    with pytest.raises(PermissionDenied, match="đã có tài khoản"):
        officers.create_first_admin(desk, username="khac", full_name="Người Khác", password=PASSWORD)
    desk.act_as(admin)
    with pytest.raises(ValidationError, match="ít nhất một tài khoản quản trị"):
        officers.update_officer(desk, admin.uid, roles=["tiep_nhan"])
    with pytest.raises(ValidationError, match="ít nhất một tài khoản quản trị"):
        officers.update_officer(desk, admin.uid, active=False)


def test_a_reset_password_must_be_changed(desk, clock):
    make(desk, "quantri", "Trần Văn Quản", Role.ADMIN)
    lan = make(desk, "lan.nt", "Nguyễn Thị Lan", Role.RECEPTION)
    officers.update_officer(desk, lan.uid, password="tam-thoi-99")
    assert officers.login(desk, "lan.nt", "tam-thoi-99").must_change
    clock.advance(seconds=1)
    changed = officers.change_own_password(desk, "lan.nt", "tam-thoi-99", "cua-rieng-lan")
    assert not changed.must_change and not officers.login(desk, "lan.nt", "cua-rieng-lan").must_change
    with pytest.raises(officers.LoginRefused):
        officers.login(desk, "lan.nt", "tam-thoi-99")


def test_argon2_login_within_budget(desk):
    import time

    make(desk, "lan.nt", "Nguyễn Thị Lan", Role.RECEPTION)
    start = time.perf_counter()
    officers.login(desk, "lan.nt", PASSWORD)
    assert time.perf_counter() - start <= 0.3


def test_pulled_saves_newest_wins(desk, clock):
    from sync.ops import OfficerSaved

    lan = make(desk, "lan.nt", "Nguyễn Thị Lan", Role.RECEPTION)
    from app.core.passwords import hash_password

    newer = OfficerSaved(officer_id=lan.uid, username="lan.nt", full_name="Nguyễn Thị Lan", roles=["truong_bo_phan"],
                         active=True, password_hash=hash_password("moi-tu-hub-1"), must_change=True,
                         saved_at=desk.now() + timedelta(minutes=1))
    older = newer.model_copy(update={"roles": ["tiep_nhan"], "saved_at": desk.now() - timedelta(minutes=1)})
    with desk.write() as connection:
        assert officers.apply_saved(connection, newer) == 1
        assert officers.apply_saved(connection, older) == 0
    logged = officers.login(desk, "lan.nt", "moi-tu-hub-1")
    assert logged.must_change and logged.officer.roles == (Role.HEAD,)
    # A later save from a desk whose clock is a day behind still wins: it counts one version up.
    later = newer.model_copy(update={"roles": ["tiep_nhan"], "version": 2, "saved_at": desk.now() - timedelta(days=1)})
    with desk.write() as connection:
        assert officers.apply_saved(connection, later) == 1
    assert officers.login(desk, "lan.nt", "moi-tu-hub-1").officer.roles == (Role.RECEPTION,)


def test_the_slip_and_the_receipt_print_the_officer_who_acted(desk, tmp_path):
    import subprocess

    from app.services import papers

    add_series(desk, PAPER)
    make(desk, "hoa.lv", "Lê Văn Hòa", Role.HEAD)
    desk.act_as(officers.login(desk, "hoa.lv", PASSWORD).officer)
    got = receive_dossier(desk, ReceptionInput("2.000815", "Lê Thị Hồng", pages=2))
    receipt = issue_receipt(desk, dossier_uid=got.uid)
    for name, pdf in (("slip", papers.slip_pdf(desk, got.uid)), ("receipt", papers.receipt_pdf(desk, receipt.uid))):
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
        words = subprocess.run(["pdftotext", str(tmp_path / f"{name}.pdf"), "-"], capture_output=True,
                               text=True, check=True).stdout
        assert "Lê Văn Hòa" in words, name
