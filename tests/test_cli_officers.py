"""`motcua --user …` and `motcua officer …` (issue 9): commands that write log an officer in, the
roles table decides, and passwords never travel as arguments."""

import json
import sqlite3

import pytest

from app.cli import main

ADMIN_PW, LAN_PW = "quan-tri-123", "tiep-nhan-123"


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "xa.sqlite"
    assert main(["--db", str(path), "init", "--agency-id", "000.17.22.H56", "--commune", "Xã Quảng Phú"]) == 0
    return path


def test_accounts_from_the_first_administrator_to_a_reset(db, tmp_path, monkeypatch, capsys):
    source = tmp_path / "in.json"
    source.write_text(json.dumps({"procedure": "2.000815", "owner_name": "Nguyễn Văn Đức"}), encoding="utf-8")
    capsys.readouterr()
    assert main(["--db", str(db), "receive", str(source)]) == 2
    assert "Chưa có tài khoản cán bộ nào" in capsys.readouterr().err
    monkeypatch.setenv("MOTCUA_NEW_PASSWORD", ADMIN_PW)
    assert main(["--db", str(db), "officer", "add", "--username", "admin", "--name", "Phạm Thu Hà",
                 "--role", "tiep_nhan"]) == 2  # the first account is the administrator
    assert "Tài khoản đầu tiên là quản trị" in capsys.readouterr().err
    assert main(["--db", str(db), "officer", "add", "--username", "admin", "--name", "Phạm Thu Hà"]) == 0
    monkeypatch.setenv("MOTCUA_NEW_PASSWORD", LAN_PW)
    assert main(["--db", str(db), "officer", "add", "--username", "lan.nt", "--name", "Nguyễn Thị Lan"]) == 2
    assert "hãy đăng nhập bằng --user" in capsys.readouterr().err  # only an administrator adds more
    monkeypatch.setenv("MOTCUA_PASSWORD", ADMIN_PW)
    assert main(["--db", str(db), "--user", "admin", "officer", "add", "--username", "lan.nt", "--name",
                 "Nguyễn Thị Lan", "--role", "tiep_nhan"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "--user", "admin", "receive", str(source)]) == 1  # the admin does not receive
    assert "không được tiếp nhận hồ sơ" in capsys.readouterr().err
    monkeypatch.setenv("MOTCUA_PASSWORD", "sai-mat-khau")
    assert main(["--db", str(db), "--user", "lan.nt", "receive", str(source)]) == 2
    assert "Còn 4 lần thử" in capsys.readouterr().err
    monkeypatch.setenv("MOTCUA_PASSWORD", ADMIN_PW)
    monkeypatch.setenv("MOTCUA_NEW_PASSWORD", "tam-thoi-456")
    assert main(["--db", str(db), "--user", "admin", "officer", "set", "lan.nt", "--reset-password"]) == 0
    monkeypatch.setenv("MOTCUA_PASSWORD", "tam-thoi-456")
    assert main(["--db", str(db), "--user", "lan.nt", "receive", str(source)]) == 2
    assert "hãy đặt mật khẩu mới trước" in capsys.readouterr().err
    monkeypatch.setenv("MOTCUA_NEW_PASSWORD", "cua-rieng-lan-1")
    assert main(["--db", str(db), "--user", "lan.nt", "officer", "password"]) == 0
    monkeypatch.setenv("MOTCUA_PASSWORD", "cua-rieng-lan-1")
    capsys.readouterr()
    assert main(["--db", str(db), "--user", "lan.nt", "receive", str(source)]) == 0
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT received_by FROM dossier").fetchall() == [("Nguyễn Thị Lan",)]
        queued = " ".join(r[0] for r in c.execute("SELECT payload FROM outbox"))
    assert not any(pw in queued for pw in (ADMIN_PW, LAN_PW, "tam-thoi-456", "cua-rieng-lan-1"))
    monkeypatch.setenv("MOTCUA_PASSWORD", ADMIN_PW)
    assert main(["--db", str(db), "--user", "admin", "officer", "list"]) == 0
    listed = capsys.readouterr().out
    assert "lan.nt\tNguyễn Thị Lan\t\ttiếp nhận\thoạt động" in listed and "admin\tPhạm Thu Hà" in listed
