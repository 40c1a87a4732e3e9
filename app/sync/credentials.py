"""The device token lives in the OS credential store (Windows Credential Manager), never in a
file, a log or an error message. A machine with no keyring gets a plain explanation.

keyring (and the OS backend it picks) is imported at the first use of a token, not when the sync
client is imported: the desk's start-up does not pay for it (issue 14)."""

from __future__ import annotations

from app.core.errors import DeskError

SERVICE = "motcua-desk"


class CredentialsUnavailable(DeskError):
    code = "no_keyring"


NO_KEYRING = ("Máy này không có kho mật khẩu của hệ điều hành để cất mã đồng bộ an toàn. Trên Windows, "
              "hãy đăng nhập bằng tài khoản người dùng bình thường (Credential Manager). Trên Linux, hãy cài và "
              "mở khóa một kho mật khẩu (GNOME Keyring hoặc KWallet), hoặc nhờ quản trị cấp trên hỗ trợ.")


def _key(hub_url: str, device_id: str) -> str:
    return f"{hub_url.rstrip('/')}|{device_id}"


def save_token(hub_url: str, device_id: str, token: str) -> None:
    import keyring
    from keyring.errors import KeyringError, NoKeyringError

    try:
        keyring.set_password(SERVICE, _key(hub_url, device_id), token)
    except (NoKeyringError, KeyringError):
        raise CredentialsUnavailable(NO_KEYRING) from None


def load_token(hub_url: str, device_id: str) -> str | None:
    import keyring
    from keyring.errors import KeyringError, NoKeyringError

    try:
        return keyring.get_password(SERVICE, _key(hub_url, device_id))
    except (NoKeyringError, KeyringError):
        raise CredentialsUnavailable(NO_KEYRING) from None


def forget_token(hub_url: str, device_id: str) -> None:
    import keyring
    from keyring.errors import KeyringError, NoKeyringError, PasswordDeleteError

    try:
        keyring.delete_password(SERVICE, _key(hub_url, device_id))
    except (NoKeyringError, KeyringError, PasswordDeleteError):
        pass
