"""One desk process per database file: a second one would race the first for numbers and sync."""

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
        self.path = Path(f"{database}.lock")
        self._handle: IO[str] | None = None

    def acquire(self) -> InstanceLock:
        handle = open(self.path, "a+")
        try:
            _lock(handle)
        except OSError:
            handle.close()
            raise AlreadyOpen(
                "Phần mềm đang mở tệp dữ liệu này ở một cửa sổ khác. Hãy dùng cửa sổ đang mở "
                "(hoặc đóng nó trước khi mở lại)."
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
