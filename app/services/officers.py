"""Officer accounts: created and changed by an administrator, logged in offline, and carried to the
commune's other desks as `officer.saved` ops (hashes only, never a password) (issue 9).

Who acts is the officer's full name (`Desk.actor`): it is what the slip, the receipt, the timeline
and the cash per officer show, so full names are unique on a desk (two officers with the same name
add something to tell them apart). Five failed logins lock an account on this workstation for five
minutes; the attempts are logged with the username, never with what was typed.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from app.core.errors import NotFoundError, ValidationError
from app.core.passwords import check_new_password, decoy_hash, hash_password, verify_password
from app.core.permissions import Officer, Perm, PermissionDenied, Role, parse_roles
from app.core.text import nfc
from app.services.clock import show
from app.services.desk import Desk
from app.services.outbox import enqueue
from app.store.models import Officer as OfficerRow
from forms.fonts import first_unprintable
from sync.ops import OfficerSaved

log = logging.getLogger(__name__)
O = OfficerRow.__table__  # noqa: E741 (the table, as elsewhere: one letter)
MAX_FAILED = 5
LOCK_FOR = timedelta(minutes=5)
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
NAME_MAX, TITLE_MAX = 100, 120
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."
# A hash to verify against when the username is unknown, so a wrong name costs the same time as a
# wrong password and the answer says nothing about which accounts exist.
_DECOY = decoy_hash()


class LoginRefused(PermissionDenied):
    code = "login_refused"


@dataclass(frozen=True)
class Account:
    """An account as the accounts screen lists it (no hash)."""

    uid: str
    username: str
    full_name: str
    title: str
    roles: tuple[Role, ...]
    active: bool
    must_change: bool
    locked_until: datetime | None

    def officer(self) -> Officer:
        return Officer(self.uid, self.username, self.full_name, self.title, self.roles)


@dataclass(frozen=True)
class LoggedIn:
    officer: Officer
    must_change: bool  # a password set by someone else (a reset at the hub): the officer chooses a new one


# -- checks ------------------------------------------------------------------------------------
def clean_username(value: str) -> str:
    name = nfc(value or "").lower()
    if not USERNAME.match(name):
        raise ValidationError("Tên đăng nhập gồm 2–40 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang "
                              "hoặc gạch dưới (ví dụ lan.nt).", field="username")
    return name


def _clean_text(value: str, label: str, most: int, *, required: bool) -> str:
    text = nfc(value or "")
    if required and not text:
        raise ValidationError(f"Hãy nhập {label.lower()}.", field="full_name")
    if len(text) > most:
        raise ValidationError(f"{label} dài {len(text)} ký tự, vượt quá {most} ký tự cho phép.", field="full_name")
    if first_unprintable(text):
        raise ValidationError(f"{label} có ký tự mà giấy tờ in ra không thể hiện được.", field="full_name")
    return text


def _roles(values: Any) -> tuple[Role, ...]:
    roles = parse_roles(values or ())
    if not roles:
        raise ValidationError("Hãy chọn ít nhất một vai trò.", field="roles")
    return roles


def _account(row: Any) -> Account:
    return Account(row.uid, row.username, row.full_name, row.title, parse_roles(row.roles), bool(row.active),
                   bool(row.must_change), row.locked_until)


def _name_taken(connection: Connection, full_name: str, uid: str) -> None:
    same = connection.execute(select(O.c.uid).where(func.lower(O.c.full_name) == full_name.lower(),
                                                    O.c.uid != uid)).first()
    if same is not None:
        raise ValidationError(f"Đã có cán bộ tên «{full_name}». Tên là thứ in trên giấy tờ và biên lai: hãy ghi "
                              "thêm để phân biệt (ví dụ «Nguyễn Thị Hoa (B)»).", field="full_name")


def _keeps_an_admin(connection: Connection, uid: str, roles: tuple[Role, ...], active: bool) -> None:
    if Role.ADMIN in roles and active:
        return
    others = connection.execute(select(O.c.roles).where(O.c.active, O.c.uid != uid)).scalars().all()
    if not any(Role.ADMIN.value in (r or []) for r in others):
        raise ValidationError("Phải còn ít nhất một tài khoản quản trị đang hoạt động.", field="roles")


# -- writing ------------------------------------------------------------------------------------
def _publish(desk: Desk, connection: Connection, row: dict[str, Any]) -> None:
    """The account as it now is, queued for the commune's other desks: the hash, never a password."""
    payload = OfficerSaved(officer_id=row["uid"], username=row["username"], full_name=row["full_name"],
                           title=row["title"], roles=list(row["roles"]), active=row["active"],
                           password_hash=row["password_hash"], must_change=row["must_change"],
                           saved_at=row["saved_at"], version=row["version"])
    enqueue(connection, entity="officer", entity_id=row["uid"], kind="officer.saved", payload=payload.wire(),
            actor=desk.actor, device_time=row["saved_at"])


def _insert(desk: Desk, connection: Connection, *, username: str, full_name: str, title: str,
            roles: tuple[Role, ...], password: str) -> Account:
    username = clean_username(username)
    full_name = _clean_text(full_name, "Họ và tên", NAME_MAX, required=True)
    title = _clean_text(title, "Chức danh", TITLE_MAX, required=False)
    check_new_password(password)
    if connection.execute(select(O.c.id).where(O.c.username == username)).first():
        raise ValidationError(f"Tên đăng nhập «{username}» đã có.", field="username")
    uid = str(uuid.uuid4())
    _name_taken(connection, full_name, uid)
    row = {"uid": uid, "username": username, "full_name": full_name, "title": title,
           "roles": [r.value for r in roles], "active": True, "password_hash": hash_password(password),
           "must_change": False, "failed_count": 0, "locked_until": None, "saved_at": desk.now(),
           "saved_by": desk.actor, "version": 1}
    connection.execute(insert(O).values(**row))
    _publish(desk, connection, row)
    log.info("officer account %s created", username)
    return _account(connection.execute(select(O).where(O.c.uid == uid)).one())


def has_officers(desk: Desk) -> bool:
    """False on a new desk: the first-run wizard then asks for the first administrator."""
    with desk.read() as connection:
        return connection.execute(select(O.c.id).limit(1)).first() is not None


def create_first_admin(desk: Desk, *, username: str, full_name: str, password: str, title: str = "") -> Officer:
    """Create the desk's first account, an administrator (quản trị), and return it as an Officer.

    For the first-run wizard and `motcua officer add` on a new database: allowed only while the
    database has no account at all (afterwards, only an administrator creates accounts, through
    `create_officer`). The password is checked (at least 8 characters) and only its argon2 hash is
    stored and synced. Raises ValidationError with a Vietnamese message for a bad username, name or
    password, and PermissionDenied once any account exists. The caller signs the officer in with
    `desk.act_as(officer)` if the administrator should start working at once."""
    with desk.write() as connection:
        if connection.execute(select(O.c.id).limit(1)).first() is not None:
            raise PermissionDenied("Máy này đã có tài khoản cán bộ: chỉ quản trị mới tạo thêm tài khoản.")
        account = _insert(desk, connection, username=username, full_name=full_name, title=title,
                          roles=(Role.ADMIN,), password=password)
    return account.officer()


def create_officer(desk: Desk, *, username: str, full_name: str, roles: list[str] | tuple[Role, ...],
                   password: str, title: str = "") -> Account:
    """A new account, by an administrator."""
    desk.require(Perm.ACCOUNTS)
    wanted = _roles(roles)
    with desk.write() as connection:
        return _insert(desk, connection, username=username, full_name=full_name, title=title, roles=wanted,
                       password=password)


def update_officer(desk: Desk, uid: str, *, full_name: str | None = None, title: str | None = None,
                   roles: list[str] | tuple[Role, ...] | None = None, active: bool | None = None,
                   password: str | None = None) -> Account:
    """Change an account (by an administrator); a new password here is a reset: the officer chooses
    their own at the next login. Unlocking comes with any save."""
    desk.require(Perm.ACCOUNTS)
    with desk.write() as connection:
        row = connection.execute(select(O).where(O.c.uid == uid)).first()
        if row is None:
            raise NotFoundError("Không tìm thấy tài khoản.", field="officer")
        new = dict(row._mapping)
        if full_name is not None:
            new["full_name"] = _clean_text(full_name, "Họ và tên", NAME_MAX, required=True)
            _name_taken(connection, new["full_name"], uid)
        if title is not None:
            new["title"] = _clean_text(title, "Chức danh", TITLE_MAX, required=False)
        if roles is not None:
            new["roles"] = [r.value for r in _roles(roles)]
        if active is not None:
            new["active"] = bool(active)
        _keeps_an_admin(connection, uid, parse_roles(new["roles"]), new["active"])
        if password is not None:
            new["password_hash"], new["must_change"] = hash_password(password), True
        new.update(failed_count=0, locked_until=None, saved_at=desk.now(), saved_by=desk.actor,
                   version=row.version + 1)
        connection.execute(update(O).where(O.c.uid == uid).values(
            {k: v for k, v in new.items() if k not in ("id", "uid")}))
        _publish(desk, connection, new)
        saved = connection.execute(select(O).where(O.c.uid == uid)).one()
    log.info("officer account %s saved", new["username"])
    return _account(saved)


def change_own_password(desk: Desk, username: str, old: str, new: str) -> LoggedIn:
    """The officer's own new password (after a reset, or whenever they wish): the old one proves it is them."""
    if old == new:
        raise ValidationError("Mật khẩu mới phải khác mật khẩu cũ.", field="password")
    check_new_password(new)
    logged = login(desk, username, old)
    now = desk.now()
    with desk.write() as connection:
        connection.execute(update(O).where(O.c.uid == logged.officer.uid).values(
            password_hash=hash_password(new), must_change=False, saved_at=now, saved_by=logged.officer.full_name,
            version=O.c.version + 1))
        row = connection.execute(select(O).where(O.c.uid == logged.officer.uid)).one()
        actor, desk.actor = desk.actor, logged.officer.full_name  # the op records who changed it
        try:
            _publish(desk, connection, dict(row._mapping))
        finally:
            desk.actor = actor
    return LoggedIn(logged.officer, must_change=False)


# -- login --------------------------------------------------------------------------------------
def _failed(desk: Desk, row: Any, now: datetime) -> None:
    count = (row.failed_count or 0) + 1
    locked = now + LOCK_FOR if count >= MAX_FAILED else None
    with desk.write() as connection:
        connection.execute(update(O).where(O.c.id == row.id).values(
            failed_count=0 if locked else count, locked_until=locked))
    if locked:
        log.warning("officer account %s locked until %s after %d failed logins", row.username,
                    locked.isoformat(), MAX_FAILED)
        raise LoginRefused(f"Nhập sai mật khẩu {MAX_FAILED} lần: tài khoản tạm khóa đến {show(locked, '%H:%M')}.",
                           field="password")
    log.warning("failed login for officer account %s (%d of %d)", row.username, count, MAX_FAILED)
    raise LoginRefused(f"{WRONG} Còn {MAX_FAILED - count} lần thử trước khi tài khoản bị tạm khóa.",
                       field="password")


def login(desk: Desk, username: str, password: str) -> LoggedIn:
    """Check a username and password against this desk's accounts (offline). Does not sign in:
    the caller does `desk.act_as(result.officer)`."""
    name = nfc(username or "").lower()
    now = desk.now()
    with desk.read() as connection:
        row = connection.execute(select(O).where(O.c.username == name)).first()
    if row is None:
        verify_password(_DECOY, password or "")
        log.warning("failed login for an unknown username")
        raise LoginRefused(WRONG, field="username")
    if row.locked_until is not None and row.locked_until > now:
        log.warning("login refused for officer account %s: locked", row.username)
        raise LoginRefused(f"Tài khoản đang tạm khóa đến {show(row.locked_until, '%H:%M')} do nhập sai mật khẩu "
                           f"{MAX_FAILED} lần. Hãy chờ hoặc nhờ quản trị mở khóa.", field="username")
    if not verify_password(row.password_hash, password or ""):
        _failed(desk, row, now)
    if not row.active:
        raise LoginRefused("Tài khoản này đã ngừng hoạt động. Hãy liên hệ quản trị.", field="username")
    if row.failed_count or row.locked_until:
        with desk.write() as connection:
            connection.execute(update(O).where(O.c.id == row.id).values(failed_count=0, locked_until=None))
    log.info("officer %s logged in", row.username)
    return LoggedIn(_account(row).officer(), bool(row.must_change))


# -- reading ------------------------------------------------------------------------------------
def list_officers(desk: Desk) -> list[Account]:
    """Every account, for the accounts screen of an administrator."""
    desk.require(Perm.ACCOUNTS)
    with desk.read() as connection:
        rows = connection.execute(select(O).order_by(O.c.active.desc(), O.c.full_name)).all()
    return [_account(row) for row in rows]


def officer_names(desk: Desk) -> list[str]:
    """Full names of active accounts: what the receipts screen filters its cash by."""
    with desk.read() as connection:
        return list(connection.execute(select(O.c.full_name).where(O.c.active).order_by(O.c.full_name)).scalars())


# -- sync ---------------------------------------------------------------------------------------
class OfficerAside(ValidationError):
    code = "username_taken"


def apply_saved(connection: Connection, saved: Any) -> int:
    """An account saved on another desk or reset at the hub: the highest (version, saved_at) wins,
    so a clock that is off never undoes a later change. This desk's failed attempts are kept; a
    save unlocks nothing here but a new password does."""
    assert isinstance(saved, OfficerSaved)  # parse_payload of an "officer.saved" change
    row = connection.execute(select(O).where(O.c.uid == saved.officer_id)).first()
    if row is not None and (row.version, row.saved_at) >= (saved.version, saved.saved_at):
        return 0
    clash = connection.execute(select(O.c.uid).where(O.c.username == saved.username,
                                                     O.c.uid != saved.officer_id)).first()
    if clash is not None:
        raise OfficerAside(f"Tên đăng nhập «{saved.username}» đã dùng cho một tài khoản khác trên máy này.")
    values = {"username": saved.username, "full_name": saved.full_name, "title": saved.title,
              "roles": list(saved.roles), "active": saved.active, "password_hash": saved.password_hash,
              "must_change": saved.must_change, "saved_at": saved.saved_at, "saved_by": "đồng bộ",
              "version": saved.version}
    if row is None:
        connection.execute(insert(O).values(uid=saved.officer_id, failed_count=0, locked_until=None, **values))
    else:
        if row.password_hash != saved.password_hash:
            values.update(failed_count=0, locked_until=None)
        connection.execute(update(O).where(O.c.id == row.id).values(**values))
    return 1
