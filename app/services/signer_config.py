"""Where the collector's signing key comes from: one function returns a KeyHolder or raises
SignerUnavailable, so that an e-receipt is never issued unsigned.

Settings say which kind (DeskSettings.signer_kind):
- "pkcs12": a certificate file (.p12/.pfx; a relative path lies beside the database, as the demo
  commune's does); its password lives in the OS credential store (Windows Credential Manager),
  never in the database or a log, like the device token (app/sync/credentials.py, which services
  may not import: the same keyring pattern is repeated here).
- "pkcs11": a USB token through its PKCS#11 library (`signer_path`), the token's label, and its
  PIN in the credential store.
- "demo": the demo commune's PKCS#12 file, whose password is published here (DEMO_PASSWORD): its
  certificate says it has no legal value, and the demo must sign on any PC, with or without an OS
  credential store (a bare Linux has none). A file whose certificate is not such a demo is refused.

The software key is loaded once per file version and kept: opening a PKCS#12 (key derivation,
RSA key parsing) would cost more than signing itself, and the receipt's transaction should stay
short. The file is looked at (stat) on every call, so a removed or replaced file is seen at once.
"""

from __future__ import annotations

import threading
from pathlib import Path

import keyring
from keyring.errors import KeyringError, NoKeyringError

from app.services.settings import DeskSettings
from ereceipt.keys import DEMO_SUBJECT, PLUG_IN_TOKEN, Pkcs11Signer, Pkcs12Signer
from ereceipt.signing import KeyHolder, SignerUnavailable

SERVICE = "motcua-desk-signer"
PKCS12, PKCS11, DEMO = "pkcs12", "pkcs11", "demo"
KINDS = {PKCS11: "Thiết bị ký số USB (token, PKCS#11)", PKCS12: "Tệp chứng thư số (.p12, .pfx)",
         DEMO: "Chứng thư thử nghiệm của xã mẫu (không có giá trị pháp lý)"}
DEMO_PASSWORD = "xa-mau-khong-co-gia-tri"
NOT_CONFIGURED = ("Chưa cài đặt chữ ký số để lập biên lai điện tử. Hãy khai báo thiết bị ký số (USB token) "
                  "hoặc tệp chứng thư số của cơ quan ở màn hình «Danh mục và cài đặt», trang «Biên lai điện tử». "
                  "Biên lai chưa được lập.")
NO_KEYRING = ("Máy này không có kho mật khẩu của hệ điều hành để cất mật khẩu chữ ký số an toàn. Trên Windows, "
              "hãy đăng nhập bằng tài khoản người dùng bình thường (Credential Manager). Biên lai chưa được lập.")
NO_SECRET = ("Chưa lưu mật khẩu (mã PIN) của chữ ký số trên máy này. Hãy nhập lại ở trang «Biên lai điện tử» "
             "của màn hình «Danh mục và cài đặt». "
             "Biên lai chưa được lập.")

_loaded: dict[tuple[str, int, int, str], Pkcs12Signer] = {}
_loading = threading.Lock()


def _account(kind: str, where: str, label: str = "") -> str:
    return f"{kind}|{where}|{label}" if kind == PKCS11 else f"{kind}|{where}"


def key_path(settings: DeskSettings, base: Path | None) -> Path:
    """The configured file or library; a relative path is read beside the database."""
    path = Path(settings.signer_path).expanduser()
    return path if path.is_absolute() or base is None else base / path


def save_secret(settings: DeskSettings, secret: str, base: Path | None = None) -> None:
    """Keep the PKCS#12 password or the token's PIN in the OS credential store."""
    where = str(key_path(settings, base).resolve())
    try:
        keyring.set_password(SERVICE, _account(settings.signer_kind, where, settings.signer_token_label), secret)
    except (NoKeyringError, KeyringError):
        raise SignerUnavailable(NO_KEYRING) from None


def _secret(settings: DeskSettings, path: Path) -> str:
    try:
        secret = keyring.get_password(SERVICE, _account(settings.signer_kind, str(path.resolve()),
                                                        settings.signer_token_label))
    except (NoKeyringError, KeyringError):
        raise SignerUnavailable(NO_KEYRING) from None
    if secret is None:
        raise SignerUnavailable(NO_SECRET)
    return secret


def _pkcs12(settings: DeskSettings, path: Path) -> Pkcs12Signer:
    try:
        stat = path.stat()
    except OSError:
        raise SignerUnavailable(f"Không tìm thấy tệp chứng thư số {path}. {PLUG_IN_TOKEN}") from None
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size, settings.signer_kind)
    with _loading:
        signer = _loaded.get(key)
        if signer is None:
            demo = settings.signer_kind == DEMO
            signer = Pkcs12Signer(path, (DEMO_PASSWORD if demo else _secret(settings, path)).encode("utf-8"))
            if demo and DEMO_SUBJECT not in signer.certificate().subject.rfc4514_string():
                raise SignerUnavailable("Tệp này không phải chứng thư thử nghiệm của xã mẫu: hãy chọn loại "
                                        "«Tệp chứng thư số» và lưu mật khẩu của nó.")
            _loaded.clear()  # one file at a time: an older version's key is not kept in memory
            _loaded[key] = signer
    return signer


def key_holder(settings: DeskSettings, base: Path | None = None) -> KeyHolder:
    """The configured key holder, or SignerUnavailable saying in Vietnamese what to do.
    `base` is the database's folder (a relative file path is read there)."""
    if settings.signer_kind not in KINDS or not settings.signer_path:
        raise SignerUnavailable(NOT_CONFIGURED)
    path = key_path(settings, base)
    if settings.signer_kind in (PKCS12, DEMO):
        return _pkcs12(settings, path)
    return Pkcs11Signer(path, _secret(settings, path), settings.signer_token_label or None)
