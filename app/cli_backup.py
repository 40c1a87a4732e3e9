"""`motcua backup` and `motcua restore` (issue 9)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

AddCommand = Callable[[str, str], argparse.ArgumentParser]


def cmd_backup(args: argparse.Namespace) -> int:
    from app.cli import _desk
    from app.core.permissions import Perm
    from app.services.backup import take_backup

    with _desk(args, act=True) as desk:  # a copy of everything: an administrator, logged in
        desk.require(Perm.SETTINGS)
        done = take_backup(desk, Path(args.to) if args.to else None)
    print(done.message)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """Restores with the desk closed (the instance lock), then syncs once when the desk is enrolled,
    so what was done after the backup comes back before anyone receives a new dossier."""
    from app.cli import _alone_on, _desk
    from app.core.errors import DeskError
    from app.services.backup import restore_file

    path = Path(args.db)
    path.parent.mkdir(parents=True, exist_ok=True)
    with _alone_on(path):
        # The accounts are inside the backup: nobody can sign in before it is back, so the restore is
        # recorded under the name given (or the administrator's), in the chain it starts.
        actor = getattr(args, "user", "") or getattr(args, "actor", "") or "quản trị"
        restored = restore_file(path, Path(args.file), recovery_key=args.recovery_key, actor=actor)
    print(restored.message)
    if args.no_sync:
        return 0
    from app.sync.client import SyncClient

    with _desk(args) as desk:
        if not desk.settings().hub_url:
            return 0
        try:
            result = SyncClient(desk).round()
        except DeskError as error:  # no token in this PC's credential store: the restore stands, enroll again
            print(f"Chưa đồng bộ được: {error.message} Hãy đồng bộ trước khi tiếp nhận hồ sơ mới.")
            return 0
    if result.problem:
        print(f"Chưa đồng bộ được: {result.problem} Hãy đồng bộ trước khi tiếp nhận hồ sơ mới.")
        return 0
    print(f"Đã đồng bộ: nhận lại {result.pulled} thay đổi từ hệ thống cấp trên.")
    return 0


def register(add: AddCommand) -> None:
    """Add this group's subcommands; each sets `run` to a function of the parsed arguments."""
    p = add("backup", "sao lưu (mã hóa) tệp dữ liệu ngay bây giờ")
    p.add_argument("--to", help="thư mục đích: ổ USB hoặc thư mục mạng (mặc định: thư mục trong cài đặt)")
    p.set_defaults(run=cmd_backup)
    p = add("restore", "khôi phục tệp dữ liệu từ một bản sao lưu")
    p.add_argument("file", help="tệp sao lưu .mcbk")
    p.add_argument("--recovery-key", help="khóa khôi phục (khi máy không còn khóa sao lưu)")
    p.add_argument("--no-sync", action="store_true", help="không đồng bộ ngay sau khi khôi phục")
    p.set_defaults(run=cmd_restore)
