"""`motcua officer …` and login for commands that write (issue 9).

    motcua --db xa.sqlite officer add --username admin --name "Trần Văn Quản"        # the first: quản trị
    motcua --db xa.sqlite --user admin officer add --username lan.nt --name "Nguyễn Thị Lan" --role tiep_nhan
    motcua --db xa.sqlite --user admin officer list
    motcua --db xa.sqlite --user admin officer set lan.nt --role tiep_nhan --role truong_bo_phan
    motcua --db xa.sqlite --user admin officer set lan.nt --reset-password
    motcua --db xa.sqlite --user lan.nt officer password

Passwords are asked at a prompt that does not echo, or read from MOTCUA_PASSWORD (the officer who
logs in) and MOTCUA_NEW_PASSWORD (an account's new password) for scripts; they are never arguments,
which other users of the machine could read from the process list.
"""

from __future__ import annotations

import argparse
import getpass
import os
from collections.abc import Callable

from app.core.errors import DeskError, ValidationError
from app.core.permissions import Role
from app.services.desk import Desk

AddCommand = Callable[[str, str], argparse.ArgumentParser]
PASSWORD_ENV, NEW_PASSWORD_ENV = "MOTCUA_PASSWORD", "MOTCUA_NEW_PASSWORD"
NO_ACCOUNTS = ("Chưa có tài khoản cán bộ nào trên tệp dữ liệu này. Hãy tạo quản trị đầu tiên: "
               "motcua officer add --username TÊN --name \"Họ và tên\" (hoặc mở cửa sổ làm việc).")
LOG_IN = ("Lệnh này ghi dữ liệu: hãy đăng nhập bằng --user TÊN_ĐĂNG_NHẬP (mật khẩu được hỏi khi chạy, hoặc "
          f"lấy từ biến môi trường {PASSWORD_ENV}).")


def _password(prompt: str, env: str, *, twice: bool = False) -> str:
    if os.environ.get(env):
        return os.environ[env]
    try:
        first = getpass.getpass(prompt)
        if twice and getpass.getpass("Nhập lại mật khẩu: ") != first:
            raise ValidationError("Hai lần nhập mật khẩu không giống nhau.", field="password")
    except (EOFError, KeyboardInterrupt):
        raise DeskError(f"Không đọc được mật khẩu. Hãy nhập khi được hỏi, hoặc đặt biến môi trường {env}.") from None
    return first


def sign_in(desk: Desk, args: argparse.Namespace) -> None:
    """Log the officer of `--user` in and make them the desk's actor, or refuse."""
    from app.services.officers import has_officers, login

    if not getattr(args, "user", ""):
        raise DeskError(LOG_IN if has_officers(desk) else NO_ACCOUNTS)
    logged = login(desk, args.user, _password(f"Mật khẩu của {args.user}: ", PASSWORD_ENV))
    if logged.must_change:
        raise DeskError("Mật khẩu này do quản trị cấp lại: hãy đặt mật khẩu mới trước "
                        f"(motcua --user {args.user} officer password).")
    desk.act_as(logged.officer)


def sign_in_if_accounts(desk: Desk, args: argparse.Namespace) -> None:
    """For `init`: a new database is set up by whoever has it; one with accounts needs an administrator."""
    from app.services.officers import has_officers

    if has_officers(desk):
        sign_in(desk, args)
    else:
        desk.trusted = True


def _roles(args: argparse.Namespace) -> list[str]:
    return list(dict.fromkeys(args.role or []))


def cmd_add(args: argparse.Namespace) -> int:
    from app.cli import _desk
    from app.services.officers import create_first_admin, create_officer, has_officers

    with _desk(args) as desk:
        first = not has_officers(desk)
        if first and _roles(args) not in ([], [Role.ADMIN.value]):
            raise DeskError("Tài khoản đầu tiên là quản trị: bỏ --role, hoặc ghi --role quan_tri.")
        if not first:
            sign_in(desk, args)
        password = _password(f"Mật khẩu cho {args.username}: ", NEW_PASSWORD_ENV, twice=True)
        if first:
            desk.actor = args.name
            officer = create_first_admin(desk, username=args.username, full_name=args.name, password=password,
                                         title=args.title)
            roles = officer.roles
        else:
            account = create_officer(desk, username=args.username, full_name=args.name, title=args.title,
                                     roles=_roles(args), password=password)
            roles = account.roles
    print(f"Đã tạo tài khoản {args.username} ({', '.join(r.label.lower() for r in roles)}).")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from app.cli import _desk
    from app.services.officers import list_officers

    with _desk(args, act=True) as desk:
        accounts = list_officers(desk)
    for a in accounts:
        state = "hoạt động" if a.active else "ngừng hoạt động"
        print(f"{a.username}\t{a.full_name}\t{a.title}\t{', '.join(r.label.lower() for r in a.roles)}\t{state}")
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    from app.cli import _desk
    from app.services.officers import list_officers, update_officer

    with _desk(args, act=True) as desk:
        found = [a for a in list_officers(desk) if a.username == args.username.strip().lower()]
        if not found:
            raise DeskError(f"Không có tài khoản «{args.username}».")
        password = None
        if args.reset_password:
            password = _password(f"Mật khẩu mới cho {args.username}: ", NEW_PASSWORD_ENV, twice=True)
        active = None if args.active is None else args.active == "co"
        update_officer(desk, found[0].uid, full_name=args.name, title=args.title, roles=_roles(args) or None,
                       active=active, password=password)
    print(f"Đã lưu tài khoản {args.username}." + (" Cán bộ sẽ phải đổi mật khẩu khi đăng nhập." if password else ""))
    return 0


def cmd_password(args: argparse.Namespace) -> int:
    from app.cli import _desk
    from app.services.officers import change_own_password

    if not args.user:
        raise DeskError(LOG_IN)
    with _desk(args) as desk:
        old = _password(f"Mật khẩu hiện tại của {args.user}: ", PASSWORD_ENV)
        new = _password("Mật khẩu mới: ", NEW_PASSWORD_ENV, twice=True)
        change_own_password(desk, args.user, old, new)
    print("Đã đổi mật khẩu.")
    return 0


def register(add: AddCommand) -> None:
    """Add this group's subcommands; each sets `run` to a function of the parsed arguments."""
    parser = add("officer", "tài khoản cán bộ: tạo, liệt kê, sửa, đổi mật khẩu")
    sub = parser.add_subparsers(dest="officer_command", required=True)
    roles = [r.value for r in Role]

    def nested(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--db", default=argparse.SUPPRESS, help="tệp dữ liệu SQLite")
        p.add_argument("--user", default=argparse.SUPPRESS, help="tên đăng nhập của quản trị (hoặc của chính mình)")
        return p

    p = nested("add", "tạo tài khoản (tài khoản đầu tiên của một tệp dữ liệu là quản trị)")
    p.add_argument("--username", required=True, help="tên đăng nhập, ví dụ lan.nt")
    p.add_argument("--name", required=True, help="họ và tên, như in trên giấy tờ")
    p.add_argument("--title", default="", help="chức danh")
    p.add_argument("--role", action="append", choices=roles, help="vai trò (ghi nhiều lần nếu nhiều vai trò)")
    p.set_defaults(run=cmd_add)
    nested("list", "liệt kê tài khoản").set_defaults(run=cmd_list)
    p = nested("set", "sửa tài khoản: họ tên, chức danh, vai trò, hoạt động, cấp lại mật khẩu")
    p.add_argument("username")
    p.add_argument("--name")
    p.add_argument("--title")
    p.add_argument("--role", action="append", choices=roles, help="vai trò mới (thay cho vai trò cũ)")
    p.add_argument("--active", choices=["co", "khong"], help="còn hoạt động: co / khong")
    p.add_argument("--reset-password", action="store_true", help="đặt mật khẩu mới (cán bộ phải đổi khi đăng nhập)")
    p.set_defaults(run=cmd_set)
    nested("password", "đổi mật khẩu của chính mình").set_defaults(run=cmd_password)
