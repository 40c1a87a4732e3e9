import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.store.instance_lock import AlreadyOpen, InstanceLock


def test_a_second_desk_on_the_same_file_is_refused(tmp_path):
    first = InstanceLock(tmp_path / "xa.sqlite").acquire()
    with pytest.raises(AlreadyOpen, match="đang mở tệp dữ liệu này"):
        InstanceLock(tmp_path / "xa.sqlite").acquire()
    InstanceLock(tmp_path / "other.sqlite").acquire().release()  # another file is fine
    first.release()
    InstanceLock(tmp_path / "xa.sqlite").acquire().release()  # free again once released


def _try_from_another_process(database) -> str:
    """Another process (a `motcua` command) tries the lock: "free" or "held"."""
    root = Path(__file__).resolve().parents[2]
    code = ("import sys\nfrom app.store.instance_lock import AlreadyOpen, InstanceLock\n"
            "try:\n    InstanceLock(sys.argv[1]).acquire().release()\n    print('free')\n"
            "except AlreadyOpen:\n    print('held')\n")
    done = subprocess.run([sys.executable, "-c", code, str(database)], capture_output=True, text=True, check=True,
                          env={**os.environ, "PYTHONPATH": str(root)})
    return done.stdout.strip()


def test_a_file_dialog_in_the_desk_does_not_release_the_lock_and_a_failed_try_leaves_it(tmp_path):
    """POSIX locks die when the process closes any descriptor of the file; this lock must not."""
    database = tmp_path / "xa.sqlite"
    database.write_bytes(b"")
    lock = InstanceLock(database).acquire()
    try:
        for name in (database, lock.path):  # what a dialog browsing the folder does, in the desk's process
            os.close(os.open(name, os.O_RDONLY))
        assert _try_from_another_process(database) == "held"
        assert _try_from_another_process(database) == "held"  # the first failed try did not release it
        assert lock.path.read_text() == str(os.getpid())  # nor wiped the holder's pid
    finally:
        lock.release()
    assert _try_from_another_process(database) == "free"


def test_a_relative_path_names_the_same_lock(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lock = InstanceLock(tmp_path / "xa.sqlite").acquire()
    try:
        with pytest.raises(AlreadyOpen):
            InstanceLock("xa.sqlite").acquire()
    finally:
        lock.release()
