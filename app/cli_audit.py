"""`motcua audit verify` and `motcua export-person` (issue 9)."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable

AddCommand = Callable[[str, str], argparse.ArgumentParser]


def cmd_audit(args: argparse.Namespace) -> int:
    from app.cli import _desk
    from app.services.audit import verify_chain

    started = time.perf_counter()
    with _desk(args) as desk:
        verdict = verify_chain(desk)
    took = time.perf_counter() - started
    if not verdict.ok:
        print(verdict.message, file=sys.stderr)
        return 1
    print(f"{verdict.message} ({took:.2f} giây)")
    return 0


def _administrator(desk: object) -> None:
    from app.core.permissions import Perm

    desk.require(Perm.SETTINGS)  # type: ignore[attr-defined]


def cmd_export_person(args: argparse.Namespace) -> int:
    from app.cli import _desk
    from app.services.personal_data import export_person

    with _desk(args, act=True) as desk:  # everything about a citizen: an administrator, logged in
        _administrator(desk)
        exported = export_person(desk, args.cccd, args.out, pdf=args.pdf)
    print(exported.message)
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    """Lists (or, with --purge, blanks) the personal fields of closed dossiers past the retention period."""
    from app.cli import _desk
    from app.services.clock import show
    from app.services.personal_data import expired_dossiers, purge_expired

    with _desk(args, act=args.purge) as desk:  # listing reads codes only; a purge is an administrator's act
        years = args.years if args.years is not None else desk.settings().retention_years
        if years <= 0:
            print("Chưa đặt thời hạn lưu dữ liệu cá nhân: dùng --years N hoặc cài đặt «retention_years».",
                  file=sys.stderr)
            return 2
        if args.purge:
            print(purge_expired(desk, years).message)
            return 0
        expired = expired_dossiers(desk, years)
    for item in expired:
        note = "\tcòn thay đổi chưa đồng bộ" if item.waiting else ""
        print(f"{item.code}\t{item.status.label}\tkết thúc {show(item.closed_at)}{note}")
    print(f"{len(expired)} hồ sơ đã kết thúc quá {years} năm còn dữ liệu cá nhân.")
    return 0


def register(add: AddCommand) -> None:
    """Add this group's subcommands; each sets `run` to a function of the parsed arguments."""
    p = add("audit", "kiểm tra chuỗi kiểm toán của máy trạm")
    p.add_argument("action", choices=["verify"], help="verify: kiểm tra toàn bộ chuỗi, nêu bản ghi hỏng đầu tiên")
    p.set_defaults(run=cmd_audit)
    p = add("export-person", "xuất mọi dữ liệu đang lưu về một công dân (theo số CCCD)")
    p.add_argument("--cccd", required=True, help="số định danh cá nhân (12 chữ số)")
    p.add_argument("--out", required=True, help="tệp JSON đầu ra")
    p.add_argument("--pdf", help="kèm bản PDF dễ đọc (tùy chọn)")
    p.set_defaults(run=cmd_export_person)
    p = add("retention", "hồ sơ đã kết thúc quá thời hạn lưu dữ liệu cá nhân (liệt kê, hoặc xóa với --purge)")
    p.add_argument("--years", type=int, help="số năm lưu (mặc định: cài đặt retention_years)")
    p.add_argument("--purge", action="store_true", help="xóa dữ liệu cá nhân, giữ số liệu thống kê")
    p.set_defaults(run=cmd_retention)
