"""Durability proven, not assumed: SIGKILL at random moments, and concurrent writers."""

import fcntl
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from app.core.receipts import SeriesSpec
from app.services.commune import CommuneSetup, init_commune
from app.services.desk import Desk
from app.services.receipts import add_series, issue_receipt
from app.services.reception import ReceptionInput, receive_dossier
from app.store.engine import open_database

ROOT = Path(__file__).resolve().parent.parent
KILLS = 50


def prepare(path: Path, first: int = 1) -> None:
    database = open_database(path)
    desk = Desk(database, actor="setup")
    init_commune(desk, CommuneSetup("000.17.22.H56", "Xã Quảng Phú", workstation_no=3))
    add_series(desk, SeriesSpec("paper", "01BLP0-001", "AA/26T", first, 99_999))
    database.dispose()


def check_invariants(path: Path, first: int = 1) -> dict:
    c = sqlite3.connect(path)
    assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    numbers = [n for (n,) in c.execute("SELECT number FROM receipt ORDER BY number")]
    assert numbers == list(range(first, first + len(numbers))), "receipt numbers have a gap or a duplicate"
    codes = [code for (code,) in c.execute("SELECT code FROM dossier")]
    assert len(codes) == len(set(codes)), "a dossier code repeats"
    orphans = c.execute("SELECT count(*) FROM dossier d WHERE NOT EXISTS "
                        "(SELECT 1 FROM event e WHERE e.dossier_id = d.id AND e.kind = 'received')").fetchone()[0]
    assert orphans == 0, "a dossier has no 'received' event"
    missing_ops = c.execute("SELECT count(*) FROM event e WHERE NOT EXISTS (SELECT 1 FROM outbox o "
                            "WHERE o.entity_id = (SELECT uid FROM dossier WHERE id = e.dossier_id) "
                            "AND o.payload LIKE '%' || e.uid || '%')").fetchone()[0]
    assert missing_ops == 0, "an event has no outbox row"
    receipt_ops = c.execute("SELECT count(*) FROM outbox WHERE kind = 'receipt.issued'").fetchone()[0]
    assert receipt_ops == len(numbers), "a receipt has no outbox row"
    series_next = c.execute("SELECT next_number FROM receipt_series").fetchone()[0]
    assert series_next == first + len(numbers)
    return {"codes": set(codes), "numbers": set(numbers)}


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing_confirmed(tmp_path):
    path = tmp_path / "kill.sqlite"
    prepare(path)
    rng = random.Random(7)
    confirmed_codes, confirmed_numbers = set(), set()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(KILLS):
        worker = subprocess.Popen([sys.executable, str(ROOT / "tests/helpers/kill_worker.py"), str(path),
                                   str(rng.randrange(10**9))], stdout=subprocess.PIPE, text=True, env=env)
        assert worker.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.25))
        worker.send_signal(signal.SIGKILL)
        out, _ = worker.communicate()
        for line in out.splitlines():
            kind, _, value = line.partition(" ")
            if kind == "dossier":
                confirmed_codes.add(value)
            elif kind == "receipt":
                confirmed_numbers.add(int(value))
        check_invariants(path)
    final = check_invariants(path)
    assert confirmed_codes <= final["codes"], "a dossier confirmed to the official was lost"
    assert confirmed_numbers <= final["numbers"], "a receipt confirmed to the official was lost"
    assert len(final["numbers"]) > KILLS  # the loop really ran between kills


def test_concurrent_callers_on_one_file_never_share_a_number(tmp_path):
    path = tmp_path / "busy.sqlite"
    prepare(path, first=500)
    errors = []

    def work(name: str) -> None:
        database = open_database(path)
        desk = Desk(database, actor=name)
        try:
            for _ in range(25):
                got = receive_dossier(desk, ReceptionInput("2.000884", f"Người nộp {name}"))
                issue_receipt(desk, dossier_uid=got.uid)
        except Exception as error:  # surfaced below: a thread's failure must fail the test
            errors.append(error)
        finally:
            database.dispose()

    threads = [threading.Thread(target=work, args=(f"t{i}",)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    final = check_invariants(path, first=500)
    assert len(final["numbers"]) == 100 and len(final["codes"]) == 100


def test_the_invariant_check_catches_a_gap(tmp_path):
    path = tmp_path / "gap.sqlite"
    prepare(path)
    database = open_database(path)
    desk = Desk(database, actor="x")
    for _ in range(3):
        issue_receipt(desk, dossier_uid=receive_dossier(desk, ReceptionInput("2.000884", "Nguyễn Văn A")).uid)
    database.dispose()
    with sqlite3.connect(path) as c:
        c.execute("DELETE FROM receipt WHERE number = 2")
    with pytest.raises(AssertionError, match="gap"):
        check_invariants(path)


# --- What runs beside an open desk (issue 8 §1, shared/domain.md §13.5) -------------------------


class DeskProcess:
    """tests/helpers/desk_worker.py in its own process: a desk open on `path`, driven by commands."""

    def __init__(self, path: Path) -> None:
        self.process = subprocess.Popen([sys.executable, str(ROOT / "tests/helpers/desk_worker.py"), str(path)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=ENV)
        assert self.process.stdout.readline().strip() == "ready"

    def ask(self, command: str) -> list[str]:
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline().split()
        assert answer[:1] == ["ok"], f"the desk failed to {command}"
        return answer[1:]

    def receive(self) -> tuple[str, int]:
        code, number = self.ask("receive")
        return code, int(number)

    def end(self, how: str) -> None:
        """"close" as the official closes the window; "power cut" as the power goes (SIGKILL)."""
        if how == "close":
            self.ask("close")
        else:
            self.process.send_signal(signal.SIGKILL)
        self.process.communicate(timeout=60)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.communicate()


ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
REFUSED = "đang mở trong cửa sổ làm việc"


def desk_holds_sqlite_locks(path: Path) -> bool:
    """Does another process hold SQLite's SHARED lock on the file (as every open WAL connection does)?

    Tried from this process with a POSIX write lock on SQLite's shared-lock bytes, released at once.
    Only this test opens the file so, never SQLite: the desk's locks are untouched by it."""
    shared_first, shared_size = 0x40000000 + 2, 510  # PENDING_BYTE + 2, as in SQLite's os_unix.c
    descriptor = os.open(path, os.O_RDWR)
    try:
        fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB, shared_size, shared_first)
    except OSError:
        return True
    finally:
        os.close(descriptor)
    return False


def motcua(path: Path, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "app.cli", "--db", str(path), *command],
                          capture_output=True, text=True, env=ENV, timeout=120)


@pytest.mark.slow
@pytest.mark.parametrize("ending", ["close", "power cut"])
def test_motcua_beside_a_desk_whose_locks_a_file_dialog_dropped_loses_nothing(tmp_path, ending):
    path = tmp_path / "xa.sqlite"
    prepare(path)
    source = tmp_path / "hoso.json"
    source.write_text(json.dumps({"procedure": "2.000815", "owner_name": "Trần Thị Dòng Lệnh"}), encoding="utf-8")
    desk = DeskProcess(path)
    try:
        confirmed = [desk.receive()]
        assert desk_holds_sqlite_locks(path)
        desk.ask("drop-locks")  # the official browses the folder in "Lưu thành tệp PDF"
        assert not desk_holds_sqlite_locks(path), "the scenario is not armed: SQLite's locks are still held"
        for command in (["search", "nguyen van"], ["receive", str(source)],
                        ["due-date", "--procedure", "2.000815", "--received", "2026-11-20T15:30"]):
            done = motcua(path, *command)
            assert done.returncode == 2 and REFUSED in done.stderr, (command, done.stderr)
            assert "đóng cửa sổ đó rồi chạy lại lệnh" in done.stderr and not done.stdout
            assert Path(f"{path}-wal").exists(), f"motcua {command[0]} deleted the desk's write-ahead log"
            assert Path(f"{path}.lock").read_text() == str(desk.process.pid)  # the desk still holds its lock
        confirmed += [desk.receive(), desk.receive()]
        desk.end(ending)
    finally:
        desk.kill()
    final = check_invariants(path)
    assert final["codes"] == {code for code, _ in confirmed}, "a confirmed dossier was lost (or the CLI wrote)"
    assert final["numbers"] == {number for _, number in confirmed} == {1, 2, 3}
    found = motcua(path, "search", "nguyen van ban")  # once the desk is closed, the command runs
    assert found.returncode == 0 and len(found.stdout.splitlines()) == 3


@pytest.mark.slow
@pytest.mark.parametrize("dropped", [True, False])
def test_without_the_guard_a_second_process_deletes_the_desks_log(tmp_path, dropped):
    """What the old `motcua search` did: open the file with SQLite beside the desk, read, close.

    With the desk's locks dropped, the second process takes itself for the last connection,
    checkpoints and deletes the write-ahead log the desk keeps writing to: the dossiers received
    afterwards live only in a deleted file and are gone at the next power cut. With the locks in
    place the same reader is harmless, which shows the locks were what protected the desk."""
    path = tmp_path / "xa.sqlite"
    prepare(path)
    desk = DeskProcess(path)
    try:
        first = desk.receive()
        if dropped:
            desk.ask("drop-locks")
        assert desk_holds_sqlite_locks(path) is not dropped
        reader = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
                  "print(c.execute('SELECT count(*) FROM dossier').fetchone()[0]); c.close()")
        assert subprocess.run([sys.executable, "-c", reader, str(path)], capture_output=True, text=True,
                              check=True).stdout.strip() == "1"
        assert Path(f"{path}-wal").exists() is not dropped
        later = [desk.receive(), desk.receive()]
        desk.end("power cut")
    finally:
        desk.kill()
    final = check_invariants(path)
    if dropped:
        assert final["codes"] == {first[0]}, "the old path did not lose the later dossiers: the test proves nothing"
        assert final["numbers"] == {first[1]}
    else:
        assert final["codes"] == {code for code, _ in [first, *later]}
