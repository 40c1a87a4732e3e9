"""`motcua ereceipt …` run as real processes on a real database file; every XML they write is
checked by Debian's xmlsec1, and one changed character breaks the signature."""

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import keyring
import pytest

from app.core.receipts import SeriesSpec
from app.services.receipts import add_series, issue_receipt, void_receipt
from app.services.signer_config import save_secret
from ereceipt import xsd
from tests.helpers.ereceipt_desk import PASSWORD, add_e_range, configure
from tests.helpers.keyring_file import FileKeyring

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def db(desk, clock, tmp_path, monkeypatch):
    """A desk that issued its last paper receipt on 31/12/2026 and three e-receipts (one voided) on
    01/01/2027; the key's password is in a keyring the child processes can read."""
    monkeypatch.setenv("MOTCUA_TEST_KEYRING", str(tmp_path / "keyring.json"))
    configure(desk, tmp_path, save_password=False)
    keyring.set_keyring(FileKeyring())
    save_secret(desk.settings(), PASSWORD, desk.db.path.parent)
    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 500))
    add_e_range(desk)
    clock.set(datetime(2026, 12, 31, 16, 0))
    issue_receipt(desk, payer_name="Trần Thị Bình", fee_name="Phí chứng thực", amount=2000)
    clock.set(datetime(2027, 1, 1, 7, 30))
    first = issue_receipt(desk, payer_name="Nguyễn Văn Đức", fee_name="Phí chứng thực", amount=4000)
    issue_receipt(desk, payer_name="Lê Văn Cường", fee_name="Lệ phí đăng ký khai sinh", amount=8000)
    void_receipt(desk, first.uid, reason="Ghi sai số tiền", replacing=True)
    issue_receipt(desk, payer_name="Nguyễn Văn Đức", fee_name="Phí chứng thực", amount=6000, replaces_uid=first.uid)
    desk.db.dispose()
    return desk.db.path


def motcua(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="tests.helpers.keyring_file.FileKeyring", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "app.cli", "--db", str(db), "ereceipt", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def xmlsec1(xml: Path, cert: Path, id_element: str) -> subprocess.CompletedProcess:
    return subprocess.run(["xmlsec1", "--verify", "--trusted-pem", str(cert), "--id-attr:Id", id_element, str(xml)],
                          capture_output=True, text=True)


def test_export_cert_and_xmlsec1(db, tmp_path):
    cert = tmp_path / "out" / "chung-thu.pem"
    run = motcua(db, "cert", "--out", str(cert))
    assert run.returncode == 0, run.stderr
    assert cert.read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    latest, second = tmp_path / "latest.xml", tmp_path / "second.xml"
    run = motcua(db, "export", "--latest", "--out", str(latest))
    assert run.returncode == 0 and "EBL01 27TAA số 00000003" in run.stdout, run.stderr
    assert motcua(db, "export", "--series", "27taa", "--number", "2", "--out", str(second)).returncode == 0
    for path in (latest, second):
        xsd.check(path.read_bytes())
        checked = xmlsec1(path, cert, "DLBLai")
        assert checked.returncode == 0, checked.stderr
    assert "Lê Văn Cường" in second.read_text(encoding="utf-8")
    tampered = tmp_path / "tampered.xml"
    tampered.write_text(second.read_text(encoding="utf-8").replace("Lê Văn Cường", "Lê Văn Cượng"), encoding="utf-8")
    assert xmlsec1(tampered, cert, "DLBLai").returncode != 0


def test_summary_and_registration_files(db, tmp_path):
    from openpyxl import load_workbook

    assert motcua(db, "cert", "--out", str(tmp_path / "c.pem")).returncode == 0
    for name, id_element in (("th.xml", "DLBTHop"), ("dk.xml", "DLTKhai")):
        command = ["summary", "--date", "2027-01-01"] if name == "th.xml" else ["registration"]
        run = motcua(db, *command, "--out", str(tmp_path / name))
        assert run.returncode == 0, run.stderr
        xsd.check((tmp_path / name).read_bytes())
        checked = xmlsec1(tmp_path / name, tmp_path / "c.pem", id_element)
        assert checked.returncode == 0, checked.stderr
    for name in ("th.pdf", "th.xlsx"):
        run = motcua(db, "summary", "--date", "2027-01-01", "--out", str(tmp_path / name))
        assert run.returncode == 0, run.stderr
    assert (tmp_path / "th.pdf").read_bytes().startswith(b"%PDF")
    rows = list(load_workbook(tmp_path / "th.xlsx").active.iter_rows(values_only=True))
    assert [r[3] for r in rows if r[3] and str(r[3]).startswith("000")] == ["00000001", "00000002", "00000003"]
    run = motcua(db, "registration", "--out", str(tmp_path / "dk.pdf"))
    assert run.returncode == 0 and (tmp_path / "dk.pdf").read_bytes().startswith(b"%PDF"), run.stderr


def test_unused_paper_numbers_for_the_destruction_report(db):
    run = motcua(db, "unused-paper")
    assert run.returncode == 0, run.stderr
    assert "01BLP0-001 AA/26T: từ số 0000002 đến số 0000500 (499 số)" in run.stdout


def test_clear_errors_and_exit_code_2(db, tmp_path, monkeypatch):
    run = motcua(db, "export", "--series", "27TAA", "--number", "99", "--out", str(tmp_path / "x.xml"))
    assert run.returncode == 2 and "Không tìm thấy biên lai điện tử" in run.stderr
    run = motcua(db, "export", "--out", str(tmp_path / "x.xml"))
    assert run.returncode == 2 and "--latest" in run.stderr
    run = motcua(db, "summary", "--date", "01/01/2027", "--out", str(tmp_path / "x.xml"))
    assert run.returncode == 2 and "YYYY-MM-DD" in run.stderr
    assert not (tmp_path / "x.xml").exists()
    monkeypatch.setenv("MOTCUA_TEST_KEYRING", str(tmp_path / "empty.json"))  # this PC has no password stored
    run = motcua(db, "cert", "--out", str(tmp_path / "c.pem"))
    assert run.returncode == 2 and "Chưa lưu mật khẩu" in run.stderr


def test_setup_by_an_administrator_then_issue(tmp_path, monkeypatch, capsys):
    """`motcua ereceipt setup`: only an officer who may change settings; a wrong password keeps nothing."""
    from app.cli import main
    from ereceipt.keys import make_demo_pkcs12
    from tests.test_cli import add_officers

    db = tmp_path / "xa.sqlite"
    assert main(["--db", str(db), "init", "--agency-id", "000.17.22.H56", "--commune", "Xã Quảng Phú"]) == 0
    add_officers(db, monkeypatch)  # admin, then lan.nt (reception), whose password is now MOTCUA_PASSWORD
    key = make_demo_pkcs12(tmp_path / "k.p12", b"mat-khau-ky", "UBND xa Quang Phu", "2800123456")
    setup = ["--db", str(db), "ereceipt", "setup", "--pkcs12", str(key), "--collector-name",
             "Ủy ban nhân dân xã Quảng Phú", "--tax-code", "2800123456", "--address", "Xã Quảng Phú",
             "--tax-office-code", "28101", "--tax-office-name", "Thuế cơ sở 1 tỉnh Thanh Hóa"]
    monkeypatch.setenv("MOTCUA_SIGNER_PASSWORD", "mat-khau-ky")
    capsys.readouterr()
    assert main(["--user", "lan.nt", *setup]) == 2  # reception may not change settings
    assert "thay đổi cài đặt" in capsys.readouterr().err
    monkeypatch.setenv("MOTCUA_PASSWORD", "quan-tri-123")
    monkeypatch.setenv("MOTCUA_SIGNER_PASSWORD", "sai")
    assert main(["--user", "admin", *setup]) == 2
    assert "sai mật khẩu" in capsys.readouterr().err
    assert keyring.get_keyring().store == {}
    monkeypatch.setenv("MOTCUA_SIGNER_PASSWORD", "mat-khau-ky")
    assert main(["--user", "admin", *setup]) == 0
    assert "KHÔNG CÓ GIÁ TRỊ PHÁP LÝ" in capsys.readouterr().out
    assert main(["--db", str(db), "ereceipt", "cert", "--out", str(tmp_path / "c.pem")]) == 0
    assert (tmp_path / "c.pem").read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
