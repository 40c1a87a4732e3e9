"""Attachments (scans) by SHA-256 on their own channel: HEAD says what the hub has, PUT appends a
chunk at a stated offset, the last chunk is checked against the hash. A large file never blocks
records: the desk uploads after its ops, and an upload cut anywhere resumes at the offset.

A blob belongs to a commune: each agency has a folder of its own, and a device reaches only its
agency's folder. Knowing a hash is not enough to learn that another commune holds a scan, nor to
add to its upload; the same scan sent by two communes is stored once for each. Files that an older
hub kept flat in the folder stay where they are (their desks already count them as uploaded).
"""

from __future__ import annotations

import hashlib
import re
import threading
from pathlib import Path

from sync.hub.admin import HubError

SHA256 = re.compile(r"^[0-9a-f]{64}$")
AGENCY_FOLDER = re.compile(r"^[0-9A-Z][0-9A-Z.]{0,19}$")  # a validated agency id: no "/", no leading "."
MAX_BLOB = 50 * 1024 * 1024
CHUNK = 1024 * 1024  # what the desk sends (app/sync/client.py)
CHUNK_LIMIT = CHUNK + 64 * 1024  # the largest PUT body the hub reads (sync/hub/limits.py)


class BlobStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._locks: dict[Path, threading.Lock] = {}
        self._guard = threading.Lock()

    def _paths(self, agency_id: str, sha: str) -> tuple[Path, Path]:
        if not SHA256.match(sha):
            raise HubError(400, "bad_hash", "Mã băm tệp không hợp lệ: phải gồm 64 chữ số thập lục phân viết thường.")
        if not AGENCY_FOLDER.match(agency_id):
            raise HubError(403, "bad_agency", "Máy trạm không thuộc một xã hợp lệ.")
        folder = self.folder / agency_id
        return folder / sha, folder / f"{sha}.part"

    def path(self, agency_id: str, sha: str) -> Path:
        """Where a complete blob of this commune lies."""
        return self._paths(agency_id, sha)[0]

    def _lock(self, final: Path) -> threading.Lock:
        """One writer per blob: two requests appending at the same offset must not both succeed."""
        with self._guard:
            return self._locks.setdefault(final, threading.Lock())

    def state(self, agency_id: str, sha: str) -> tuple[bool, int]:
        """(complete, bytes held so far) of this commune's copy."""
        final, partial = self._paths(agency_id, sha)
        if final.exists():
            return True, final.stat().st_size
        return False, partial.stat().st_size if partial.exists() else 0

    def append(self, agency_id: str, sha: str, offset: int, chunk: bytes, last: bool) -> tuple[bool, int]:
        final, partial = self._paths(agency_id, sha)
        with self._lock(final):
            return self._append(final, partial, sha, offset, chunk, last)

    @staticmethod
    def _append(final: Path, partial: Path, sha: str, offset: int, chunk: bytes, last: bool) -> tuple[bool, int]:
        if final.exists():
            return True, final.stat().st_size
        held = partial.stat().st_size if partial.exists() else 0
        if offset != held:
            raise HubError(409, "wrong_offset", f"Hệ thống đang có {held} byte của tệp này; hãy gửi tiếp từ đó.")
        if len(chunk) > CHUNK_LIMIT or held + len(chunk) > MAX_BLOB:
            raise HubError(413, "too_large", "Tệp đính kèm quá lớn.")
        partial.parent.mkdir(exist_ok=True)
        with partial.open("ab") as handle:
            handle.write(chunk)
        if not last:
            return False, held + len(chunk)
        digest = hashlib.sha256()
        with partial.open("rb") as handle:
            while block := handle.read(CHUNK):
                digest.update(block)
        if digest.hexdigest() != sha:
            partial.unlink()
            raise HubError(422, "hash_mismatch", "Tệp nhận được không khớp mã băm; máy trạm sẽ gửi lại từ đầu.")
        partial.replace(final)
        return True, final.stat().st_size
