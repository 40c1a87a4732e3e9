"""Attachments (scans) by SHA-256 on their own channel: HEAD says what the hub has, PUT appends a
chunk at a stated offset, the last chunk is checked against the hash. A large file never blocks
records: the desk uploads after its ops, and an upload cut anywhere resumes at the offset."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from sync.hub.admin import HubError

SHA256 = re.compile(r"^[0-9a-f]{64}$")
MAX_BLOB = 50 * 1024 * 1024
CHUNK_LIMIT = 2 * 1024 * 1024


class BlobStore:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    def _paths(self, sha: str) -> tuple[Path, Path]:
        if not SHA256.match(sha):
            raise HubError(400, "bad_hash", "Mã băm tệp không hợp lệ.")
        return self.folder / sha, self.folder / f"{sha}.part"

    def state(self, sha: str) -> tuple[bool, int]:
        """(complete, bytes held so far)."""
        final, partial = self._paths(sha)
        if final.exists():
            return True, final.stat().st_size
        return False, partial.stat().st_size if partial.exists() else 0

    def append(self, sha: str, offset: int, chunk: bytes, last: bool) -> tuple[bool, int]:
        final, partial = self._paths(sha)
        if final.exists():
            return True, final.stat().st_size
        held = partial.stat().st_size if partial.exists() else 0
        if offset != held:
            raise HubError(409, "wrong_offset", f"Hệ thống đang có {held} byte của tệp này; hãy gửi tiếp từ đó.")
        if len(chunk) > CHUNK_LIMIT or held + len(chunk) > MAX_BLOB:
            raise HubError(413, "too_large", "Tệp đính kèm quá lớn.")
        with partial.open("ab") as handle:
            handle.write(chunk)
        if not last:
            return False, held + len(chunk)
        digest = hashlib.sha256(partial.read_bytes()).hexdigest()
        if digest != sha:
            partial.unlink()
            raise HubError(422, "hash_mismatch", "Tệp nhận được không khớp mã băm; máy trạm sẽ gửi lại từ đầu.")
        partial.replace(final)
        return True, final.stat().st_size
