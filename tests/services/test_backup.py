"""Backups: consistent while a writer runs, encrypted (no plain text on the target), private files,
kept 7/4/12, the recovery key shown once and enough on its own, a bad key or a changed byte refused
with nothing changed. The restore with a real hub is in tests/sync/test_restore.py."""

import os
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta

import keyring
import pytest

from app.core.errors import DeskError
from app.services.backup import (
    SERVICE,
    daily_due,
    decrypt_backup,
    keep_set,
    restore_file,
    take_backup,
)
from app.services.reception import receive_dossier
from tests.helpers.data import birth, copy_cert


def _open_image(image: bytes, tmp_path, name="anh.sqlite"):
    path = tmp_path / name
    path.write_bytes(image)
    return sqlite3.connect(path)


def test_backups_taken_while_a_writer_receives_are_each_consistent(desk, clock, tmp_path):
    """SQLite's online backup in one step: every copy is one moment of the file, where each dossier
    has its event and its outbox op, and the integrity check and the audit chain pass."""
    stop, written, errors = threading.Event(), [], []

    def writer():
        try:
            while not stop.is_set():
                if len(written) % 900 == 899:  # a workstation numbers at most 999 dossiers a day
                    clock.advance(days=1)
                written.append(receive_dossier(desk, copy_cert(name=f"Người nộp {len(written)}")).uid)
        except Exception as error:  # surfaced by the assertion below
            errors.append(error)

    receive_dossier(desk, birth())
    thread = threading.Thread(target=writer)
    thread.start()
    try:
        images = []  # read at once: the schedule keeps only the newest backup of a day
        while len(images) < 4:
            images.append(decrypt_backup(take_backup(desk, tmp_path / "usb").path)[1])
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join()
    assert not errors and len(written) > 5
    counts = []
    for n, image in enumerate(images):
        c = _open_image(image, tmp_path, f"anh{n}.sqlite")
        assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        dossiers = c.execute("SELECT count(*) FROM dossier").fetchone()[0]
        assert dossiers == c.execute("SELECT count(*) FROM event WHERE kind = 'received'").fetchone()[0]
        assert dossiers == c.execute("SELECT count(*) FROM outbox WHERE kind = 'dossier.received'").fetchone()[0]
        counts.append(dossiers)
        c.close()
    assert counts == sorted(counts) and counts[-1] > counts[0]  # the writer went on between copies
    from sqlalchemy import create_engine

    from app.services.audit import verify_connection

    engine = create_engine(f"sqlite:///{tmp_path / 'anh3.sqlite'}")
    with engine.connect() as c:
        assert verify_connection(c).ok
    engine.dispose()


def test_a_backup_is_encrypted_private_and_the_recovery_key_is_shown_once(desk, tmp_path):
    receive_dossier(desk, birth(name="Hoàng Thị Mẫn"))
    first = take_backup(desk, tmp_path / "usb")
    second = take_backup(desk, tmp_path / "usb")
    assert len(first.recovery_key.replace("-", "")) == 52 and second.recovery_key == ""
    assert "KHÓA KHÔI PHỤC" in first.message and "KHÓA KHÔI PHỤC" not in second.message
    data = first.path.read_bytes()
    assert "Hoàng Thị Mẫn".encode() not in data and b"SQLite format 3" not in data
    assert first.recovery_key not in data.decode("latin-1")
    if os.name == "posix":
        assert (first.path.stat().st_mode & 0o777) == 0o600
        assert ((tmp_path / "usb").stat().st_mode & 0o777) == 0o700
    # The recovery key alone opens it: the OS credential store of this PC is gone.
    keyring.delete_password(SERVICE, desk.settings().backup_key_id)
    with pytest.raises(DeskError, match="khóa khôi phục"):
        decrypt_backup(first.path)
    _header, image = decrypt_backup(first.path, first.recovery_key.lower().replace("-", " "))
    assert image.startswith(b"SQLite format 3")


def test_a_wrong_key_or_a_changed_byte_is_refused_and_changes_nothing(desk, db_path, tmp_path):
    receive_dossier(desk, birth())
    done = take_backup(desk, tmp_path / "usb")
    other = take_backup.__globals__["format_recovery_key"](
        take_backup.__globals__["X25519PrivateKey"].generate())
    desk.db.dispose()
    before = db_path.read_bytes()
    with pytest.raises(DeskError, match="Khóa khôi phục không đúng"):
        restore_file(db_path, done.path, recovery_key=other, actor="Quản trị")
    with pytest.raises(DeskError, match="không đúng dạng"):
        restore_file(db_path, done.path, recovery_key="ABC", actor="Quản trị")
    broken = tmp_path / "hong.mcbk"
    data = bytearray(done.path.read_bytes())
    data[-100] ^= 1
    broken.write_bytes(bytes(data))
    with pytest.raises(DeskError, match="đã bị hỏng hoặc bị sửa"):
        restore_file(db_path, broken, actor="Quản trị")
    assert db_path.read_bytes() == before and not list(tmp_path.glob("*.truoc-khoi-phuc-*"))


def test_seven_daily_four_weekly_twelve_monthly():
    start = datetime(2025, 1, 1, 17, 0, tzinfo=UTC)
    stamps = [start + timedelta(days=d, hours=h) for d in range(500) for h in (0, 1)]  # two a day
    kept = sorted(keep_set(stamps), reverse=True)
    newest = max(stamps)
    assert kept[:7] == [newest - timedelta(days=d) for d in range(7)]  # the last of each of 7 days
    weeks = {k.isocalendar()[:2] for k in kept}
    months = {(k.year, k.month) for k in kept}
    assert len(months) == 12 and len(weeks) >= 4 and len(kept) <= 7 + 4 + 12
    assert all(k.hour == 18 for k in kept)  # always the newest of its period


def test_the_daily_check_and_pruning_on_the_folder(desk, tmp_path):
    folder = tmp_path / "usb"
    assert daily_due(desk, folder)
    take_backup(desk, folder)
    assert not daily_due(desk, folder)
    stranger = folder / "ghi-chu.txt"
    stranger.write_text("không phải bản sao lưu")
    prefix = take_backup(desk, folder).path.name.rsplit("-", 2)[0]
    for days in range(1, 40):  # old files of this workstation, as if taken each day
        (folder / f"{prefix}-{(datetime.now(UTC) - timedelta(days=days)):%Y%m%d-%H%M%S}.mcbk").write_bytes(b"x")
    removed = take_backup(desk, folder).removed
    left = sorted(p.name for p in folder.glob("*.mcbk"))
    assert removed and len(left) <= 7 + 4 + 12 and stranger.exists()


def test_a_lost_backup_key_starts_a_new_recovery_key(desk, tmp_path):
    """A new Windows profile has an empty credential store: the next backup makes a new key and shows a
    new recovery key once; the old backups still open with the old recovery key."""
    first = take_backup(desk, tmp_path / "usb")
    keyring.delete_password(SERVICE, desk.settings().backup_key_id)
    second = take_backup(desk, tmp_path / "usb2")
    assert second.recovery_key and second.recovery_key != first.recovery_key
    assert decrypt_backup(first.path, first.recovery_key)[1].startswith(b"SQLite format 3")
    assert decrypt_backup(second.path)[1].startswith(b"SQLite format 3")


def test_the_backup_command_needs_an_administrator(desk, db_path, tmp_path, capsys, monkeypatch):
    from app.cli import main
    from app.services.officers import create_first_admin

    create_first_admin(desk, username="admin", full_name="Trần Văn Quản", password="quan-tri-123")
    receive_dossier(desk, birth())
    desk.db.dispose()
    usb = tmp_path / "usb"
    assert main(["--db", str(db_path), "backup", "--to", str(usb)]) == 2
    assert "đăng nhập" in capsys.readouterr().err and not usb.exists()
    monkeypatch.setenv("MOTCUA_PASSWORD", "quan-tri-123")
    assert main(["--db", str(db_path), "--user", "admin", "backup", "--to", str(usb)]) == 0
    out = capsys.readouterr().out
    assert "Đã sao lưu vào" in out and "KHÓA KHÔI PHỤC" in out and len(list(usb.glob("*.mcbk"))) == 1
