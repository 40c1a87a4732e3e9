"""Roles and what each may do: the one table the services check and the window follows (issue 9).

An officer holds one or more roles; what they may do is the union of their roles' rows. The
services call `require` at the top of every function that writes, so the window, the command line
and any script obey the same table; the window only hides what this table forbids.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from app.core.errors import DeskError


class Role(StrEnum):
    RECEPTION = "tiep_nhan"
    HEAD = "truong_bo_phan"
    ADMIN = "quan_tri"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {Role.RECEPTION: "Tiếp nhận", Role.HEAD: "Trưởng bộ phận", Role.ADMIN: "Quản trị"}


class Perm(StrEnum):
    RECEIVE = "receive"
    PROCESS = "process"  # forward, supplements, refuse, finish, hand over, withdraw, rate, attach
    PRINT = "print"
    ISSUE_RECEIPT = "issue_receipt"
    VOID_RECEIPT = "void_receipt"
    RESCHEDULE = "reschedule"
    STOP = "stop"
    REPORTS = "reports"
    SETTINGS = "settings"
    CATALOGUE = "catalogue"
    HOLIDAYS = "holidays"
    RANGES = "ranges"  # receipt number ranges
    ENROLL = "enroll"  # enrolment with the hub
    ACCOUNTS = "accounts"

    @property
    def label(self) -> str:
        return PERM_LABELS[self]


PERM_LABELS = {
    Perm.RECEIVE: "tiếp nhận hồ sơ", Perm.PROCESS: "xử lý hồ sơ", Perm.PRINT: "in giấy tờ",
    Perm.ISSUE_RECEIPT: "lập biên lai", Perm.VOID_RECEIPT: "hủy biên lai", Perm.RESCHEDULE: "gia hạn hồ sơ",
    Perm.STOP: "dừng xử lý hồ sơ", Perm.REPORTS: "xem báo cáo", Perm.SETTINGS: "thay đổi cài đặt",
    Perm.CATALOGUE: "sửa danh mục thủ tục", Perm.HOLIDAYS: "sửa bảng ngày nghỉ",
    Perm.RANGES: "nhập dải số biên lai", Perm.ENROLL: "đăng ký máy trạm với cấp trên",
    Perm.ACCOUNTS: "quản lý tài khoản cán bộ",
}

_RECEPTION = frozenset({Perm.RECEIVE, Perm.PROCESS, Perm.PRINT, Perm.ISSUE_RECEIPT})

# THE table. A head of the office does what reception does, and more; an administrator configures
# the desk but does not take money or dossiers (give an officer both roles if they must).
PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.RECEPTION: _RECEPTION,
    Role.HEAD: _RECEPTION | {Perm.VOID_RECEIPT, Perm.RESCHEDULE, Perm.STOP, Perm.REPORTS},
    Role.ADMIN: frozenset({Perm.SETTINGS, Perm.CATALOGUE, Perm.HOLIDAYS, Perm.RANGES, Perm.ENROLL, Perm.ACCOUNTS}),
}


class PermissionDenied(DeskError):
    code = "forbidden"


def parse_roles(values: Iterable[str]) -> tuple[Role, ...]:
    """Roles from stored or typed codes, in the table's order; an unknown code is refused."""
    wanted = set()
    for value in values:
        try:
            wanted.add(Role(value))
        except ValueError:
            raise DeskError(f"Vai trò «{value}» không có. Các vai trò: {roles_text(Role)}.", field="roles") from None
    return tuple(role for role in Role if role in wanted)


def roles_text(roles: Iterable[Role]) -> str:
    return ", ".join(role.label.lower() for role in roles)


def allowed(roles: Iterable[Role], perm: Perm) -> bool:
    return any(perm in PERMISSIONS[role] for role in roles)


def require(name: str, roles: Iterable[Role], perm: Perm) -> None:
    """Refuse, in Vietnamese, an act the officer's roles do not allow."""
    roles = tuple(roles)
    if allowed(roles, perm):
        return
    who = [role for role in Role if perm in PERMISSIONS[role]]
    raise PermissionDenied(
        f"Tài khoản {name} ({roles_text(roles) or 'không có vai trò'}) không được {perm.label}. "
        f"Việc này dành cho vai trò: {roles_text(who)}.", field="permission")


@dataclass(frozen=True)
class Officer:
    """The officer signed in at a desk: who they are and what their roles allow."""

    uid: str
    username: str
    full_name: str
    title: str
    roles: tuple[Role, ...]

    def may(self, perm: Perm) -> bool:
        return allowed(self.roles, perm)

    def require(self, perm: Perm) -> None:
        require(f"«{self.full_name}»", self.roles, perm)


def action_perm(action: str) -> Perm:
    """What a dossier step asks of the officer (app.core.lifecycle.Action values)."""
    return ACTION_PERMS.get(action, Perm.PROCESS)


# Dossier steps that are not plain processing; every other step is Perm.PROCESS.
ACTION_PERMS: dict[str, Perm] = {
    "received": Perm.RECEIVE, "rescheduled": Perm.RESCHEDULE, "stopped": Perm.STOP, "printed": Perm.PRINT,
}
