"""One process per database file: the desk, or one `motcua` command, never two at once.

A second desk would race the first for numbers and sync. Worse, any other process that opens the
file while the desk has it can delete the desk's write-ahead log when the desk's POSIX locks were
dropped (shared/domain.md §13.5). This lock is `flock` (a byte-range lock on Windows) on a separate
`<db>.lock` file: it belongs to the open file, not to the process, so a file dialog opening and
closing either file inside the desk never releases it, and a process that merely tries it and
fails leaves the holder's lock in place.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

from app.core.errors import DeskError


class AlreadyOpen(DeskError):
    code = "already_open"


class InstanceLock:
    """An OS file lock beside the database, released by the OS if the process dies."""

    def __init__(self, database: Path) -> None:
        # Resolved like open_database does, so a relative path or a link names the same lock.
        self.path = Path(f"{Path(database).expanduser().resolve()}.lock")
        self._handle: IO[str] | None = None

    def acquire(self) -> InstanceLock:
        handle = open(self.path, "a+")  # "a+": never truncates the holder's pid before we own the lock
        handle.seek(0)  # msvcrt locks bytes from the current position: everyone must lock byte 0
        try:
            _lock(handle)
        except OSError:
            handle.close()
            raise AlreadyOpen(
                "Phần mềm đang mở tệp dữ liệu này ở một cửa sổ khác (hoặc một lệnh motcua đang chạy trên "
                "nó). Hãy dùng cửa sổ đang mở (hoặc đóng nó, hay chờ lệnh chạy xong, rồi mở lại)."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle
        return self

    def release(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None


def _lock(handle: IO[str]) -> None:
    if os.name == "nt":
        import msvcrt

        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    else:
        import fcntl

        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
