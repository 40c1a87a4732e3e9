"""Personal data: files for the desk's account only, everything about one citizen exported by CCCD,
and closed dossiers' personal fields purged after the retention period with statistics kept and the
audit chain still whole."""

import json
import os
import sqlite3
import subprocess
from datetime import datetime

import pytest
from sqlalchemy import text

from app.cli import main
from app.core.receipts import SeriesSpec
from app.services.audit import verify_chain
from app.services.commune import CommuneSetup, init_commune
from app.services.desk import Desk
from app.services.officers import create_first_admin
from app.services.personal_data import PURGED_NAME, expired_dossiers, purge_expired
from app.services.processing import refuse, withdraw
from app.services.queries import search_dossiers
from app.services.receipts import add_series, issue_receipt
from app.services.reception import receive_dossier
from app.store.engine import open_database
from tests.helpers.data import CCCD_DUC, birth, copy_cert

posix = pytest.mark.skipif(os.name != "posix", reason="POSIX modes (Windows: the profile folder's ACL)")


@posix
def test_the_database_its_log_and_folder_are_the_desk_accounts_only(tmp_path, clock):
    old_mask = os.umask(0o022)  # what a desktop session usually has
    try:
        path = tmp_path / "moi" / "xa.sqlite"
        database = open_database(path)
        desk = Desk(database, actor="Nguyễn Thị Lan", clock=clock)
        init_commune(desk, CommuneSetup("000.17.22.H56", "Xã Quảng Phú", workstation_no=2))
        receive_dossier(desk, birth())
        for name in ("xa.sqlite", "xa.sqlite-wal", "xa.sqlite-shm"):
            assert ((path.parent / name).stat().st_mode & 0o777) == 0o600, name
        assert (path.parent.stat().st_mode & 0o777) == 0o700
        database.dispose()
        old = tmp_path / "cu.sqlite"  # a file from before the rule
        sqlite3.connect(old).close()
        old.chmod(0o644)
        open_database(old).dispose()
        assert (old.stat().st_mode & 0o777) == 0o600
        assert all((p.stat().st_mode & 0o777) == 0o600 for p in (tmp_path / "backups").glob("*"))
    finally:
        os.umask(old_mask)


def _receive_for(desk, cccd, name, maker=copy_cert):
    return receive_dossier(desk, maker(name=name, owner_id_number=cccd))


def test_export_everything_held_about_one_citizen(desk, db_path, tmp_path, capsys, monkeypatch):
    create_first_admin(desk, username="admin", full_name="Trần Văn Quản", password="quan-tri-123")
    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 100))
    first = _receive_for(desk, CCCD_DUC, "Nguyễn Văn Đức")
    issue_receipt(desk, dossier_uid=first.uid)
    _receive_for(desk, CCCD_DUC, "Nguyễn Văn Đức", birth)
    _receive_for(desk, "001200012345", "Phạm Thị Người Khác")
    desk.db.dispose()
    out, pdf = tmp_path / "duc.json", tmp_path / "duc.pdf"
    args = ["--db", str(db_path), "export-person", "--cccd", CCCD_DUC, "--out", str(out), "--pdf", str(pdf)]
    assert main(args) == 2 and "đăng nhập" in capsys.readouterr().err  # personal data: never without a login
    monkeypatch.setenv("MOTCUA_PASSWORD", "quan-tri-123")
    code = main([*args, "--user", "admin"])
    assert code == 0 and "Đã xuất 2 hồ sơ" in capsys.readouterr().out
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["cccd"] == CCCD_DUC and len(record["dossiers"]) == 2
    paid = next(d for d in record["dossiers"] if d["uid"] == first.uid)
    assert paid["owner_name"] == "Nguyễn Văn Đức" and paid["documents"] and paid["steps"][0]["kind"] == "received"
    assert paid["receipts"][0]["number"] == 1 and paid["receipts"][0]["payer_name"] == "Nguyễn Văn Đức"
    assert "Người Khác" not in out.read_text(encoding="utf-8")
    words = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "DỮ LIỆU CÁ NHÂN ĐANG ĐƯỢC LƯU GIỮ" in words and "Nguyễn Văn Đức" in words and first.code in words
    if os.name == "posix":
        assert (out.stat().st_mode & 0o777) == 0o600
    # A mistyped number is refused plainly and writes nothing.
    bad = tmp_path / "sai.json"
    assert main(["--db", str(db_path), "--user", "admin", "export-person", "--cccd", "12345", "--out", str(bad)]) == 2
    assert "12 chữ số" in capsys.readouterr().err and not bad.exists()


def test_closed_dossiers_past_retention_lose_personal_fields_and_keep_statistics(desk, clock, capsys):
    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 100))
    clock.set(datetime(2019, 3, 12, 9, 0))
    old_closed = _receive_for(desk, CCCD_DUC, "Nguyễn Văn Đức")
    issue_receipt(desk, dossier_uid=old_closed.uid)
    withdraw(desk, old_closed.uid, reason="Công dân xin rút hồ sơ")
    old_open = _receive_for(desk, "001200012345", "Trần Văn Mở")
    clock.set(datetime(2025, 6, 10, 9, 0))
    recent = _receive_for(desk, "001200012346", "Lê Thị Gần")
    refuse(desk, recent.uid, reason="Hồ sơ không thuộc thẩm quyền")
    clock.set(datetime(2026, 11, 18, 9, 0))
    with desk.read() as c:
        before = c.execute(text("SELECT status, count(*), sum(fee_amount) FROM dossier GROUP BY status")).all()
    assert [e.code for e in expired_dossiers(desk, 5)] == [old_closed.code]

    result = purge_expired(desk, 5)
    assert result.dossiers == [old_closed.code] and "số liệu thống kê" in result.message
    with desk.read() as c:
        row = c.execute(text("SELECT * FROM dossier WHERE uid = :u"), {"u": old_closed.uid}).mappings().one()
        after = c.execute(text("SELECT status, count(*), sum(fee_amount) FROM dossier GROUP BY status")).all()
        receipt = c.execute(text("SELECT payer_name, amount FROM receipt")).one()
        queued = " ".join(c.execute(text("SELECT payload FROM outbox")).scalars())
        history = " ".join(str(p) for p in c.execute(text("SELECT payload FROM event")).scalars())
    assert row["owner_name"] == PURGED_NAME and row["owner_id_number"] == "" and row["owner_birth_date"] is None
    assert row["code"] == old_closed.code and row["fee_amount"] > 0 and row["status"] == 7
    assert before == after  # every count and total a report reads is unchanged
    assert receipt.payer_name == PURGED_NAME and receipt.amount > 0
    assert "Nguyễn Văn Đức" not in queued + history and CCCD_DUC not in queued + history
    assert "Trần Văn Mở" in queued and old_open.code  # open dossiers are never touched
    assert search_dossiers(desk, "nguyen van duc") == [] and search_dossiers(desk, old_closed.code)
    verdict = verify_chain(desk)  # the purge is a chained record: nothing looks tampered
    assert verdict.ok, verdict.message
    assert expired_dossiers(desk, 5) == []
    desk.db.dispose()
    tampered = sqlite3.connect(desk.db.path)  # and an edit of a purged dossier's receipt is still caught
    tampered.execute("UPDATE receipt SET amount = 1000")
    tampered.commit()
    tampered.close()
    assert main(["--db", str(desk.db.path), "audit", "verify"]) == 1
    assert "số tiền" in capsys.readouterr().err
