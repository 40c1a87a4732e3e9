"""Issue 9, done means: a desk whose disk died is back with every dossier and receipt from last
night's backup and one sync round with a real hub (SQLite and PostgreSQL), restored with the
recovery key alone; it then receives a dossier and issues a receipt without any conflict, its audit
chain verifies, and the hub flags no break."""

from pathlib import Path

import keyring
from sqlalchemy import func, select, text

from app.cli import main
from app.core.receipts import SeriesSpec
from app.services import processing, sync_state
from app.services.audit import verify_chain
from app.services.backup import SERVICE, take_backup
from app.services.desk import Desk
from app.services.receipts import add_series, issue_receipt, void_receipt
from app.services.reception import receive_dossier
from app.store.engine import open_database
from app.sync.client import SyncClient
from sync.hub.models import AppliedOp, AuditBreak
from sync.hub.models import Dossier as HubDossier
from tests.helpers.data import copy_cert


def _held(desk):
    with desk.read() as c:
        return {
            "dossiers": sorted(c.execute(text("SELECT code || ' ' || status FROM dossier")).scalars()),
            "receipts": sorted(c.execute(text("SELECT number || ' ' || status || ' ' || amount FROM receipt"))
                               .scalars()),
            "events": c.execute(text("SELECT count(*) FROM event")).scalar(),
        }


def _work(desk, names):
    for name in names:
        got = receive_dossier(desk, copy_cert(name=name))
        issue_receipt(desk, dossier_uid=got.uid)
    return got


def _hub_count(hub, model):
    with hub.engine.connect() as c:
        return c.execute(select(func.count()).select_from(model)).scalar()


def test_lose_the_file_restore_last_nights_backup_sync_and_carry_on(make_desk, hub, tmp_path, capsys, clock):
    one, two = make_desk("mot", 1), make_desk("hai", 2)
    add_series(one, SeriesSpec("paper", "01BLP0-001", "AA/26T", 1, 400))
    add_series(two, SeriesSpec("paper", "01BLP0-001", "AA/26T", 401, 800))
    # Day one, then the nightly backup.
    first = _work(one, ["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"])
    processing.forward(one, first.uid, to_unit="Công chức Tư pháp - Hộ tịch")
    _work(two, ["Phạm Thị Dung"])
    for desk in (one, two, one):
        assert SyncClient(desk).round().rejected == 0
    backup = take_backup(one, tmp_path / "usb")
    # Day two: more work on both desks, all sent upstream; then the disk dies.
    last = _work(one, ["Hoàng Văn Em", "Vũ Thị Giang"])
    receipt = issue_receipt(one, payer_name="Đỗ Văn Hải", fee_name="Phí sao y", amount=4000)
    void_receipt(one, receipt.uid, reason="Ghi sai người nộp")
    processing.forward(one, last.uid, to_unit="Công chức Tư pháp - Hộ tịch")
    _work(two, ["Bùi Thị Khánh"])
    for desk in (one, two, one):
        assert SyncClient(desk).round().rejected == 0
    before = _held(one)
    applied_before, hub_dossiers = _hub_count(hub, AppliedOp), _hub_count(hub, HubDossier)
    path = Path(one.db.path)
    one.db.dispose()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    keyring.delete_password(SERVICE, one.settings().backup_key_id)  # a new disk: no backup key on it

    code = main(["--db", str(path), "restore", str(backup.path), "--recovery-key", backup.recovery_key])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Đã khôi phục bản sao lưu" in out and "4 hồ sơ, 4 biên lai" in out and "Đã đồng bộ" in out

    restored = Desk(open_database(path), actor="Cán bộ mot", clock=clock)
    try:
        assert _held(restored) == before  # every dossier, receipt and step is back
        assert restored.settings().restore_pending == ""
        assert _hub_count(hub, AppliedOp) == applied_before + 1  # only the restore itself was new upstream
        assert _hub_count(hub, HubDossier) == hub_dossiers
        verdict = verify_chain(restored)
        assert verdict.ok, verdict.message
        # Numbering continues after what the hub had: no code or number taken twice.
        got = receive_dossier(restored, copy_cert(name="Ngô Văn Lâm"))
        new_receipt = issue_receipt(restored, dossier_uid=got.uid)
        assert got.code.endswith("-1006") and new_receipt.number == 7
        result = SyncClient(restored).round()
        assert result.rejected == 0 and result.pushed == 2 and sync_state.counts(restored)["rejected"] == 0
        assert _hub_count(hub, AuditBreak) == 0
        assert SyncClient(two).round().pulled >= 2  # the other desk hears of them as usual
    finally:
        restored.db.dispose()
