"""Officer accounts across a commune's desks, through a real hub on 127.0.0.1 (issue 9): an account
made on one desk logs in on the other after a sync; the hub keeps the officer of every op and the
other desk shows it; a hub administrator's password reset reaches the desks; hashes only."""

from __future__ import annotations

import json
import sqlite3

import pytest
import requests
from sqlalchemy import select

from app.core.permissions import Role
from app.core.receipts import SeriesSpec
from app.services import officers
from app.services.receipts import add_series, issue_receipt
from app.services.reception import ReceptionInput, receive_dossier
from app.services.sync_state import sync_problems
from app.sync.client import SyncClient
from sync.hub.admin import create_admin_token
from sync.hub.models import Change, Officer
from tests.sync.conftest import COMMUNE_A

PASSWORD = "tiepnhan-2026"


def _staff(desk) -> None:
    officers.create_officer(desk, username="quantri", full_name="Phạm Thu Hà", roles=[Role.ADMIN.value],
                            password="quantri-2026")
    officers.create_officer(desk, username="lan.nt", full_name="Nguyễn Thị Lan", roles=[Role.RECEPTION.value],
                            password=PASSWORD)


def _round(desk) -> None:
    result = SyncClient(desk).round()
    assert result.online and not result.problem, result


def test_an_account_and_its_acts_reach_the_other_desk_with_the_officer(make_desk, hub, db_path):
    a, b = make_desk("a", 1), make_desk("b", 2)
    _staff(a)
    add_series(a, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 50))
    a.trusted = False
    a.act_as(officers.login(a, "lan.nt", PASSWORD).officer)
    got = receive_dossier(a, ReceptionInput("2.000815", "Trần Văn Bình", pages=2))
    receipt = issue_receipt(a, dossier_uid=got.uid)
    _round(a)
    _round(b)

    # The account works offline on the other desk: the hash came, never the password.
    assert officers.login(b, "lan.nt", PASSWORD).officer.full_name == "Nguyễn Thị Lan"
    with pytest.raises(officers.LoginRefused):
        officers.login(b, "lan.nt", "sai-mat-khau")
    with hub.engine.connect() as connection:
        stored = connection.execute(select(Officer.password_hash).where(Officer.username == "lan.nt")).scalar_one()
        changes = connection.execute(select(Change.kind, Change.actor, Change.payload)).all()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in json.dumps([c.payload for c in changes], ensure_ascii=False)
    # The hub keeps who did each act; the other desk shows them.
    actors = {kind: actor for kind, actor, _ in changes}
    assert actors["dossier.received"] == actors["receipt.issued"] == "Nguyễn Thị Lan"
    with sqlite3.connect(b.db.path) as c:
        assert c.execute("SELECT received_by FROM dossier WHERE uid=?", (got.uid,)).fetchone() == ("Nguyễn Thị Lan",)
        assert c.execute("SELECT issued_by FROM receipt WHERE uid=?", (receipt.uid,)).fetchone() == (
            "Nguyễn Thị Lan",)
        assert c.execute("SELECT actor FROM event WHERE kind='received'").fetchone() == ("Nguyễn Thị Lan",)


def test_a_password_reset_at_the_hub_reaches_the_desks(make_desk, hub, clock):
    a, b = make_desk("a", 1), make_desk("b", 2)
    _staff(a)
    _round(a)
    _round(b)
    admin = {"Authorization": f"Bearer {create_admin_token(hub.engine, 'Sở Nội vụ')}"}
    refused = requests.post(f"{hub.url}/api/v1/admin/officers/reset-password", headers=admin,
                            json={"agency_id": COMMUNE_A[0], "username": "khong.co"})
    assert refused.status_code == 404 and "không có tài khoản" in refused.json()["message"]
    answer = requests.post(f"{hub.url}/api/v1/admin/officers/reset-password", headers=admin,
                           json={"agency_id": COMMUNE_A[0], "username": "lan.nt"})
    assert answer.status_code == 200
    temporary = answer.json()["password"]
    listed = requests.get(f"{hub.url}/api/v1/admin/officers", headers=admin, params={"agency_id": COMMUNE_A[0]})
    assert {o["username"] for o in listed.json()} == {"quantri", "lan.nt"}
    assert "password_hash" not in json.dumps(listed.json())
    _round(b)
    logged = officers.login(b, "lan.nt", temporary)
    assert logged.must_change  # she chooses her own before working
    with pytest.raises(officers.LoginRefused):
        officers.login(b, "lan.nt", PASSWORD)
    clock.advance(minutes=1)
    officers.change_own_password(b, "lan.nt", temporary, "cua-rieng-lan-2026")
    _round(b)
    _round(a)
    assert not officers.login(a, "lan.nt", "cua-rieng-lan-2026").must_change


def test_one_username_per_commune(make_desk, hub):
    a, b = make_desk("a", 1), make_desk("b", 2)
    officers.create_officer(a, username="lan.nt", full_name="Nguyễn Thị Lan", roles=["tiep_nhan"], password=PASSWORD)
    officers.create_officer(b, username="lan.nt", full_name="Ngô Thị Lan", roles=["tiep_nhan"], password=PASSWORD)
    _round(a)
    SyncClient(b).round()
    [problem] = [p for p in sync_problems(b) if p["kind"] == "officer.saved"]
    assert "Tên đăng nhập «lan.nt» đã dùng cho một tài khoản khác của xã" in problem["last_error"]


def test_the_hub_command_resets_a_password(make_desk, hub, hub_url, capsys):
    from sync.hub.__main__ import main as hub_main

    a = make_desk("a", 1)
    _staff(a)
    _round(a)
    capsys.readouterr()
    assert hub_main(["--db", hub_url, "reset-password", "--agency-id", COMMUNE_A[0], "--username", "lan.nt"]) == 0
    said = capsys.readouterr().out
    temporary = said.split("Mật khẩu tạm của lan.nt: ", 1)[1].split()[0]
    assert hub_main(["--db", hub_url, "officers", "--agency-id", COMMUNE_A[0]]) == 0
    assert "lan.nt\tNguyễn Thị Lan\ttiep_nhan\thoạt động" in capsys.readouterr().out
    _round(a)
    assert officers.login(a, "lan.nt", temporary).must_change
