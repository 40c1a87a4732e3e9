import json
import os
import sqlite3

import pytest

from app.cli import main

QR = "038190001234|123456789|Lê Thị Hồng|12031990|Nữ|Thôn Đông, xã Quảng Phú|01072022"


@pytest.fixture
def db(tmp_path, monkeypatch):
    path = tmp_path / "xa.sqlite"
    assert main(["--db", str(path), "init", "--agency-id", "000.17.22.H56", "--commune", "Xã Quảng Phú",
                 "--workstation", "4"]) == 0
    add_officers(path, monkeypatch)
    return path


def add_officers(path, monkeypatch):
    """The first administrator, then a reception officer who logs in for the commands that write."""
    monkeypatch.setenv("MOTCUA_NEW_PASSWORD", "quan-tri-123")
    assert main(["--db", str(path), "officer", "add", "--username", "admin", "--name", "Trần Văn Quản"]) == 0
    monkeypatch.setenv("MOTCUA_PASSWORD", "quan-tri-123")
    monkeypatch.setenv("MOTCUA_NEW_PASSWORD", "tiep-nhan-123")
    assert main(["--db", str(path), "--user", "admin", "officer", "add", "--username", "lan.nt", "--name",
                 "Nguyễn Thị Lan", "--role", "tiep_nhan"]) == 0
    monkeypatch.setenv("MOTCUA_PASSWORD", "tiep-nhan-123")


def test_init_then_receive_from_json_and_search(db, tmp_path, capsys):
    data = [{"procedure": "2.000815", "owner_name": "Nguyễn Văn Đức", "pages": 3, "copies": 2},
            {"procedure": "1.001193", "qr": QR},
            {"procedure": "1.001193", "owner_name": "Phạm Văn Xuân", "owner_id_number": "123"}]
    source = tmp_path / "in.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert main(["receive", str(source), "--db", str(db), "--user", "lan.nt"]) == 1  # the third one is refused
    out, err = capsys.readouterr()
    lines = out.strip().splitlines()
    assert len(lines) == 2 and "-4001" in lines[0] and "10.000 đ" in lines[0]
    assert "Hồ sơ thứ 3" in err and "12 chữ số" in err
    assert main(["search", "le thi hong", "--db", str(db)]) == 0
    found = capsys.readouterr().out
    assert "Lê Thị Hồng" in found and "Đăng ký khai sinh" in found
    row = sqlite3.connect(db).execute("SELECT owner_id_number, owner_sex FROM dossier WHERE owner_name='Lê Thị Hồng'")
    assert row.fetchone() == ("038190001234", "Nữ")


def test_due_date_from_the_shipped_data(tmp_path, capsys):
    missing = tmp_path / "none.sqlite"
    assert main(["due-date", "--procedure", "2.000815", "--received", "2026-11-20T15:30", "--db", str(missing)]) == 0
    assert "Hạn trả kết quả: 17:00 Thứ Hai 23/11/2026" in capsys.readouterr().out
    assert main(["due-date", "--procedure", "XA.HT.TTHN", "--received", "2025-12-31T10:00", "--db", str(missing)]) == 0
    assert "10:00 Thứ Tư 07/01/2026" in capsys.readouterr().out  # 5 h + (1/1, 2/1 off) 8 h + 8 h + 3 h
    assert not missing.exists()


def test_fee(capsys, tmp_path):
    db = str(tmp_path / "none.sqlite")
    assert main(["fee", "--procedure", "2.000815", "--pages", "250", "--copies", "2", "--db", db]) == 0
    assert "400.000 đ" in capsys.readouterr().out
    assert main(["fee", "--procedure", "2.000884", "--db", db]) == 0
    assert "10.000 đ" in capsys.readouterr().out


def test_errors_are_vietnamese_with_exit_code_2(capsys, tmp_path):
    assert main(["due-date", "--procedure", "9.9", "--received", "2026-11-20T10:00", "--db",
                 str(tmp_path / "n.sqlite")]) == 2
    assert "Không tìm thấy thủ tục" in capsys.readouterr().err
    assert main(["due-date", "--procedure", "2.000815", "--received", "hôm qua", "--db",
                 str(tmp_path / "n.sqlite")]) == 2
    assert "ISO" in capsys.readouterr().err
    assert main(["search", "x", "--db", str(tmp_path / "absent.sqlite")]) == 2
    assert "motcua init" in capsys.readouterr().err
    assert main(["--db", str(tmp_path / "x.sqlite"), "init", "--agency-id", "bad", "--commune", "Xã A"]) == 2
    assert "NNN.NN.NN.Xnn" in capsys.readouterr().err


def test_self_test(capsys):
    assert main(["self-test"]) == 0
    assert capsys.readouterr().out.count("ĐẠT") == 5


def test_every_command_that_opens_a_database_is_refused_while_a_desk_holds_it(db, tmp_path, capsys, monkeypatch):
    """One message for all, and the refusal comes before the database is touched."""
    import app.cli
    import app.services.demo
    from app.store.instance_lock import InstanceLock

    source = tmp_path / "in.json"
    source.write_text(json.dumps({"procedure": "2.000815", "owner_name": "Nguyễn Văn Đức"}), encoding="utf-8")
    commands = [["search", "nguyen"], ["receive", str(source)], ["sync"],
                ["enroll", "--hub", "http://127.0.0.1:9", "--code", "KLJ6-5T8Q"],
                ["due-date", "--procedure", "2.000815", "--received", "2026-11-20T15:30"],
                ["fee", "--procedure", "2.000815"], ["init", "--agency-id", "000.17.22.H56", "--commune", "Xã A"],
                ["demo", "--days", "1"]]

    def never(*_args, **_kwargs):
        raise AssertionError("the database was opened beside an open desk")

    monkeypatch.setattr(app.cli, "open_database", never)
    monkeypatch.setattr(app.services.demo, "build_demo", never)
    before = db.read_bytes()
    desk_lock = InstanceLock(db).acquire()
    try:
        capsys.readouterr()
        for command in commands:
            assert main(["--db", str(db), *command]) == 2, command
            out, err = capsys.readouterr()
            assert not out and err == f"Lỗi: {app.cli.DESK_IS_OPEN.format(path=db.resolve())}\n", command
        assert desk_lock.path.read_text() == str(os.getpid())  # a refused try leaves the holder's lock as it was
    finally:
        desk_lock.release()
    assert db.read_bytes() == before


def test_a_command_holds_the_lock_only_while_it_runs(db, capsys, monkeypatch):
    """While a command has the file open a desk is refused; once it is done the desk opens."""
    import app.services.queries
    from app.store.instance_lock import AlreadyOpen, InstanceLock

    seen = []

    def search_and_try_to_open_a_desk(desk, query, *, limit):
        with pytest.raises(AlreadyOpen):
            InstanceLock(db).acquire()
        seen.append(query)
        return []

    monkeypatch.setattr(app.services.queries, "search_dossiers", search_and_try_to_open_a_desk)
    assert main(["search", "nguyen", "--db", str(db)]) == 0
    assert seen == ["nguyen"]
    InstanceLock(db).acquire().release()
