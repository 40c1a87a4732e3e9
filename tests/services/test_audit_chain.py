"""The audit chain on the desk: a row edited with the sqlite3 module (not through the desk) is
caught by `motcua audit verify`, which names the first broken record; a legitimate sync never
breaks it (tests/sync/test_audit_hub.py)."""

import shutil
import sqlite3

import pytest

from app.cli import main
from app.core.receipts import SeriesSpec
from app.services.admin import update_settings
from app.services.audit import verify_chain
from app.services.processing import forward
from app.services.receipts import add_series, issue_receipt, void_receipt
from app.services.reception import receive_dossier
from app.store.engine import open_database
from tests.helpers.data import birth, copy_cert

PAPER = SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 500)


@pytest.fixture
def kept(desk, db_path):
    """A desk with a little of everything the chain covers, closed so other processes may open it."""
    add_series(desk, PAPER)
    first = receive_dossier(desk, copy_cert())
    second = receive_dossier(desk, birth())
    forward(desk, first.uid, to_unit="Công chức Tư pháp - Hộ tịch")
    receipt = issue_receipt(desk, dossier_uid=first.uid)
    void_receipt(desk, receipt.uid, reason="Ghi sai số tiền")
    issue_receipt(desk, dossier_uid=first.uid, replaces_uid=receipt.uid)
    update_settings(desk, office_name="Trung tâm phục vụ hành chính công xã")
    verdict = verify_chain(desk)
    assert verdict.ok, verdict.message
    assert verdict.ops == 6 and verdict.records == 2  # 2 receptions, a step, 2 receipts, a void; init, a change
    desk.db.dispose()
    return {"first": first, "second": second, "receipt": receipt, "path": db_path}


def _edit(path, sql, *params):
    connection = sqlite3.connect(path)
    connection.execute(sql, params)
    connection.commit()
    connection.close()


def _verify(path, capsys):
    code = main(["--db", str(path), "audit", "verify"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_an_untouched_file_verifies(kept, capsys):
    code, out = _verify(kept["path"], capsys)
    assert code == 0 and "Chuỗi kiểm toán nguyên vẹn" in out


EDITS = {
    "event actor": ("UPDATE event SET actor = 'Người khác' WHERE kind = 'forwarded'",
                    "bước «forwarded»", "người thực hiện"),
    "event payload": ("UPDATE event SET payload = json_set(payload, '$.owner_name', 'Tên khác') "
                      "WHERE kind = 'received' AND id = (SELECT min(id) FROM event)", "bước «received»", "nội dung"),
    "receipt amount": ("UPDATE receipt SET amount = 1000 WHERE number = 1", "biên lai số 0000001 (lập)", "số tiền"),
    "void reason": ("UPDATE receipt SET void_reason = 'Khách đổi ý' WHERE number = 1", "biên lai số 0000001 (hủy)",
                    "lý do hủy"),
    "void undone": ("UPDATE receipt SET status = 'issued', void_reason = '' WHERE number = 1",
                    "biên lai số 0000001 (hủy)", "trạng thái hủy"),
    "event deleted": ("DELETE FROM event WHERE kind = 'forwarded'", "bước «forwarded»", "đã bị xóa"),
    "queued op edited": ("UPDATE outbox SET payload = replace(payload, 'Ghi sai', 'Ghi dung') "
                         "WHERE kind = 'receipt.voided'", "biên lai số 0000001 (hủy)", "hàng đợi đồng bộ đã bị sửa"),
    "queued op removed": ("DELETE FROM outbox WHERE kind = 'dossier.forwarded'", "biên lai số 0000001 (lập)",
                          "không nối tiếp bản ghi trước"),
    "setting": ("UPDATE setting SET value = '\"Bộ phận giả\"' WHERE key = 'office_name'", "cài đặt «office_name»",
                "đã bị sửa ngoài phần mềm"),
    "setting record removed": ("DELETE FROM audit_record WHERE id = (SELECT max(id) FROM audit_record)",
                               "cài đặt «office_name»", "đã bị sửa ngoài phần mềm"),
}


@pytest.mark.parametrize("name", list(EDITS))
def test_an_edited_row_is_caught_and_named(kept, capsys, tmp_path, name):
    sql, record, reason = EDITS[name]
    path = tmp_path / "sua.sqlite"
    shutil.copy(kept["path"], path)
    _edit(path, sql)
    code, out = _verify(path, capsys)
    assert code == 1, out
    assert "Chuỗi kiểm toán bị phá vỡ" in out and record in out and reason in out, out


def test_the_first_broken_record_is_named(kept, capsys, tmp_path):
    path = tmp_path / "hai-cho.sqlite"
    shutil.copy(kept["path"], path)
    _edit(path, "UPDATE receipt SET amount = 1000 WHERE number = 2")  # later in the chain
    _edit(path, "UPDATE event SET actor = 'Người khác' WHERE kind = 'forwarded'")  # earlier
    code, out = _verify(path, capsys)
    assert code == 1 and "bước «forwarded»" in out and "0000002" not in out


def test_a_migrated_file_is_chained_from_its_existing_ops(tmp_path):
    """A desk from before the chain: revision 0008 links the ops it had already queued, in their order."""
    import uuid

    from sqlalchemy import text

    path = tmp_path / "cu.sqlite"
    database = open_database(path, migrate_to="0007")
    with database.writer.begin() as c:
        for n in range(3):
            c.execute(text("INSERT INTO outbox (op_id, entity, entity_id, kind, payload, payload_sha256, actor, "
                           "device_time, state, attempts, last_error) VALUES (:o, 'receipt', :e, 'receipt.signed', "
                           "'{}', :h, 'Nguyễn Thị Lan', :t, 'sent', 1, '')"),
                      {"o": str(uuid.uuid4()), "e": str(uuid.uuid4()), "t": f"2026-11-1{n} 02:00:00.000000",
                       "h": "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"})
    database.dispose()
    database = open_database(path)
    with database.reader.connect() as c:
        links = c.execute(text("SELECT chain_prev, chain_hash FROM outbox ORDER BY seq")).all()
        from app.services.audit import verify_connection

        assert verify_connection(c).ok
    database.dispose()
    assert links[0].chain_prev == "0" * 64
    assert [a.chain_hash for a in links[:-1]] == [b.chain_prev for b in links[1:]]
