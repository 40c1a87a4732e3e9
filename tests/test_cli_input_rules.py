"""The input rules hold at the command line too (issue 11 §5): an unusual count is refused until
the JSON confirms it, and a scanned card that disagrees with itself is an error."""

import json

from app.cli import main
from tests.test_cli import QR, db  # noqa: F401 (the fixture: a commune with a reception officer)


def receive(db, tmp_path, items):  # noqa: F811
    source = tmp_path / "in.json"
    source.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    return main(["receive", str(source), "--db", str(db), "--user", "lan.nt"])


def test_many_copies_are_received_only_once_confirmed(db, tmp_path, capsys):  # noqa: F811
    item = {"procedure": "2.000815", "owner_name": "Nguyễn Văn Đức", "pages": 3, "copies": 25}
    assert receive(db, tmp_path, [item]) == 1
    err = capsys.readouterr().err
    assert "Số bản là 25" in err and '"confirmed": ["copies"]' in err
    assert receive(db, tmp_path, [{**item, "confirmed": ["copies"]}]) == 0
    assert "-4001" in capsys.readouterr().out


def test_a_typed_birth_date_against_the_card_number_is_a_question_a_future_one_an_error(db, tmp_path, capsys):  # noqa: F811
    item = {"procedure": "1.001193", "owner_name": "Lê Thị Hồng", "owner_id_number": "038190001234",
            "owner_birth_date": "1991-03-12"}
    assert receive(db, tmp_path, [item, {**item, "owner_birth_date": "2030-01-01"}]) == 1
    err = capsys.readouterr().err
    assert "Hồ sơ thứ 1: Số CCCD không khớp" in err and '"cccd_mismatch"' in err
    assert "Hồ sơ thứ 2: Ngày sinh 01/01/2030 ở sau ngày hôm nay." in err


def test_a_scanned_card_is_read_as_scanned(db, tmp_path, capsys):  # noqa: F811
    assert receive(db, tmp_path, [{"procedure": "1.001193", "qr": QR}]) == 0
