"""Backups that restore (issue 9): consistent while the desk runs, encrypted, kept 7/4/12.

- Taken with SQLite's online backup API into memory in one step, so the copy is one consistent
  snapshot even while the desk writes (WAL: the copy never blocks a writer), and no plain copy
  ever touches a disk, a USB stick or a network share.
- Compressed, then encrypted with AES-256-GCM under a fresh data key per file. The data key is
  wrapped twice: with the desk's backup key from the OS credential store (Windows Credential
  Manager), and to the commune's recovery key, an X25519 key pair whose private half is shown once
  (for the commune's safe) and never stored — so a backup restores on a new PC after the old disk,
  and its credential store, died. The header (commune, workstation, time, chain head) is
  authenticated with the body.
- Kept 7 daily, 4 weekly and 12 monthly: the newest file of each of the last 7 days, 4 ISO weeks
  and 12 months that have one; the rest of this workstation's files in that folder are deleted.
- A restore decrypts, checks `PRAGMA integrity_check` and the audit chain, keeps the current file
  aside, puts the backup in place, chains a `desk.restored` op, and marks the desk so its next sync
  takes back from cursor 0 everything the hub has, its own sent changes included (ops it still
  queues are answered `duplicate` by op id); receipt numbering then resumes after the highest
  number the hub knew in this workstation's ranges, dossier codes after the highest code.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import sqlite3
import uuid
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import keyring
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from keyring.errors import KeyringError, NoKeyringError
from sqlalchemy import create_engine, func, select, text, update

from app.core.errors import DeskError
from app.services.audit import verify_connection
from app.services.clock import show
from app.services.desk import Desk
from app.services.outbox import enqueue, last_link
from app.services.settings import save_settings
from app.store.models import Receipt, ReceiptSeries
from sync.chain import RESTORED_KIND
from sync.ops import DeskRestored

log = logging.getLogger(__name__)
MAGIC = b"MOTCUA-BACKUP-1\n"
SUFFIX = ".mcbk"
SERVICE = "motcua-backup"
KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12
DEK_AAD, RECOVERY_INFO = b"motcua-backup-data-key", b"motcua-backup-recovery"
S, R = ReceiptSeries.__table__, Receipt.__table__


class BackupError(DeskError):
    code = "backup"


NO_KEYRING = ("Máy này không có kho mật khẩu của hệ điều hành để cất khóa sao lưu. Trên Windows, hãy đăng nhập "
              "bằng tài khoản người dùng bình thường (Credential Manager); trên Linux, hãy cài và mở khóa GNOME "
              "Keyring hoặc KWallet. Vẫn có thể khôi phục bằng khóa khôi phục.")


@dataclass(frozen=True)
class BackupDone:
    path: Path
    taken_at: datetime
    size: int
    removed: list[Path]
    recovery_key: str = ""  # only on the very first backup: shown once, never stored

    @property
    def message(self) -> str:
        lines = [f"Đã sao lưu vào {self.path} ({self.size / 1024 / 1024:.1f} MB, lúc {show(self.taken_at)})."]
        if self.removed:
            lines.append(f"Đã xóa {len(self.removed)} bản sao lưu cũ theo lịch giữ 7 ngày / 4 tuần / 12 tháng.")
        if self.recovery_key:
            lines.append(RECOVERY_NOTICE.format(key=self.recovery_key))
        return "\n".join(lines)


RECOVERY_NOTICE = ("KHÓA KHÔI PHỤC (chỉ hiện MỘT LẦN — hãy in hoặc chép tay, niêm phong và cất vào tủ an toàn của "
                   "xã; cần nó để khôi phục khi máy này hỏng):\n    {key}")


@dataclass(frozen=True)
class Restored:
    path: Path
    kept_aside: Path | None
    taken_at: datetime
    dossiers: int
    receipts: int

    @property
    def message(self) -> str:
        aside = f" Tệp cũ được giữ lại tại {self.kept_aside}." if self.kept_aside else ""
        return (f"Đã khôi phục bản sao lưu lúc {show(self.taken_at)}: {self.dossiers} hồ sơ, {self.receipts} biên lai; "
                f"tệp toàn vẹn, chuỗi kiểm toán nguyên vẹn.{aside} Lần đồng bộ tới sẽ nhận lại từ hệ thống cấp trên "
                "những gì đã làm sau thời điểm sao lưu.")


# -- keys --------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text_value: str) -> bytes:
    return base64.b64decode(text_value.encode())


def format_recovery_key(private: X25519PrivateKey) -> str:
    raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    letters = base64.b32encode(raw).decode().rstrip("=")
    return "-".join(letters[i:i + 4] for i in range(0, len(letters), 4))


def parse_recovery_key(typed: str) -> X25519PrivateKey:
    letters = "".join(ch for ch in typed.upper() if ch.isalnum())
    try:
        raw = base64.b32decode(letters + "=" * (-len(letters) % 8))
        if len(raw) != 32:
            raise ValueError(len(raw))
        return X25519PrivateKey.from_private_bytes(raw)
    except ValueError:
        raise BackupError("Khóa khôi phục không đúng dạng (52 ký tự chữ và số, chia nhóm 4 bằng dấu gạch).") from None


def _keyring_get(key_id: str) -> bytes | None:
    try:
        stored = keyring.get_password(SERVICE, key_id)
    except (NoKeyringError, KeyringError):
        return None
    return _unb64(stored) if stored else None


def _keyring_set(key_id: str, key: bytes) -> None:
    try:
        keyring.set_password(SERVICE, key_id, _b64(key))
    except (NoKeyringError, KeyringError):
        raise BackupError(NO_KEYRING) from None


def _recovery_kek(shared: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=RECOVERY_INFO).derive(shared)


def _wrap_for_recovery(public_b64: str, dek: bytes) -> dict[str, str]:
    ephemeral = X25519PrivateKey.generate()
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(_unb64(public_b64)))
    nonce = os.urandom(12)
    box = AESGCM(_recovery_kek(shared)).encrypt(nonce, dek, DEK_AAD)
    epk = ephemeral.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"epk": _b64(epk), "box": _b64(nonce + box)}


def _unwrap_with_recovery(private: X25519PrivateKey, wrapped: dict[str, str]) -> bytes:
    shared = private.exchange(X25519PublicKey.from_public_bytes(_unb64(wrapped["epk"])))
    box = _unb64(wrapped["box"])
    return AESGCM(_recovery_kek(shared)).decrypt(box[:12], box[12:], DEK_AAD)


@dataclass(frozen=True)
class Keys:
    key_id: str
    os_key: bytes
    recovery_public: str
    new_recovery_key: str = ""


def ensure_keys(desk: Desk) -> Keys:
    """The desk's backup key (OS credential store) and the recovery public key (a setting). Made on
    the first backup, when the recovery key is shown once."""
    settings = desk.settings()
    if settings.backup_key_id and settings.backup_recovery_public:
        os_key = _keyring_get(settings.backup_key_id)
        if os_key is not None:
            return Keys(settings.backup_key_id, os_key, settings.backup_recovery_public)
        # The credential store lost the key (a new Windows profile, a restored PC): start a new key and
        # recovery key, shown once like the first; older backups still open with the old recovery key.
        log.warning("backup key %s missing from the credential store; making a new one", settings.backup_key_id)
    key_id, os_key = str(uuid.uuid4()), AESGCM.generate_key(bit_length=256)
    private = X25519PrivateKey.generate()
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    _keyring_set(key_id, os_key)
    with desk.write() as connection:
        save_settings(connection, by=desk.actor, backup_key_id=key_id, backup_recovery_public=_b64(public))
    desk.forget_cached()
    return Keys(key_id, os_key, _b64(public), format_recovery_key(private))


# -- taking a backup ---------------------------------------------------------------------------


def snapshot(desk: Desk) -> bytes:
    """The whole database as one consistent image, through the online backup API, in one step."""
    memory = sqlite3.connect(":memory:")
    try:
        with desk.db.reader.connect() as connection:
            source = connection.connection.dbapi_connection
            source.backup(memory)  # pages=-1: one step, one read transaction, one snapshot
        if memory.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError("Tệp dữ liệu đang có lỗi toàn vẹn; không sao lưu một bản hỏng. Hãy báo kỹ thuật.")
        return memory.serialize()
    finally:
        memory.close()


def _private_folder(folder: Path) -> Path:
    folder = folder.expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as error:
        raise BackupError(f"Không tạo được thư mục sao lưu {folder} ({error.strerror}). Hãy kiểm tra ổ USB hoặc "
                          "thư mục mạng.") from None
    return folder


def default_folder(desk: Desk) -> Path:
    chosen = desk.settings().backup_folder
    return Path(chosen) if chosen else desk.db.path.parent / "sao-luu"


def _prefix(desk: Desk) -> str:
    settings = desk.settings()
    return f"motcua-{settings.agency_id or 'xa'}-may{settings.workstation_no}-"


def _write_private(path: Path, data: bytes) -> None:
    """Written whole under a temporary name, synced, then renamed: a cut power or a pulled USB stick
    leaves either the old set of files or the new one, never a torn backup."""
    partial = path.with_name(path.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Không ghi được bản sao lưu vào {path.parent} ({error.strerror}).") from None
    os.replace(partial, path)


def take_backup(desk: Desk, folder: Path | None = None) -> BackupDone:
    """Back up now; returns the recovery key once, on the first backup ever."""
    keys = ensure_keys(desk)
    target = _private_folder(folder or default_folder(desk))
    taken_at = datetime.now(UTC)
    image = snapshot(desk)
    with desk.read() as connection:
        head = last_link(connection)
    settings = desk.settings()
    dek, nonce, wrap_nonce = AESGCM.generate_key(bit_length=256), os.urandom(12), os.urandom(12)
    header = {"v": 1, "agency_id": settings.agency_id, "commune": settings.commune_name,
              "workstation_no": settings.workstation_no, "taken_at": taken_at.isoformat(), "chain_head": head,
              "key_id": keys.key_id, "nonce": _b64(nonce),
              "os_wrap": _b64(wrap_nonce + AESGCM(keys.os_key).encrypt(wrap_nonce, dek, DEK_AAD)),
              "recovery_wrap": _wrap_for_recovery(keys.recovery_public, dek)}
    header_line = json.dumps(header, ensure_ascii=False, sort_keys=True).encode() + b"\n"
    body = AESGCM(dek).encrypt(nonce, zlib.compress(image, 6), MAGIC + header_line)
    path = target / f"{_prefix(desk)}{taken_at:%Y%m%d-%H%M%S}{SUFFIX}"
    _write_private(path, MAGIC + header_line + body)
    removed = prune(target, _prefix(desk))
    log.info("backup written to %s (%d bytes, %d old ones removed)", path, len(body), len(removed))
    return BackupDone(path, taken_at, len(body), removed, keys.new_recovery_key)


def _stamp(path: Path, prefix: str) -> datetime | None:
    try:
        return datetime.strptime(path.name[len(prefix):-len(SUFFIX)], "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def keep_set(stamps: list[datetime]) -> set[datetime]:
    """7 daily, 4 weekly, 12 monthly: the newest of each of the last periods that have a backup."""
    newest_first = sorted(stamps, reverse=True)
    kept: set[datetime] = set()
    for period, count in ((lambda d: d.date(), KEEP_DAILY), (lambda d: d.isocalendar()[:2], KEEP_WEEKLY),
                          (lambda d: (d.year, d.month), KEEP_MONTHLY)):
        seen: list[Any] = []
        for stamp in newest_first:
            key = period(stamp)
            if key not in seen:
                seen.append(key)
                if len(seen) > count:
                    break
                kept.add(stamp)
    return kept


def prune(folder: Path, prefix: str) -> list[Path]:
    """Deletes this workstation's backups the schedule no longer keeps; other files are never touched."""
    files = {stamp: path for path in folder.glob(f"{prefix}*{SUFFIX}") if (stamp := _stamp(path, prefix))}
    keep = keep_set(list(files))
    removed = []
    for stamp, path in files.items():
        if stamp not in keep:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def backups_in(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"motcua-*{SUFFIX}"), reverse=True) if folder.is_dir() else []


def daily_due(desk: Desk, folder: Path | None = None, today: date | None = None) -> bool:
    """True when today (local date) has no backup of this workstation yet: the desk's hourly check."""
    from app.services.clock import to_local

    target = folder or default_folder(desk)
    day = today or to_local(datetime.now(UTC)).date()
    prefix = _prefix(desk)
    return not any((stamp := _stamp(path, prefix)) and to_local(stamp).date() == day
                   for path in (target.glob(f"{prefix}*{SUFFIX}") if target.is_dir() else []))


# -- restoring ---------------------------------------------------------------------------------


def read_header(path: Path) -> tuple[dict[str, Any], bytes, bytes]:
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise BackupError(f"Không đọc được tệp sao lưu {path} ({error.strerror}).") from None
    if not data.startswith(MAGIC) or b"\n" not in data[len(MAGIC):]:
        raise BackupError(f"Tệp {path} không phải bản sao lưu của phần mềm Một cửa.")
    end = data.index(b"\n", len(MAGIC)) + 1
    header_line = data[len(MAGIC):end]
    try:
        header = json.loads(header_line)
    except ValueError:
        raise BackupError(f"Phần đầu của tệp sao lưu {path} bị hỏng.") from None
    return header, header_line, data[end:]


def decrypt_backup(path: Path, recovery_key: str | None = None) -> tuple[dict[str, Any], bytes]:
    """The header and the database image; refuses a wrong key or a file changed in any byte."""
    header, header_line, body = read_header(path)
    try:
        if recovery_key:
            dek = _unwrap_with_recovery(parse_recovery_key(recovery_key), header["recovery_wrap"])
        else:
            os_key = _keyring_get(header["key_id"])
            if os_key is None:
                raise BackupError("Máy này không có khóa của bản sao lưu này (máy mới, hoặc kho mật khẩu đã mất). "
                                  "Hãy nhập khóa khôi phục được cất trong tủ an toàn của xã.")
            wrapped = _unb64(header["os_wrap"])
            dek = AESGCM(os_key).decrypt(wrapped[:12], wrapped[12:], DEK_AAD)
    except InvalidTag:
        raise BackupError("Khóa khôi phục không đúng với bản sao lưu này.") from None
    except (KeyError, TypeError, ValueError):
        raise BackupError(f"Phần đầu của tệp sao lưu {path} bị hỏng.") from None
    try:
        image = zlib.decompress(AESGCM(dek).decrypt(_unb64(header["nonce"]), body, MAGIC + header_line))
    except (InvalidTag, zlib.error):
        raise BackupError(f"Tệp sao lưu {path} đã bị hỏng hoặc bị sửa; không khôi phục từ tệp này.") from None
    return header, image


def _check_image(candidate: Path) -> tuple[int, int]:
    """Integrity, then the audit chain, of the decrypted file; returns (dossiers, receipts)."""
    raw = sqlite3.connect(candidate)
    try:
        if raw.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("Bản sao lưu không toàn vẹn (PRAGMA integrity_check); không khôi phục từ tệp này.")
    finally:
        raw.close()
    engine = create_engine(f"sqlite+pysqlite:///{candidate}")
    try:
        with engine.connect() as connection:
            verdict = verify_connection(connection)
            dossiers = connection.execute(text("SELECT count(*) FROM dossier")).scalar() or 0
            receipts = connection.execute(text("SELECT count(*) FROM receipt")).scalar() or 0
    finally:
        engine.dispose()
    if not verdict.ok:
        raise BackupError(f"Chuỗi kiểm toán của bản sao lưu không nguyên vẹn, không khôi phục: {verdict.message}")
    return dossiers, receipts


def _set_aside(db_path: Path, stamp: str) -> Path | None:
    if not db_path.exists():
        return None
    aside = db_path.with_name(f"{db_path.name}.truoc-khoi-phuc-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{db_path}{suffix}")
        if source.exists():
            os.replace(source, Path(f"{aside}{suffix}"))
    return aside


def restore_file(db_path: Path, backup: Path, *, recovery_key: str | None = None, actor: str) -> Restored:
    """Put a backup in place of `db_path` (the caller holds the instance lock, nothing has it open)."""
    from app.store.engine import open_database

    header, image = decrypt_backup(backup, recovery_key)
    db_path = db_path.expanduser().resolve()
    db_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    candidate = db_path.with_name(f"{db_path.name}.khoi-phuc")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{candidate}{suffix}").unlink(missing_ok=True)
    _write_private(candidate, image)
    try:
        dossiers, receipts = _check_image(candidate)
    except BackupError:
        candidate.unlink(missing_ok=True)
        raise
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = _set_aside(db_path, stamp)
    os.replace(candidate, db_path)
    taken_at = datetime.fromisoformat(header["taken_at"])
    database = open_database(db_path)  # a backup from an older version is migrated here
    try:
        desk = Desk(database, actor=actor)
        _mark_restored(desk, taken_at)
    finally:
        database.dispose()
    log.warning("database %s restored from %s (taken %s); the old file kept as %s", db_path, backup, taken_at, aside)
    return Restored(db_path, aside, taken_at, dossiers, receipts)


def _mark_restored(desk: Desk, taken_at: datetime) -> None:
    """Chain the restore (the hub accepts the fork it starts) and ask the next sync for everything."""
    now = datetime.now(UTC)
    ref = str(uuid.uuid4())
    with desk.write() as connection:
        head = last_link(connection)
        record = DeskRestored(ref=ref, actor=desk.actor, at=now, backup_head=head, backup_taken_at=taken_at)
        enqueue(connection, entity="desk", entity_id=ref, kind=RESTORED_KIND, payload=record.wire(),
                actor=desk.actor, device_time=now)
        save_settings(connection, sync_cursor=0, restore_pending=taken_at.isoformat())
    desk.forget_cached()


def finish_restore(desk: Desk) -> None:
    """After the first full pull of a restored desk: its receipt ranges resume after the highest
    number the hub knew in them (its own receipts came back on the pulled series), and the desk
    stops asking for its own changes. Dossier codes already moved past each pulled code."""
    with desk.write() as connection:
        for series in connection.execute(select(S).where(S.c.source != "pulled")).all():
            highest = connection.execute(
                select(func.max(R.c.number)).join(S, S.c.id == R.c.series_id).where(
                    S.c.template_symbol == series.template_symbol, S.c.series_symbol == series.series_symbol,
                    R.c.number.between(series.first_number, series.last_number))).scalar()
            if highest is not None and highest + 1 > series.next_number:
                connection.execute(update(S).where(S.c.id == series.id).values(next_number=highest + 1))
        save_settings(connection, restore_pending="")
    desk.forget_cached()


def backup_age(desk: Desk, folder: Path | None = None) -> timedelta | None:
    """How old this workstation's newest backup in the folder is (None: there is none)."""
    prefix = _prefix(desk)
    target = folder or default_folder(desk)
    stamps = [s for p in (target.glob(f"{prefix}*{SUFFIX}") if target.is_dir() else []) if (s := _stamp(p, prefix))]
    return datetime.now(UTC) - max(stamps) if stamps else None
